// A browser suite's world, once per test file: the app's own Vite cache and environment, the world started
// (the sandbox, the app served by Vite, …) while Chromium launches, the app warmed, then screenshots into
// the suite's artifacts folder and app pages opened in the shop's Admin shell. browserSuite registers the
// file's beforeAll/afterAll; without Chromium nothing starts (the suite's describe.skipIf(!hasChromium)).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, FrameLocator, Page } from '@playwright/test';
import type { RunningSandbox } from '@calibr/sandbox';
import { afterAll, beforeAll } from 'vitest';
import { warmUp, type RunningApp } from '../../server/start-app';
import { openInAdminShell, type OpenOptions, type Ready } from './admin-shell';
import { hasChromium, launchChromium } from './chromium';

/** What a browser suite needs of its world (PlatformsWorld, ShopifyWorld, TourWorld's `w`). */
export interface BrowserWorld {
  sandbox: RunningSandbox;
  app: RunningApp;
  close(): Promise<void>;
}

export interface BrowserSuiteOptions<W extends BrowserWorld> {
  /** The app's Vite cache, node_modules/.vite-<name>: dev servers sharing one rewrite it under each other. */
  viteCache: string;
  /** Screenshots go to shopify-app/artifacts/<artifacts>/ (gitignored; '' for artifacts/ itself); none without it. */
  artifacts?: string;
  /** The shop whose Admin the suite's pages open in. */
  shop: string;
  /** Set before the world starts (the app reads its configuration when its modules first load). */
  env?: Record<string, string>;
  start(): Promise<W>;
  /** Start the world without Chromium too (the file also has tests over HTTP). */
  alsoWithoutChromium?: boolean;
  /** How long starting may take (default 600 s). */
  timeoutMs?: number;
}

export interface BrowserSuite<W extends BrowserWorld> {
  /** The started world (from the file's beforeAll on). */
  readonly world: W;
  /** Chromium, launched once for the file. */
  readonly browser: Browser;
  /** A full-page screenshot in the suite's artifacts folder; its path. */
  shot(page: Page, name: string): Promise<string>;
  /** Open an app path ('/app/pricing') in the shop's Admin shell; a screenshot failed-<path>.png if it never loads. */
  open(page: Page, appPath: string, ready: Ready, errors: string[], options?: Pick<OpenOptions, 'attempts'>): Promise<FrameLocator>;
}

export function browserSuite<W extends BrowserWorld>(options: BrowserSuiteOptions<W>): BrowserSuite<W> {
  const artifacts = options.artifacts === undefined ? undefined : fileURLToPath(new URL(`../../artifacts/${options.artifacts}`, import.meta.url));
  let world: W | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!hasChromium && !options.alsoWithoutChromium) return;
    if (artifacts) fs.mkdirSync(artifacts, { recursive: true });
    process.env.VITE_CACHE_DIR = `node_modules/.vite-${options.viteCache}`;
    Object.assign(process.env, options.env);
    // Chromium starts in a process of its own while this one starts the world.
    const [started, launched] = await Promise.allSettled([options.start(), hasChromium ? launchChromium() : Promise.resolve(undefined)]);
    if (started.status === 'fulfilled') world = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    await warmUp(world!.app).catch(() => undefined);
  }, options.timeoutMs ?? 600_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  const suite: BrowserSuite<W> = {
    get world() {
      if (!world) throw new Error('the browser suite’s world is not started (no Chromium, or its beforeAll failed)');
      return world;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched (missing, or the suite’s beforeAll failed)');
      return browser;
    },
    async shot(page, name) {
      if (!artifacts) throw new Error('this browser suite keeps no screenshots (browserSuite without `artifacts`)');
      const file = path.join(artifacts, name);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    open(page, appPath, ready, errors, openOptions = {}) {
      const failure = `failed-${appPath.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'home'}.png`;
      return openInAdminShell(page, `${suite.world.sandbox.adminShellUrl(options.shop)}${appPath}`, ready, errors, { ...openOptions, onFailure: () => suite.shot(page, failure) });
    },
  };
  return suite;
}
