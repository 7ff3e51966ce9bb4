// After a run with coverage (`npm test`), one line per workspace: statements, branches, functions and lines
// covered, against the floor vitest.config.ts enforces for it (./workspaces.ts). Vitest's own text
// summary gives only the total over every workspace.
import { relative, sep } from 'node:path';
import type { Reporter } from 'vitest/node';
import { coveredWorkspaces, type CoverageFloor } from './workspaces';

type Metric = keyof CoverageFloor;
/** The part of istanbul's CoverageMap (what the v8 provider hands reporters) that the table reads. */
interface CoverageMap {
  files(): string[];
  fileCoverageFor(file: string): { toSummary(): Record<Metric, { covered: number; total: number }> };
}
const metrics: Metric[] = ['statements', 'branches', 'functions', 'lines'];

export default class CoverageTableReporter implements Reporter {
  onCoverage(coverage: unknown): void {
    const map = coverage as CoverageMap;
    if (!map || typeof map.files !== 'function') return;
    const root = process.cwd();
    const rows = coveredWorkspaces.map((workspace) => {
      const sums = Object.fromEntries(metrics.map((m) => [m, { covered: 0, total: 0 }])) as Record<Metric, { covered: number; total: number }>;
      let files = 0;
      for (const file of map.files()) {
        const path = relative(root, file).split(sep).join('/');
        if (!workspace.sources.some((folder) => path.startsWith(`${folder}/`))) continue;
        files++;
        const summary = map.fileCoverageFor(file).toSummary();
        for (const m of metrics) {
          sums[m].covered += summary[m].covered;
          sums[m].total += summary[m].total;
        }
      }
      return { workspace, files, sums };
    });
    const pct = (s: { covered: number; total: number }) => (s.total === 0 ? 100 : (100 * s.covered) / s.total);
    const out: string[] = ['', 'Coverage by workspace (% covered, floor in brackets)', ''];
    const header = ['workspace'.padEnd(26), 'files'.padStart(5), ...metrics.map((m) => m.padStart(18))].join(' ');
    out.push(header, '-'.repeat(header.length));
    for (const { workspace, files, sums } of rows) {
      const cells = metrics.map((m) => {
        const value = pct(sums[m]);
        const mark = value + 1e-9 < workspace.floor[m] ? ' !' : '  ';
        return `${value.toFixed(2)} [${workspace.floor[m]}]${mark}`.padStart(18);
      });
      out.push([workspace.name.padEnd(26), String(files).padStart(5), ...cells].join(' '));
    }
    process.stdout.write(`${out.join('\n')}\n\n`);
  }
}
