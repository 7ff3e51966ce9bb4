// Serve the Remix app over HTTP in this process: Vite's dev server with the Remix plugin (what
// `remix vite:dev` runs). Used by `npm start` and by the tests, which need a real app on a free port.
//
// The app reads its configuration (SHOPIFY_APP_URL, DATABASE_URL, SANDBOX_URL, …) from process.env
// when its server modules first load, i.e. on the first request, after we know our port.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sandboxAppBridgeUrl } from '@calibr/sandbox/routing';
import { createServer, type ViteDevServer } from 'vite';
import { refuseCrossOriginPageWrites } from './cross-origin-page-writes';
import { freePort } from './free-port';

export interface StartAppOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Set before the app's modules load; SHOPIFY_APP_URL defaults to this server's own URL. */
  env?: Record<string, string | undefined>;
  /** Hot module reload (off by default: tests and demos don't edit files). */
  hmr?: boolean;
}

export interface RunningApp {
  url: string;
  port: number;
  vite: ViteDevServer;
  close(): Promise<void>;
}

const appRoot = fileURLToPath(new URL('..', import.meta.url));

export async function startShopifyApp(options: StartAppOptions = {}): Promise<RunningApp> {
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  // Sandbox mode: App Bridge from the sandbox's stand-in. Set before Shopify's library loads: it reads
  // APP_BRIDGE_URL once, for the pages it renders itself (the session-token bounce page).
  if (process.env.SANDBOX_URL) process.env.APP_BRIDGE_URL ||= sandboxAppBridgeUrl(process.env.SANDBOX_URL);
  const host = options.host ?? '127.0.0.1';
  const serve = async (port: number) => {
    const vite = await createServer({
      root: appRoot,
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: process.env.LOG_LEVEL === 'debug' ? 'info' : 'warn',
      clearScreen: false,
      server: { port, host, strictPort: true, hmr: options.hmr ?? false, watch: options.hmr ? {} : null },
      // Before Vite's and Remix's own middlewares, as in production (server/production.ts).
      plugins: [{ name: 'calibr-refuse-cross-origin-page-writes', configureServer: (server) => void server.middlewares.use(refuseCrossOriginPageWrites) }],
    });
    try {
      return await vite.listen();
    } catch (error) {
      await vite.close();
      throw error;
    }
  };
  // Vite reads port 0 as "use the default"; ask the OS for a free port instead. Between the probe and
  // Vite's listen another server (or an outgoing connection) may take that port: then another one.
  let vite: ViteDevServer;
  for (let attempt = 1; ; attempt++) {
    try {
      vite = await serve(options.port || (await freePort(host)));
      break;
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /already in use/i.test(String((error as Error).message));
      if (options.port || !taken || attempt >= 5) throw error;
    }
  }
  const address = vite.httpServer?.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  // The app's public URL: as configured (a tunnel, behind Shopify CLI), else where it listens.
  process.env.SHOPIFY_APP_URL ||= url;
  return {
    url,
    port: address.port,
    vite,
    close: () => vite.close(),
  };
}

/**
 * Have Vite compile the app's server modules and the browser modules of a page now, so the first
 * merchant (or test) to open it doesn't wait for it (and its one-minute session token doesn't expire).
 */
export async function warmUp(app: RunningApp, path = '/auth/login'): Promise<void> {
  const headers = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36' };
  const html = await (await fetch(`${app.url}${path}`, { headers })).text();
  const modules = new Set([...html.matchAll(/["'](\/(?:@fs|@id|@vite|node_modules|app)\/[^"'\s]+)["']/g)].map((m) => m[1]!));
  await Promise.all([...modules].map((m) => fetch(`${app.url}${m}`, { headers }).then((r) => r.arrayBuffer()).catch(() => undefined)));
}
