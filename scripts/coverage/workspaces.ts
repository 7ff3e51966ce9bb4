// Coverage per workspace: which source folders count for each package, and the floor each must keep.
// vitest.config.ts measures these folders and enforces the floors (coverage.thresholds by glob);
// the table reporter (./table-reporter.ts) prints the same grouping after `npm test`.
//
// The floors are the figures of the whole suite measured on 2026-12-07 (the lowest of that day's whole runs, rounded
// down to a whole percent: the app's functions measured 74.0-77.7 % after the boundary work moved its code);
// the roadmap asks for 95 %. The app's statements count only what runs in vitest's workers: the app served
// by Vite and the child processes (built server, npm start, other instances) are not instrumented yet.
// Raise a floor when a workspace's figure rises; never lower one to make a run pass. The sandbox's Admin shell
// scripts run in Chromium only and are not measured (vitest.config.ts): its floor was raised to what the rest
// of its code measured (2026-12-07: 93.8 % statements, 90.4 % functions) when they were left out.

export interface CoverageFloor {
  statements: number;
  branches: number;
  functions: number;
  lines: number;
}

export interface CoveredWorkspace {
  /** the package name, as npm and the test projects call it */
  name: string;
  /** folders (relative to the repository root) whose files count as the workspace's product code */
  sources: string[];
  floor: CoverageFloor;
}

export const coveredWorkspaces: CoveredWorkspace[] = [
  { name: '@calibr/shared-contracts', sources: ['shared-contracts/src'], floor: { statements: 95, branches: 90, functions: 90, lines: 95 } },
  { name: '@calibr/db', sources: ['prisma/src'], floor: { statements: 91, branches: 88, functions: 90, lines: 91 } },
  { name: '@calibr/jobs', sources: ['jobs/src'], floor: { statements: 94, branches: 85, functions: 94, lines: 94 } },
  { name: '@calibr/sandbox', sources: ['sandbox/src'], floor: { statements: 92, branches: 82, functions: 89, lines: 92 } },
  { name: '@calibr/amazon-service', sources: ['amazon-service/src'], floor: { statements: 93, branches: 82, functions: 95, lines: 93 } },
  { name: '@calibr/shopify-app', sources: ['shopify-app/app', 'shopify-app/server'], floor: { statements: 43, branches: 78, functions: 74, lines: 43 } },
];

/** The glob of one source folder, as coverage.include takes it. */
export const sourceGlob = (folder: string): string => `${folder}/**`;

/** One glob over all of a workspace's folders, as coverage.thresholds keys its floors. */
export const workspaceGlob = (workspace: CoveredWorkspace): string =>
  workspace.sources.length === 1 ? sourceGlob(workspace.sources[0]!) : `{${workspace.sources.join(',')}}/**`;
