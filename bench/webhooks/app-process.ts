// The Shopify app in its own process (Vite + Remix, as `npm start` and the tests serve it), so the
// bench's load generator and the app it measures don't share one event loop. Prints `{"url"}` once
// listening; the parent passes DATABASE_URL, SHOPIFY_API_KEY and SHOPIFY_API_SECRET.
import { startShopifyApp } from '../../shopify-app/server/start-app';

const app = await startShopifyApp({ env: { PRICING_WORKER: 'off', PRICING_MONITOR: 'off' } });
console.log(JSON.stringify({ url: app.url }));
const stop = () => void app.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
