// The reproducible market: the Buy Box model (pure and as the SP-API reports it), competitor bots driven by
// the market clock and a seed, and the sales ledger that credits whoever holds the Buy Box.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { buyBoxWinner, isBuyBoxEligible, type BuyBoxCandidate } from '../../src/amazon/buy-box';
import { feesFor } from '../../src/amazon/fees-model';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;

beforeAll(async () => {
  // getItemOffers is 0.5/s burst 1 at Amazon; time scale 10000 keeps the test from waiting on it.
  sb = await startAmazonSandbox({ timeScale: 10_000 });
  sp = sb.client();
});
afterAll(() => sb.close());

async function ok(method: string, path: string, body?: unknown) {
  const res = await sb.control(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** One generated ASIN with our listing (price, cost) and the bots given, replacing the generated ones. */
async function oneAsin(bots: unknown[], options: { seed?: number; unitsPerHour?: number; fba?: boolean; prefix: string }) {
  const made = await ok('POST', 'market/bots', { seed: options.seed ?? 7, sellerId: NA_SELLER, marketplaceId: US, generate: { count: 1, skuPrefix: options.prefix, fbaShare: options.fba ? 1 : 0 } });
  const asin = made.asins[0] as string;
  await ok('POST', 'market/bots', { seed: options.seed ?? 7, marketplaceId: US, asins: [{ asin, unitsPerHour: options.unitsPerHour ?? 1, bots }] });
  const seller = await ok('GET', `sellers/${NA_SELLER}`);
  const listing = seller.listings.find((l: { asin: string }) => l.asin === asin);
  return { asin, sku: listing.sku as string };
}

async function setOurPrice(sku: string, price: string) {
  await ok('POST', 'listings/price', { sellerId: NA_SELLER, sku, marketplaceId: US, price });
}

async function itemOffers(asin: string) {
  const res = await raw(sp, { operation: 'productPricing.getItemOffers', path: { Asin: asin }, query: { MarketplaceId: US, ItemCondition: 'New' } });
  expect(res.status).toBe(200);
  return res.body.payload as { Offers: { SellerId: string; MyOffer: boolean; IsBuyBoxWinner: boolean; IsFeaturedMerchant: boolean; IsFulfilledByAmazon: boolean; PrimeInformation: { IsPrime: boolean }; ListingPrice: { Amount: number } }[] };
}

const ledgerOf = async (asin: string) => (await ok('GET', 'market/ledger')).asins.find((a: { asin: string }) => a.asin === asin);

describe('the Buy Box model', () => {
  const offer = (o: Partial<BuyBoxCandidate> & { sellerId: string; landedMinor: bigint }): BuyBoxCandidate => ({
    condition: 'New',
    fba: false,
    prime: false,
    feedbackPercent: 97,
    feedbackCount: 1000,
    ...o,
  });

  test('eligibility: new, buyable, feedback at least 90 % over at least 10 ratings', () => {
    expect(isBuyBoxEligible(offer({ sellerId: 'A', landedMinor: 100n }))).toBe(true);
    expect(isBuyBoxEligible(offer({ sellerId: 'A', landedMinor: 100n, feedbackPercent: 89.9 }))).toBe(false);
    expect(isBuyBoxEligible(offer({ sellerId: 'A', landedMinor: 100n, feedbackCount: 9 }))).toBe(false);
    expect(isBuyBoxEligible(offer({ sellerId: 'A', landedMinor: 100n, condition: 'Used' }))).toBe(false);
    expect(isBuyBoxEligible(offer({ sellerId: 'A', landedMinor: 100n, buyable: false }))).toBe(false);
  });

  test('ties on landed price go to FBA, then Prime, then more ratings, then seller id', () => {
    const mfn = offer({ sellerId: 'A1', landedMinor: 1000n, feedbackCount: 90_000 });
    const fba = offer({ sellerId: 'Z9', landedMinor: 1000n, fba: true, prime: true, feedbackCount: 20 });
    const sfp = offer({ sellerId: 'B2', landedMinor: 1000n, prime: true });
    expect(buyBoxWinner([mfn, sfp, fba])?.sellerId).toBe('Z9');
    expect(buyBoxWinner([mfn, sfp])?.sellerId).toBe('B2');
    expect(buyBoxWinner([offer({ sellerId: 'B', landedMinor: 5n }), offer({ sellerId: 'A', landedMinor: 5n })])?.sellerId).toBe('A');
    expect(buyBoxWinner([offer({ sellerId: 'B', landedMinor: 5n, feedbackCount: 11 }), offer({ sellerId: 'A', landedMinor: 5n, feedbackCount: 10 })])?.sellerId).toBe('B');
  });

  test('property: an eligible offer strictly below every other eligible one holds the Buy Box; an ineligible one never does', () => {
    const arb = fc.record({
      sellerId: fc.string({ minLength: 1, maxLength: 4 }),
      landedMinor: fc.bigInt({ min: 1n, max: 100_000n }),
      condition: fc.constantFrom<'New' | 'Used'>('New', 'Used'),
      fba: fc.boolean(),
      prime: fc.boolean(),
      feedbackPercent: fc.integer({ min: 60, max: 100 }),
      feedbackCount: fc.integer({ min: 0, max: 50_000 }),
      buyable: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 8 }), (offers) => {
        const winner = buyBoxWinner(offers);
        const eligible = offers.filter(isBuyBoxEligible);
        if (eligible.length === 0) return winner === undefined;
        if (!winner || !isBuyBoxEligible(winner)) return false;
        // Nobody eligible is cheaper than the winner.
        if (eligible.some((o) => o.landedMinor < winner.landedMinor)) return false;
        const cheapest = eligible.filter((o) => o.landedMinor === winner.landedMinor);
        return cheapest.length > 1 || cheapest[0] === winner;
      }),
    );
  });
});

describe('the market over HTTP', () => {
  beforeEach(async () => {
    await ok('POST', 'reseed');
    sp = sb.client(); // reseeding forgets access tokens
  });

  test('a low-feedback undercutter below everyone never wins; SP-API marks it not featured', async () => {
    const { asin, sku } = await oneAsin(
      [
        { kind: 'low_feedback_undercutter', sellerId: 'ACHEAPLOWFB001', price: '15.00', floor: '5.00', cadenceMinutes: 10, feedbackPercent: 82, feedbackCount: 300 },
        { kind: 'fixed', sellerId: 'AFIXEDSTEADY01', price: '24.00' },
      ],
      { prefix: 'UND' },
    );
    await setOurPrice(sku, '22.00');
    await ok('POST', 'market/advance', { minutes: 240 });
    const payload = await itemOffers(asin);
    const cheap = payload.Offers.find((o) => o.SellerId === 'ACHEAPLOWFB001')!;
    // It kept undercutting the lowest of the others (us) by 2 % at every turn…
    expect(cheap.ListingPrice.Amount).toBeLessThan(22);
    expect(cheap.IsFeaturedMerchant).toBe(false);
    expect(cheap.IsBuyBoxWinner).toBe(false);
    const mine = payload.Offers.find((o) => o.MyOffer)!;
    expect(mine.IsBuyBoxWinner).toBe(true);
    expect(mine.IsFeaturedMerchant).toBe(true);
    // …and never held the Buy Box a minute.
    const ledger = await ledgerOf(asin);
    expect(ledger.holders.ACHEAPLOWFB001).toBeUndefined();
    expect(ledger.buyBoxMinutes.ours).toBe(240);
  });

  test('at the same landed price the FBA offer wins; one cent below wins outright', async () => {
    const { asin, sku } = await oneAsin([{ kind: 'fixed', sellerId: 'AFBATIEPRIME01', price: '20.00', fulfillment: 'AFN' }], { prefix: 'TIE' });
    await setOurPrice(sku, '20.00'); // our generated listing is merchant-fulfilled (fbaShare 0)
    let payload = await itemOffers(asin);
    const fba = payload.Offers.find((o) => o.SellerId === 'AFBATIEPRIME01')!;
    expect(fba.IsFulfilledByAmazon).toBe(true);
    expect(fba.PrimeInformation.IsPrime).toBe(true);
    expect(fba.IsBuyBoxWinner).toBe(true);
    expect(payload.Offers.find((o) => o.MyOffer)!.IsBuyBoxWinner).toBe(false);
    await setOurPrice(sku, '19.99');
    payload = await itemOffers(asin);
    expect(payload.Offers.find((o) => o.MyOffer)!.IsBuyBoxWinner).toBe(true);
    const view = await ok('GET', `offers?asin=${asin}&marketplaceId=${US}`);
    expect(view.buyBox.sellerId).toBe(NA_SELLER);
  });

  test('the ledger credits the Buy Box holder: units at the ASIN rate, profit = price − cost − fees', async () => {
    const { asin, sku } = await oneAsin([{ kind: 'fixed', sellerId: 'AFIXEDABOVE001', price: '30.00' }], { prefix: 'LED', unitsPerHour: 2 });
    await setOurPrice(sku, '25.00');
    await ok('POST', 'market/costs', { sellerId: NA_SELLER, marketplaceId: US, costs: [{ sku, cost: '12.00' }] });
    expect((await ok('GET', `market/costs?sellerId=${NA_SELLER}&marketplaceId=${US}`)).costs).toContainEqual({ sku, cost: '12.00', currency: 'USD' });
    await ok('POST', 'market/advance', { minutes: 90 });
    let ledger = await ledgerOf(asin);
    expect(ledger.units).toBe('3.000');
    expect(ledger.buyBoxMinutes).toEqual({ ours: 90, others: 0, none: 0 });
    // MFN at 25.00: referral 15 % = 3.75 per unit; 3 units.
    expect(feesFor({ currency: 'USD', minor: '2500' }, 'MFN').total).toBe(375n);
    expect(ledger.revenue).toBe('75.00');
    expect(ledger.fees).toBe('11.25');
    expect(ledger.cost).toBe('36.00');
    expect(ledger.profit).toBe('27.75');

    // A competitor below us takes the Buy Box: our ledger stops, theirs counts the minutes.
    await ok('POST', 'competitors/price', { asin, marketplaceId: US, sellerId: 'AFIXEDABOVE001', price: '24.00' });
    await ok('POST', 'market/advance', { minutes: 30 });
    ledger = await ledgerOf(asin);
    expect(ledger.units).toBe('3.000');
    expect(ledger.holders).toEqual({ [NA_SELLER]: 90, AFIXEDABOVE001: 30 });
    expect(ledger.buyBoxShare).toBe(0.75);
    expect(ledger.priceChanges).toBe(0);
    const total = (await ok('GET', 'market/ledger')).total;
    expect(total.byCurrency.USD.profit).toBe('27.75');
  });

  test('bots move only at their cadence and stay within floor and ceiling; the reactive one answers our move after its delay', async () => {
    const { asin, sku } = await oneAsin(
      [
        { kind: 'beat_lowest', sellerId: 'ABEATLOWEST001', price: '20.00', floor: '18.00', cadenceMinutes: 60 },
        { kind: 'reactive', sellerId: 'AREACTIVE00001', price: '21.00', floor: '10.00', cadenceMinutes: 15, delayMinutes: 60, percent: 1 },
      ],
      { prefix: 'CAD' },
    );
    await setOurPrice(sku, '19.00');
    const bots = async () => Object.fromEntries((await ok('GET', `market/bots?asin=${asin}&marketplaceId=${US}`)).bots.map((b: { sellerId: string }) => [b.sellerId, b]));
    const before = await bots();
    const beatAt = before.ABEATLOWEST001.nextAt as number;
    // Up to (not including) its first turn nothing moves.
    if (beatAt > 0) await ok('POST', 'market/advance', { minutes: beatAt });
    expect((await bots()).ABEATLOWEST001.price).toBe('20.00');
    await ok('POST', 'market/advance', { minutes: 1 });
    // Beat 19.00 by 1 % = 18.81, above its 18.00 floor.
    expect((await bots()).ABEATLOWEST001.price).toBe('18.81');
    // The reactive bot has seen our price; now we move to 17.00: the beat-lowest bot stops at its floor.
    await setOurPrice(sku, '17.00');
    await ok('POST', 'market/advance', { minutes: 61 });
    const after = await bots();
    expect(after.ABEATLOWEST001.price).toBe('18.00');
    // The reactive bot noticed within its 15-minute cadence and answers 60 minutes after noticing: not before.
    const movedAt = beatAt + 1;
    if (after.AREACTIVE00001.pendingAt !== null) {
      expect(after.AREACTIVE00001.price).toBe('21.00');
      expect(after.AREACTIVE00001.pendingAt).toBeGreaterThanOrEqual(movedAt + 60);
      expect(after.AREACTIVE00001.pendingAt).toBeLessThan(movedAt + 75);
    } else {
      expect(after.AREACTIVE00001.price).toBe('16.83');
    }
    await ok('POST', 'market/advance', { minutes: 20 });
    const answered = await bots();
    expect(answered.AREACTIVE00001.pendingAt).toBeNull();
    expect(answered.AREACTIVE00001.price).toBe('16.83'); // 17.00 − 1 %
  });

  test('the same seed gives the same market; another seed another', async () => {
    const run = async (seed: number) => {
      await ok('POST', 'reseed');
      await ok('POST', 'market/bots', { seed, sellerId: NA_SELLER, marketplaceId: US, generate: { count: 25, skuPrefix: 'REP' } });
      for (let i = 0; i < 6; i++) await ok('POST', 'market/advance', { minutes: 120 });
      const bots = (await ok('GET', 'market/bots')).bots.map((b: { sellerId: string; kind: string; price: string; floor: string; ceiling: string }) => [b.sellerId, b.kind, b.price, b.floor, b.ceiling]);
      const ledger = await ok('GET', 'market/ledger');
      return { bots, ledger };
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    expect(b).toEqual(a);
    expect(c.bots).not.toEqual(a.bots);
    // Bots moved, and none went below its floor or above its ceiling.
    expect(a.ledger.asins).toHaveLength(25);
    const minor = (s: string) => Math.round(Number(s) * 100);
    for (const [, , price, floor, ceiling] of a.bots as string[][]) {
      expect(minor(price!)).toBeGreaterThanOrEqual(minor(floor!));
      expect(minor(price!)).toBeLessThanOrEqual(minor(ceiling!));
    }
    const kinds = new Set((a.bots as string[][]).map((x) => x[1]));
    expect(kinds.size).toBeGreaterThanOrEqual(5);
  });

  test('bad input is refused with the field named', async () => {
    expect((await sb.control('POST', 'market/advance', { minutes: 5 })).status).toBe(409);
    const res = await sb.control('POST', 'market/bots', { marketplaceId: US, asins: [{ asin: 'B000000000', bots: [] }] });
    expect(res.status).toBe(404);
    const made = await ok('POST', 'market/bots', { sellerId: NA_SELLER, marketplaceId: US, generate: { count: 1 } });
    const kind = await sb.control('POST', 'market/bots', { marketplaceId: US, asins: [{ asin: made.asins[0], bots: [{ kind: 'teleport', price: '1.00' }] }] });
    expect(kind.status).toBe(400);
    expect(kind.body.error).toMatch(/asins\[0\]\.bots\[0\]\.kind/);
    const minutes = await sb.control('POST', 'market/advance', { minutes: 0 });
    expect(minutes.status).toBe(400);
    expect(minutes.body.error).toMatch(/minutes/);
  });
});
