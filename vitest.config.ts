import { defineConfig } from 'vitest/config';

// One `vitest run` at the root runs every workspace's own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['shared-contracts', 'prisma', 'jobs', 'sandbox', 'amazon-service', 'shopify-app'],
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    // The secret audit: every log line and HTTP response of the run is checked for secrets (scripts/secret-audit).
    globalSetup: ['./scripts/secret-audit/global-setup.ts'],
    passWithNoTests: true,
  },
});
