import { defineConfig } from 'vitest/config';

// The app's tests talk to the sandbox and to the app itself over real HTTP, so they get generous timeouts.
export default defineConfig({
  test: {
    name: '@calibr/shopify-app',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One file at a time: each starts a sandbox and the app, and the machine's cores are shared.
    fileParallelism: false,
  },
});
