// The settings page's messages on SQLite (the HTTP suite: settings-messages.shared.ts), and the pieces
// behind them unit by unit: the way back to Calibrate in Admin, and refusals that name no field.
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectorError, RateLimitedError, ValidationError } from '@calibr/shared-contracts';
import { loadConfig } from '../src/config';
import { backToCalibrateUrl } from '../src/settings-page/admin-link';
import { sellerProblem } from '../src/settings-page/seller-messages';
import { settingsMessagesSuite } from './settings-messages.shared';
import { CA, SHARED_SECRET } from './support/harness';

const BR = 'A2Q3Y263D00KWC';

settingsMessagesSuite('sqlite');

describe('the way back and the messages, unit by unit', () => {
  it('Back to Calibrate is the app’s integrations page in the shop’s Admin, by the configured handle', () => {
    expect(backToCalibrateUrl('my-store.myshopify.com', 'calibrate-pricing', {})).toBe('https://admin.shopify.com/store/my-store/apps/calibrate-pricing/app/integrations');
    expect(backToCalibrateUrl('my-store.myshopify.com', 'calibrate-pricing', { browserBaseUrl: () => 'http://127.0.0.1:4010/' })).toBe('http://127.0.0.1:4010/store/my-store/apps/calibrate-pricing/app/integrations');
    // Not a shop domain (never signed as one, but never a link elsewhere either): Admin's home.
    expect(backToCalibrateUrl('evil.example/..', 'calibrate-pricing', {})).toBe('https://admin.shopify.com');
    const secret = SHARED_SECRET;
    expect(loadConfig({ SERVICE_SHARED_SECRET: secret }).shopifyAppHandle).toBe('calibrate-pricing');
    expect(loadConfig({ SERVICE_SHARED_SECRET: secret, SHOPIFY_APP_HANDLE: 'my-pricing-app' }).shopifyAppHandle).toBe('my-pricing-app');
    expect(() => loadConfig({ SERVICE_SHARED_SECRET: secret, SHOPIFY_APP_HANDLE: 'x/../y' })).toThrow(/SHOPIFY_APP_HANDLE/);
  });

  it('refusals that name no field become a sentence for the page; Amazon refusing credentials marks them', () => {
    const lwa = sellerProblem('credentials', new AuthenticationError('LWA: invalid_client'));
    expect(lwa.message).toMatch(/^Amazon didn’t accept these credentials/);
    expect(Object.keys(lwa.fields)).toEqual(['lwaClientId', 'lwaClientSecret']);
    expect(sellerProblem('connect', new AuthenticationError('revoked')).message).toMatch(/Connect with Amazon again/);
    expect(sellerProblem('marketplaces', new RateLimitedError(60)).message).toBe('Amazon is busy right now. Wait a minute and try again.');
    expect(sellerProblem('connect', new ValidationError('This service has no SP-API application id configured (AMAZON_SP_APP_ID)')).message).toMatch(/^Connecting through Seller Central isn’t available right now/);
    expect(sellerProblem('disconnect', new ConnectorError('internal', 'boom')).message).toMatch(/^That didn’t work/);
    // Each refused marketplace named once, in one message.
    const two = sellerProblem('credentials', new ValidationError([
      { path: 'marketplaceIds', message: `the seller does not sell in ${BR} in region na`, code: 'not_participating' },
      { path: 'marketplaceIds', message: `the seller does not sell in ${CA} in region na`, code: 'not_participating' },
    ]));
    expect(two.fields.marketplaceIds).toBe('Your Amazon seller account doesn’t sell in Brazil and Canada. Choose the marketplaces you sell in, or leave them all unticked.');
    expect(two.message).toBe('Check the field marked below.');
  });
});
