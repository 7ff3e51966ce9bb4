// Amazon's PRICING_HEALTH end to end, over real HTTP: the sandbox playing Amazon sends it when our offer's
// landed price goes above the ASIN's reference price (POST catalog/reference-price), the Amazon service
// validates it against Amazon's schema and keeps it in the shop's offer-change stream, and the app's pull
// (PRICING_MONITOR=on) turns it into a `buy_box_ineligible` flag: in words on GET /api/pricing/flags and the
// product page's loader, money as decimal strings with their currency. The notification delivered twice
// is one flag; a later offer change with our price at or under the reference clears it.
import { hasTestPostgres } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, SHOP, US, connectAndSync, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';

interface Flag {
  id: string;
  kind: string;
  listingId: string | null;
  productLinkId: string | null;
  message: string;
  detail: Record<string, unknown>;
  raisedAt: string;
  clearedAt: string | null;
}

interface SandboxOffer {
  sellerId: string;
  sku?: string;
  price: string;
  shipping: string;
  landedPrice: string;
}

let w: PlatformsWorld;

beforeAll(async () => {
  process.env.PRICING_MONITOR = 'on';
  process.env.PRICING_OFFER_CHANGES_WAIT_SECONDS = '2';
  w = await startPlatformsWorld({ provider: hasTestPostgres() ? 'postgresql' : 'sqlite', notifications: true, timeScale: 10 });
  await connectAndSync(w);
});
afterAll(async () => {
  const { stopPricing } = await import('../../app/pricing/startup.server');
  await stopPricing().catch(() => undefined);
  await w?.close();
});

const minor = (amount: string) => BigInt(amount.replace('.', ''));
const decimal = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;

async function ourOffer(asin: string): Promise<SandboxOffer> {
  const { offers } = await sandboxControl<{ offers: SandboxOffer[] }>(w.sandbox, `amazon/offers?asin=${asin}&marketplaceId=${US}`);
  return offers.find((o) => o.sellerId === DEMO_SELLER)!;
}
const referencePrice = (asin: string, price: string) => sandboxControl(w.sandbox, 'amazon/catalog/reference-price', { asin, marketplaceId: US, price });
const flags = async (query = '') => (await readJson<{ flags: Flag[] }>(await w.api(`/api/pricing/flags?kind=buy_box_ineligible${query}`))).flags;

describe('PRICING_HEALTH: our offer lost Buy Box eligibility on price', () => {
  it('becomes a flag the merchant reads (API and product page), once however often delivered; a later eligible offer clears it', async () => {
    const link = await w.database.db.productLink.findFirstOrThrow({
      where: { project: { shopDomain: SHOP }, listings: { some: { platform: 'amazon', asin: { not: null }, marketplaceId: US, status: 'active' } } },
      include: { listings: true },
      orderBy: { sku: 'asc' },
    });
    const amazon = link.listings.find((l) => l.platform === 'amazon' && l.marketplaceId === US)!;
    const asin = amazon.asin!;
    await waitFor('the notification channel live', () => w.database.db.offerChangeCursor.findFirst({ where: { platform: 'amazon', state: 'live' } }), 60_000);
    // Eligible to start with: the reference far above every offer.
    await referencePrice(asin, '999.00');
    const own = await ourOffer(asin);
    expect(own).toBeDefined();
    const reference = decimal(minor(own.landedPrice) - 100n);

    // Amazon delivers the next message twice (SQS is at least once).
    const duplicates = w.amazon.ctx.notifications.counts.duplicates;
    await sandboxControl(w.sandbox, 'amazon/sqs/faults', { duplicateNext: 1 });
    await referencePrice(asin, reference);

    const raised = await waitFor('the flag on the API', async () => (await flags()).find((f) => f.listingId === amazon.id), 60_000);
    expect(raised.message).toBe(`Amazon: your offer on ${amazon.sku ?? amazon.externalId} lost Buy Box eligibility: price ${own.landedPrice} is above Amazon's reference price ${reference} (competitive price)`);
    expect(raised).toMatchObject({ kind: 'buy_box_ineligible', productLinkId: link.id, clearedAt: null });
    expect(raised.detail).toMatchObject({
      asin,
      marketplaceId: US,
      issue: 'BuyBoxDisqualification',
      price: { amount: own.landedPrice, currency: 'USD' },
      reference: { kind: 'competitivePrice', price: { amount: reference, currency: 'USD' } },
    });

    // The copy was dropped by the service: one notification, one flag.
    await waitFor('the duplicate dropped', async () => w.amazon.ctx.notifications.counts.duplicates > duplicates, 30_000);
    const kept = await w.amazonDatabase.db.amazonOfferChange.count({ where: { kind: 'pricingHealth', asin, notificationId: String(raised.detail.notificationId) } });
    expect(kept).toBe(1); // the one shop holding the seller
    expect((await flags('&include=cleared')).filter((f) => f.listingId === amazon.id)).toHaveLength(1);

    // The product page's loader shows it, in words.
    const page = await readJson<{ page: { flags: Array<{ kind: string; message: string; detail: Record<string, unknown> }> } }>(
      await w.api(`/app/listings/${link.id}?_data=${encodeURIComponent('routes/app.listings.$itemId')}`),
    );
    expect(page.page.flags).toEqual([expect.objectContaining({ kind: 'buy_box_ineligible', message: raised.message })]);

    // We lower our price to the reference in Seller Central: the offer change that follows clears the flag.
    const price = decimal(minor(reference) - minor(own.shipping));
    await sandboxControl(w.sandbox, 'amazon/listings/price', { sellerId: DEMO_SELLER, sku: own.sku, marketplaceId: US, price });
    const cleared = await waitFor('the flag cleared', async () => (await flags('&include=cleared')).find((f) => f.listingId === amazon.id && f.clearedAt !== null), 60_000);
    expect(cleared.id).toBe(raised.id);
    expect((await flags()).some((f) => f.listingId === amazon.id)).toBe(false);
    const after = await readJson<{ page: { flags: unknown[] } }>(await w.api(`/app/listings/${link.id}?_data=${encodeURIComponent('routes/app.listings.$itemId')}`));
    expect(after.page.flags).toEqual([]);
  }, 180_000);
});
