// Every page of the merchant's console, read from the app's route files the way Remix reads them (its own
// flat-routes convention, the same ignore patterns as vite.config.ts): the routes under the `app` layout
// that render a page, i.e. that no other route nests in and that have a component (a module without a
// default export renders nothing: a redirect, like the old /app/pricing/products/:itemId). A page added
// tomorrow is on this list without anyone editing it; a dynamic one (`$itemId`) needs its parameters from
// the caller, and says so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flatRoutes } from '@remix-run/dev/dist/config/flat-routes.js';

const APP_DIR = fileURLToPath(new URL('../../../app', import.meta.url));
const IGNORED = ['**/.*', '**/*.test.*'];

export interface AppPage {
  /** Remix's route id, e.g. routes/app.listings.$itemId */
  id: string;
  /** The route file, relative to app/. */
  file: string;
  /** The URL pattern, e.g. /app/listings/:itemId */
  pattern: string;
  /** The pattern's dynamic segments, e.g. ['itemId']. */
  params: string[];
}

/** The console's pages (not its layouts, not resource routes outside `app`), sorted by URL. */
export function appPages(): AppPage[] {
  const routes = flatRoutes(APP_DIR, IGNORED);
  const all = Object.values(routes);
  const fullPath = (id: string | undefined): string => {
    if (!id || id === 'root') return '';
    const route = routes[id]!;
    return [fullPath(route.parentId), route.path].filter(Boolean).join('/');
  };
  const underApp = (id: string | undefined): boolean => id === 'routes/app' || (!!id && id !== 'root' && underApp(routes[id]?.parentId));
  const rendersPage = (file: string) => /export\s+default\b/.test(readFileSync(join(APP_DIR, file), 'utf8'));
  return all
    .filter((r) => underApp(r.parentId) && !all.some((child) => child.parentId === r.id) && rendersPage(r.file))
    .map((r) => {
      const pattern = `/${fullPath(r.id)}`;
      return { id: r.id, file: r.file, pattern, params: [...pattern.matchAll(/:(\w+)\??/g)].map((m) => m[1]!) };
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/**
 * A page's URL with its parameters filled in from `values` (by route id). A dynamic page missing from
 * `values` throws, naming the route file: a new page with parameters must say which record it shows.
 */
export function pageUrl(page: AppPage, values: Record<string, Record<string, string>>): string {
  if (page.params.length === 0) return page.pattern;
  const given = values[page.id];
  const missing = page.params.filter((p) => !given?.[p]);
  if (missing.length > 0) throw new Error(`${page.file} has parameters (${missing.join(', ')}) that no one gave a value: add "${page.id}" to the page parameters`);
  return page.pattern.replace(/:(\w+)\??/g, (_, name: string) => encodeURIComponent(given![name]!));
}
