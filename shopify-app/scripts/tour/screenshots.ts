// npm run screenshots -w @calibr/shopify-app: the README's tour of the console, photographed. It starts the
// sandbox world with a shop in use (test/tour/support/tour-world.ts: Shopify and Amazon connected and
// synced, a rule, suggestions waiting, two price changes applied), opens each page of the tour in the
// sandbox's Admin shell on a desktop (1280 px) and a phone (390 px), and writes
// shopify-app/artifacts/tour/<page>-<desktop|phone>.png (committed; the README links them).
//
// A tour page whose route isn't in this checkout yet is listed as skipped (exit 0; `--strict` fails
// instead); a page that exists but doesn't render fails the run, naming it. `--only=rules,changes` takes a few.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, FrameLocator, Page } from '@playwright/test';
import { hasChromium, CHROMIUM, launchChromium } from '../../test/support/chromium';
import { appPages, pageUrl } from '../../test/tour/support/app-pages';
import { LOAD_TIMEOUT_MS, newScreenContext, openAppPage, settled, type Screen } from '../../test/tour/support/tour-browser';
import { startTourWorld, TOUR_RULE, type TourWorld } from '../../test/tour/support/tour-world';
import { waitFor } from '../../test/support/wait-for';

const OUT = fileURLToPath(new URL('../../artifacts/tour/', import.meta.url));

interface TourStop {
  /** The file name's stem: <name>-desktop.png, <name>-phone.png. */
  name: string;
  /** The app route it shows (Remix's id), or `amazon-settings` for the Amazon service's own page. */
  route: string;
  /** Waits for what the picture must show, and sets the page up for it. */
  show?: (app: FrameLocator, page: Page) => Promise<unknown>;
}

/** An IndexTable's first row, as a table (desktop) or as its condensed list (phone). */
const firstRow = (app: FrameLocator) => app.locator('.Polaris-IndexTable__TableRow, .Polaris-IndexTable--condensedRow').first().waitFor({ timeout: LOAD_TIMEOUT_MS });

const TOUR: TourStop[] = [
  { name: 'home', route: 'routes/app._index' },
  { name: 'listings', route: 'routes/app.listings._index', show: firstRow },
  { name: 'listing', route: 'routes/app.listings.$itemId' },
  { name: 'suggestions', route: 'routes/app.pricing._index', show: firstRow },
  {
    name: 'rules',
    route: 'routes/app.pricing.rules',
    // The rule open in its form (its Save is the Admin's save bar, shown once a field changes), scrolled so
    // the form shows under the list.
    show: async (app) => {
      await app.getByRole('button', { name: `Edit ${TOUR_RULE}` }).first().click();
      const name = app.getByLabel('Name').first();
      await waitFor('the rule open in its form', async () => (await name.inputValue()) === TOUR_RULE, LOAD_TIMEOUT_MS);
      await name.scrollIntoViewIfNeeded();
    },
  },
  { name: 'changes', route: 'routes/app.pricing.changes', show: (app) => app.locator('[data-platform][data-status="applied"]').first().waitFor({ timeout: LOAD_TIMEOUT_MS }) },
  { name: 'integrations', route: 'routes/app.integrations._index', show: (app) => app.locator('[data-platform="amazon"] [data-health]').first().waitFor({ timeout: LOAD_TIMEOUT_MS }) },
  { name: 'amazon-settings', route: 'amazon-settings' },
];

type Outcome = { stop: string; screen?: Screen; status: 'shot' | 'skipped' | 'failed'; detail: string };

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const strict = args.includes('--strict');
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  if (!hasChromium) {
    console.error(`screenshots: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return 1;
  }
  const pages = new Map(appPages().map((p) => [p.id, p]));
  const stops = TOUR.filter((s) => !only || only.includes(s.name));
  const outcomes: Outcome[] = [];
  const present = stops.filter((s) => {
    if (s.route === 'amazon-settings' || pages.has(s.route)) return true;
    outcomes.push({ stop: s.name, status: 'skipped', detail: `no route ${s.route} in this checkout yet` });
    return false;
  });

  if (present.length === 0) return report(outcomes, strict);
  fs.mkdirSync(OUT, { recursive: true });
  process.env.VITE_CACHE_DIR ??= 'node_modules/.vite-tour';
  console.log('screenshots: starting the sandbox world (sync, rule, suggestions, price changes)…');
  let world: TourWorld | undefined;
  let browser: Browser | undefined;
  try {
    world = await startTourWorld();
    browser = await launchChromium();
    const params: Record<string, Record<string, string>> = {
      'routes/app.listings.$itemId': { itemId: world.itemId },
      'routes/app.pricing.products.$itemId': { itemId: world.itemId },
    };
    for (const screen of ['desktop', 'phone'] as const) {
      const context = await newScreenContext(browser, screen);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      for (const stop of present) {
        const file = path.join(OUT, `${stop.name}-${screen}.png`);
        try {
          if (stop.route === 'amazon-settings') {
            errors.length = 0;
            await page.goto(await world.amazonSettingsUrl(), { waitUntil: 'networkidle' });
          } else {
            const app = await openAppPage(page, world.adminUrl(pageUrl(pages.get(stop.route)!, params)), errors);
            await stop.show?.(app, page);
            await settled(app);
          }
          if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
          await page.screenshot({ path: file });
          outcomes.push({ stop: stop.name, screen, status: 'shot', detail: path.relative(process.cwd(), file) });
        } catch (error) {
          await page.screenshot({ path: path.join(OUT, `failed-${stop.name}-${screen}.png`) }).catch(() => undefined);
          outcomes.push({ stop: stop.name, screen, status: 'failed', detail: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
        }
      }
      await context.close();
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await world?.close().catch(() => undefined);
  }

  return report(outcomes, strict);
}

/** One line per shot, then the totals; the exit code: 1 when a page failed (or, with --strict, was skipped). */
function report(outcomes: Outcome[], strict: boolean): number {
  for (const o of outcomes) console.log(`${o.status.padEnd(7)} ${o.stop}${o.screen ? ` (${o.screen})` : ''}: ${o.detail}`);
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  console.log(`screenshots: ${outcomes.filter((o) => o.status === 'shot').length} taken, ${skipped} skipped, ${failed} failed → ${OUT}`);
  return failed > 0 || (strict && skipped > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('screenshots failed:', error);
    process.exit(1);
  },
);
