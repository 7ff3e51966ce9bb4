import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { coveredWorkspaces, sourceGlob, workspaceGlob } from './scripts/coverage/workspaces';

// One `vitest run` at the root runs every workspace's own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['shared-contracts', 'prisma', 'jobs', 'sandbox', 'amazon-service', 'shopify-app'],
    reporters: ['default', './scripts/vitest-summary-reporter.ts', './scripts/coverage/table-reporter.ts'],
    // The secret audit: every log line and HTTP response of the run is checked for secrets (scripts/secret-audit).
    globalSetup: ['./scripts/secret-audit/global-setup.ts'],
    passWithNoTests: true,
    // Test files run in parallel across every project. Most of a file's time is spent waiting (on the sandbox,
    // the app, child processes, retry timers): an app suite keeps about a quarter of a core busy. So two files
    // per core; vitest's default (cores - 1) ran one file at a time on a 2-core machine.
    maxWorkers: Math.max(2, availableParallelism()) * 2,
    // v8 coverage of every workspace's product code, on with --coverage (`npm test` asks for it): the table
    // reporter prints it per workspace and each workspace must keep its floor (scripts/coverage/workspaces.ts).
    coverage: {
      provider: 'v8',
      include: coveredWorkspaces.flatMap((w) => w.sources.map(sourceGlob)),
      // The Admin shell's scripts (the App Bridge stand-in and the shell around the frame) run only in Chromium,
      // where v8 in Node can't see them: the browser tests (sandbox/test/admin-shell.browser.test.ts and the
      // app's *.browser tests) are what exercise them.
      exclude: ['**/*.d.ts', '**/generated/**', 'sandbox/src/shopify/admin-shell/assets/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      // The table and the summary even when a test fails: the figures of a red run are still worth reading.
      reportOnFailure: true,
      // The floors were measured with PostgreSQL too (CI sets TEST_DATABASE_URL); without it the PostgreSQL
      // paths don't run, so the figures are printed but the floors are not enforced.
      thresholds: process.env.TEST_DATABASE_URL ? Object.fromEntries(coveredWorkspaces.map((w) => [workspaceGlob(w), w.floor])) : {},
    },
  },
});
