// Hostile input against every route of the Amazon service, on SQLite (hostile-routes.postgres.test.ts
// runs it on PostgreSQL), and the inventory that keeps the sweep's route list complete.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_ROUTES, declaredRoutes, hostileServiceSuite } from './hostile-routes.shared';

describe('hostile-input sweep: route inventory', () => {
  it('lists every routes file and exactly the routes each declares', () => {
    const dir = (d: string) => readdirSync(fileURLToPath(new URL(`../src/${d}/`, import.meta.url))).filter((f) => /-routes?\.ts$/.test(f)).map((f) => `src/${d}/${f}`);
    expect(Object.keys(SERVICE_ROUTES).sort()).toEqual([...dir('routes'), ...dir('settings-page')].sort());
    for (const [file, { routes }] of Object.entries(SERVICE_ROUTES)) {
      expect(declaredRoutes(file).sort(), file).toEqual(routes.map((r) => r.replace(/ \(.*\)$/, '')).sort());
    }
  });
});

hostileServiceSuite({ provider: 'sqlite', runs: 60 });
