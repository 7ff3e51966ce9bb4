// One page per product, over real HTTP (the app in Vite, the sandbox playing Shopify): the product page's
// old address (/app/pricing/products/:itemId, bookmarked by merchants) redirects to the listing page with
// the embedded query string kept (shop, host, embedded, id_token), so the bookmark still opens inside
// Admin; a listing no link holds has its own listing page; a linked listing's id is sent on to its
// product's page; another shop's product stays a 404 after the redirect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_UA, OTHER_SHOP, SHOP, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';

let w: PlatformsWorld;
const seeded = { linkId: '', linkedListingId: '', loneId: '' };

beforeAll(async () => {
  w = await startPlatformsWorld();
  // Both shops open the app once (token exchange, Project row), as in Admin.
  for (const shop of [SHOP, OTHER_SHOP]) expect((await w.api('/api/platforms?live=0', { shop })).status).toBe(200);
  const db = w.database.db;
  const project = await db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } });
  const listing = (n: number, sku: string, title: string, priceAmount: string) =>
    db.listing.create({ data: { projectId: project.id, platform: 'shopify', externalId: `gid://shopify/ProductVariant/77${n}`, productExternalId: `gid://shopify/Product/77${n}`, sku, title, currency: 'USD', priceAmount } });
  const linked = await listing(1, 'ONE-PAGE-LINKED', 'One-page kettle', '20.00');
  const link = await db.productLink.create({ data: { projectId: project.id, sku: 'ONE-PAGE-LINKED', title: 'One-page kettle' } });
  await db.listing.update({ where: { id: linked.id }, data: { productLinkId: link.id } });
  // A listing no link holds, with a price change of its own (the loop records a lone listing's by its id).
  const lone = await listing(2, 'ONE-PAGE-LONE', 'One-page lone teapot', '8.00');
  await db.priceChange.create({ data: { projectId: project.id, listingId: lone.id, currency: 'USD', fromAmount: '9.00', toAmount: '8.00', status: 'applied', idempotencyKey: 'one-page-lone-1' } });
  Object.assign(seeded, { linkId: link.id, linkedListingId: linked.id, loneId: lone.id });
}, 240_000);
afterAll(() => w?.close());

/** The embedded query string Admin loads a page with. */
async function embedded(shop: string): Promise<URLSearchParams> {
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace('.myshopify.com', '')}`).toString('base64url');
  return new URLSearchParams({ embedded: '1', shop, host, id_token: await w.sessionToken(shop) });
}

async function get(path: string, query: URLSearchParams): Promise<{ status: number; location: URL | null; text: string }> {
  const res = await fetch(`${w.app.url}${path}?${query}`, { headers: { 'user-agent': BROWSER_UA }, redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location, w.app.url) : null, text: await res.text() };
}

/** A redirect to `pathname` on the app itself, with every parameter of `query` kept. */
function expectRedirect(answer: { status: number; location: URL | null; text: string }, pathname: string, query: URLSearchParams): URL {
  expect(answer.status, answer.text.slice(0, 200)).toBe(302);
  const to = answer.location!;
  expect(to.origin).toBe(new URL(w.app.url).origin);
  expect(to.pathname).toBe(pathname);
  expect([...to.searchParams].sort()).toEqual([...query].sort());
  return to;
}

describe('one page per product', () => {
  it('redirects the old product address to the listing page, keeping the embedded query string; the page renders', async () => {
    const query = await embedded(SHOP);
    const to = expectRedirect(await get(`/app/pricing/products/${seeded.linkId}`, query), `/app/listings/${seeded.linkId}`, query);
    const page = await get(to.pathname, to.searchParams);
    expect(page.status, page.text.slice(0, 200)).toBe(200);
    expect(page.text).toContain('One-page kettle');
    expect(page.text).toContain('data-section="price-chart"');
  });

  it('shows a listing no link holds on its own listing page, from the old address too', async () => {
    const query = await embedded(SHOP);
    const to = expectRedirect(await get(`/app/pricing/products/${seeded.loneId}`, query), `/app/listings/${seeded.loneId}`, query);
    const page = await get(to.pathname, to.searchParams);
    expect(page.status, page.text.slice(0, 200)).toBe(200);
    expect(page.text).toContain('One-page lone teapot');
    expect(page.text).toContain('ONE-PAGE-LONE');
    // The sections that apply to a Shopify listing: what its rule decides, no fees, its prices and its change.
    expect(page.text).toMatch(/data-section="pricing"/);
    expect(page.text).toMatch(/data-section="fees"[\s\S]*No platform fees/);
    expect(page.text).toMatch(/data-section="history"[\s\S]*\$9\.00[\s\S]*\$8\.00/);
  });

  it('sends a linked listing’s id on to its product’s page, query kept', async () => {
    const query = await embedded(SHOP);
    expectRedirect(await get(`/app/listings/${seeded.linkedListingId}`, query), `/app/listings/${seeded.linkId}`, query);
  });

  it('keeps another shop’s products a 404 after the redirect, showing nothing of them', async () => {
    const query = await embedded(OTHER_SHOP);
    for (const id of [seeded.linkId, seeded.loneId, seeded.linkedListingId]) {
      const to = expectRedirect(await get(`/app/pricing/products/${id}`, query), `/app/listings/${id}`, query);
      const page = await get(to.pathname, to.searchParams);
      expect(page.status).toBe(404);
      for (const shown of ['One-page', 'ONE-PAGE']) expect(page.text).not.toContain(shown);
    }
  });
});
