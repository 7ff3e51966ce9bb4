// `npm run dev` (and Shopify CLI's `shopify app dev`, see shopify.web.toml): the app under Vite with hot
// module reload, on PORT, its background work started with it (server/start-app.ts). Ctrl-C / SIGTERM
// stop the background work (handing back what it holds), then the server.
import { startShopifyApp } from './start-app';

const app = await startShopifyApp({ port: Number(process.env.PORT || 3000), hmr: process.env.VITE_HMR !== '0' });
console.log(`Shopify app (development): ${app.url}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void app.close().finally(() => process.exit(0)));
}
