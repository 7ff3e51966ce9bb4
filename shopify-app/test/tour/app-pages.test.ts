// The phone pass and the tour read the console's pages from the route files: layouts and API routes are not
// pages, nested pages get their full URL, and a page with parameters can't be visited until someone says
// which record it shows.
import { describe, expect, it } from 'vitest';
import { appPages, pageUrl } from './support/app-pages';

describe('the console pages read from the route files', () => {
  const pages = appPages();
  const byId = new Map(pages.map((p) => [p.id, p]));

  it('lists the pages under the app layout with their URLs, not the layouts or API routes', () => {
    expect(byId.get('routes/app._index')?.pattern).toBe('/app');
    expect(byId.get('routes/app.pricing._index')?.pattern).toBe('/app/pricing');
    expect(byId.get('routes/app.pricing.rules')).toMatchObject({ pattern: '/app/pricing/rules', file: 'routes/app.pricing.rules.tsx', params: [] });
    expect(byId.get('routes/app.listings.$itemId')).toMatchObject({ pattern: '/app/listings/:itemId', params: ['itemId'] });
    // The product page's old address only redirects to the listing page: it renders no page of its own.
    expect(byId.has('routes/app.pricing.products.$itemId')).toBe(false);
    // app.tsx and app.pricing.tsx are layouts; api.* and webhooks.* live outside the app layout.
    expect(pages.map((p) => p.id)).not.toEqual(expect.arrayContaining(['routes/app']));
    expect(pages.map((p) => p.id)).not.toContain('routes/app.pricing');
    expect(pages.every((p) => p.pattern.startsWith('/app'))).toBe(true);
  });

  it('fills a page’s parameters, and refuses a page whose parameters no one gave, naming its file', () => {
    const product = byId.get('routes/app.listings.$itemId')!;
    expect(pageUrl(product, { [product.id]: { itemId: 'link 1/2' } })).toBe('/app/listings/link%201%2F2');
    expect(() => pageUrl(product, {})).toThrow(/routes\/app\.listings\.\$itemId\.tsx has parameters \(itemId\)/);
    expect(pageUrl(byId.get('routes/app.pricing.rules')!, {})).toBe('/app/pricing/rules');
  });
});
