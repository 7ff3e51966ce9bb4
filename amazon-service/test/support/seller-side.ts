// What the seller (or Amazon) does on its own side, for test setup and checks: amazon-sp-api pointed at
// the sandbox with the seed seller's own credentials (not the service under test).
import { SellingPartner } from 'amazon-sp-api';
import { createAmazonSandboxAgent } from '@calibr/sandbox/routing';
import type { Harness, SeedSeller } from './harness';
import { DEMO_SELLER, US } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Amazon's JSON, read loosely by test setup
type Sp = { callAPI(p: Record<string, unknown>): Promise<any>; upload(d: { url: string }, f: { content: string; contentType: string }): Promise<unknown>; download(d: { url: string; compressionAlgorithm?: string }, o?: object): Promise<unknown> };

export function sellerSide(h: Harness, sellerId = DEMO_SELLER): Sp {
  const seller = h.sellers.find((s) => s.sellerId === sellerId) as SeedSeller;
  return new SellingPartner({
    region: 'na',
    refresh_token: seller.lwa.refreshToken,
    credentials: { SELLING_PARTNER_APP_CLIENT_ID: seller.lwa.clientId, SELLING_PARTNER_APP_CLIENT_SECRET: seller.lwa.clientSecret },
    options: { https_proxy_agent: createAmazonSandboxAgent(h.sandbox.url), auto_request_throttled: true },
  } as never) as unknown as Sp;
}

/** Downloads a feed document (input or report) as the seller, through getFeedDocument. */
export async function downloadFeedDocument(sp: Sp, feedDocumentId: string): Promise<string> {
  const doc = await sp.callAPI({ operation: 'feeds.getFeedDocument', path: { feedDocumentId } });
  return String(await sp.download(doc, { unzip: true }));
}

/**
 * Creates `count` listings (SKUs `${prefix}-00001`…) for the seller with one JSON_LISTINGS_FEED of UPDATE
 * messages, as a seller would bulk-list, and waits until Amazon has processed it.
 */
export async function createListings(
  h: Harness,
  options: { prefix: string; count: number; asin: string; productType: string; price: string; overrides?: Record<number, { minPrice?: string; maxPrice?: string }> },
): Promise<string[]> {
  const sp = sellerSide(h);
  const skus = Array.from({ length: options.count }, (_, i) => `${options.prefix}-${String(i + 1).padStart(5, '0')}`);
  const messages = skus.map((sku, i) => {
    const bounds = options.overrides?.[i];
    return {
      messageId: i + 1,
      sku,
      operationType: 'UPDATE',
      productType: options.productType,
      requirements: 'LISTING_OFFER_ONLY',
      attributes: {
        merchant_suggested_asin: [{ value: options.asin, marketplace_id: US }],
        condition_type: [{ value: 'new_new', marketplace_id: US }],
        purchasable_offer: [
          {
            marketplace_id: US,
            currency: 'USD',
            our_price: [{ schedule: [{ value_with_tax: Number(options.price) }] }],
            ...(bounds?.minPrice ? { minimum_seller_allowed_price: [{ schedule: [{ value_with_tax: Number(bounds.minPrice) }] }] } : {}),
            ...(bounds?.maxPrice ? { maximum_seller_allowed_price: [{ schedule: [{ value_with_tax: Number(bounds.maxPrice) }] }] } : {}),
          },
        ],
      },
    };
  });
  const content = JSON.stringify({ header: { sellerId: DEMO_SELLER, version: '2.0' }, messages });
  const contentType = 'application/json; charset=UTF-8';
  const document = await sp.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType } });
  await sp.upload(document, { content, contentType });
  const { feedId } = await sp.callAPI({ operation: 'feeds.createFeed', body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [US], inputFeedDocumentId: document.feedDocumentId } });
  for (let i = 0; ; i++) {
    const feed = await sp.callAPI({ operation: 'feeds.getFeed', path: { feedId } });
    if (feed.processingStatus === 'DONE') {
      const report = JSON.parse(await downloadFeedDocument(sp, feed.resultFeedDocumentId)) as { summary: { messagesAccepted: number }; issues: unknown[] };
      if (report.summary.messagesAccepted !== options.count) throw new Error(`setup feed accepted ${report.summary.messagesAccepted}/${options.count}: ${JSON.stringify(report.issues.slice(0, 3))}`);
      return skus;
    }
    if (['FATAL', 'CANCELLED'].includes(feed.processingStatus) || i > 200) throw new Error(`setup feed ended ${feed.processingStatus}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
