import { afterAll, beforeAll, expect, test } from 'vitest';
import { startAmazonSandbox, type AmazonTestSandbox } from './harness';

let sb: AmazonTestSandbox;
beforeAll(async () => {
  sb = await startAmazonSandbox();
});
afterAll(() => sb.close());

test('smoke', async () => {
  const sp = sb.client();
  const res = await sp.callAPI({ operation: 'sellers.getMarketplaceParticipations' });
  expect(res.length).toBe(2);
});
