import { defineConfig } from 'vitest/config';

// The app's tests talk to the sandbox and to the app itself over real HTTP, so they get generous timeouts.
// Files run in parallel (the root config sets the workers): each starts its own sandbox and app on free
// ports, on a fresh database, with its own Vite cache (test/support/worker-setup.ts); the production
// suites share one build per run (test/support/global-setup.ts).
export default defineConfig({
  test: {
    name: '@calibr/shopify-app',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/worker-setup.ts'],
  },
});
