// The embedded app's frame: Polaris + App Bridge (Shopify's CDN, or the sandbox's stand-in), the app's pages
// in the Admin's nav menu, and the Admin's loading bar while a page loads. Each page declares its own title bar.
import type { HeadersFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Link, Outlet, useLoaderData, useRouteError } from '@remix-run/react';
import { NavMenu } from '@shopify/app-bridge-react';
import polarisStyles from '@shopify/polaris/build/esm/styles.css?url';
import { AppProvider } from '@shopify/shopify-app-remix/react';
import { boundary } from '@shopify/shopify-app-remix/server';
import { appConfig } from '../config.server';
import { useNavigationLoading } from '../components/frame/admin';
import { ShopZoneProvider } from '../components/frame/shop-zone';
import { db } from '../db.server';
import { ianaZone } from '../lib/shop-day';
import { authenticate } from '../shopify.server';
import { checkPageQuery } from '../lib/route-params.server';

export const links = () => [{ rel: 'stylesheet', href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // Every page's query string, once for all of them (NUL, oversize values): a 400, whichever page it is.
  checkPageQuery(request);
  const { apiKey, appBridgeUrl } = appConfig();
  // The pages show times on the shop's clock (components/frame/shop-zone.tsx).
  const project = await db.project.findUnique({ where: { shopDomain: session.shop }, select: { timezone: true } });
  return { apiKey, appBridgeUrl, timeZone: ianaZone(project?.timezone) };
};

export default function App() {
  const { apiKey, appBridgeUrl, timeZone } = useLoaderData<typeof loader>();
  useNavigationLoading();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} __APP_BRIDGE_URL={appBridgeUrl}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/listings">Listings</Link>
        <Link to="/app/pricing">Suggestions</Link>
        <Link to="/app/pricing/changes">Price changes</Link>
        <Link to="/app/pricing/rules">Rules</Link>
        <Link to="/app/pricing/costs">Costs</Link>
        <Link to="/app/pricing/history">Audit log</Link>
        <Link to="/app/integrations">Integrations</Link>
      </NavMenu>
      <ShopZoneProvider value={timeZone}>
        <Outlet />
      </ShopZoneProvider>
    </AppProvider>
  );
}

// Shopify's library throws Responses (redirects, bounce pages) that must reach the browser with their headers.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
