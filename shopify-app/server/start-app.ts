// Serve the Remix app over HTTP in this process: Vite's dev server with the Remix plugin (what
// `remix vite:dev` runs), and the app's background work (webhook processing, the pricing loop) started
// here, as server/production.ts does for the build. Used by `npm start`, `npm run dev` (server/dev-main.ts)
// and by the tests, which need a real app on a free port.
//
// The app reads its configuration (SHOPIFY_APP_URL, DATABASE_URL, …) from process.env when its server modules
// first load, i.e. on the first request, after we know our port. With SANDBOX_URL set, this launcher (never
// the app itself) puts the process in sandbox mode first.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { installSandbox } from '@calibr/sandbox/routing';
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
  /** Stops the background work (handing back what it holds, as on SIGTERM), then the server. */
  close(): Promise<void>;
}

/** What server/start-app.ts needs of app/startup.server.ts. */
interface AppStartup {
  startBackground(): Promise<void>;
  stopBackground(deadline?: number): Promise<{ handedBack: number }>;
}

const appRoot = fileURLToPath(new URL('..', import.meta.url));

export async function startShopifyApp(options: StartAppOptions = {}): Promise<RunningApp> {
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  // Sandbox mode: fetch and the app's runtime hooks routed to the sandbox, App Bridge from its stand-in, all
  // before the app's modules load (shopify-app-remix reads APP_BRIDGE_URL once).
  installSandbox(process.env.SANDBOX_URL);
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
  // The same module instances Remix serves requests with (Vite's SSR module graph, keyed by file).
  const startup = (await vite.ssrLoadModule(fileURLToPath(new URL('../app/startup.server.ts', import.meta.url)))) as AppStartup;
  void startup.startBackground();
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    vite,
    close: () =>
      (closing ??= startup
        .stopBackground()
        .catch(() => undefined)
        .then(() => vite.close())),
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
