// The app project's global setup (shopify-app/vitest.config.ts), run once per `vitest run` in vitest's main
// process: it names the run's shared scratch (the one production build the production suites share, see
// production/support/production-process.ts) and removes it when the run ends.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** where this run's production build of the app goes (made by the first suite that needs it) */
    appBuildRoot: string;
  }
}

export default function setup(project: TestProject): () => void {
  const cache = fileURLToPath(new URL('../../node_modules/.cache/calibr-production-test/', import.meta.url));
  // Under shopify-app/node_modules so that the built server's own imports still resolve.
  const root = `${cache}run-${process.pid}-${Date.now()}`;
  project.provide('appBuildRoot', root);
  return () => {
    rmSync(root, { recursive: true, force: true });
    rmSync(`${root}.lock`, { recursive: true, force: true });
    rmSync(`${root}.failed`, { force: true });
  };
}
