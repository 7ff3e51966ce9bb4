// The Shopify app in a process of its own (Vite + Remix, as `npm start` serves it), for tests that kill
// it for real. Prints one JSON line with its URL once it listens; configuration comes from the environment.
import { startShopifyApp } from '../../../server/start-app';

const app = await startShopifyApp({ port: Number(process.env.APP_PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ url: app.url, pid: process.pid })}\n`);
const stop = async () => {
  await app.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
