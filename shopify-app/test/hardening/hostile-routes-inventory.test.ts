// Every route module under app/routes/ is in the hostile-input sweep's map (support/hostile-routes.ts),
// with the methods it really exports, and every API route reads its body through the shared capped
// reader. A new route fails here until it is added to the sweep.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES_DIR, SWEPT_ROUTES, routeFilesOnDisk } from './support/hostile-routes';

function source(file: string): string {
  const path = join(ROUTES_DIR, file);
  return statSync(path).isDirectory() ? readFileSync(join(path, 'route.tsx'), 'utf8') : readFileSync(path, 'utf8');
}
const exportsFn = (text: string, name: string) => new RegExp(`export\\s+(?:async\\s+)?(?:function\\s+${name}\\b|const\\s+${name}\\b)`).test(text);

describe('hostile-input sweep: route inventory', () => {
  it('covers every route file, and names no file that is gone', () => {
    const swept = SWEPT_ROUTES.map((r) => r.file).sort();
    expect(swept).toEqual(routeFilesOnDisk());
    expect(new Set(swept).size).toBe(swept.length);
  });

  it('sweeps the methods each route exports: GET for a loader, the others for an action', () => {
    for (const route of SWEPT_ROUTES) {
      const text = source(route.file);
      const methods = [...route.reads, ...route.bodies];
      if (exportsFn(text, 'loader') && route.kind !== 'webhook') expect(methods, `${route.file} has a loader`).toContain('GET');
      if (exportsFn(text, 'action')) expect(methods.some((m) => m !== 'GET'), `${route.file} has an action`).toBe(true);
      if (!exportsFn(text, 'action')) expect(methods.filter((m) => m !== 'GET'), `${route.file} has no action`).toEqual([]);
    }
  });

  it('API routes read bodies only through the shared capped reader, and every route that does is swept with hostile bodies', () => {
    for (const route of SWEPT_ROUTES.filter((r) => r.kind === 'api' || r.kind === 'document')) {
      const text = source(route.file);
      expect(text, `${route.file} reads the body itself`).not.toMatch(/request\.(json|text|formData|arrayBuffer|blob)\(/);
      const readsBody = /read(Json|Form)Body\(/.test(text);
      expect(route.bodies.length > 0, `${route.file}: body methods in the sweep vs. readJsonBody/readFormBody in the code`).toBe(readsBody);
    }
  });
});
