// The notification schemas the service validates payloads with at runtime are vendored copies of Amazon's
// (src/notifications/schemas/): they must stay equal to the reference files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CONSUMED_NOTIFICATIONS, SCHEMA_DIR, notificationValidator } from '../src/notifications/notification-schemas';
import { describeWithAmazonReference, readReferenceJson } from './support/amazon-reference';

describeWithAmazonReference("vendored notification schemas equal Amazon's", () => {
  for (const [type, { schema }] of Object.entries(CONSUMED_NOTIFICATIONS)) {
    it(`${type}: ${schema}`, () => {
      expect(JSON.parse(readFileSync(join(SCHEMA_DIR, schema), 'utf8'))).toEqual(readReferenceJson(`schemas/${schema}`));
    });
  }
});

it('a validator for each consumed type, none for another', () => {
  for (const type of Object.keys(CONSUMED_NOTIFICATIONS)) expect(notificationValidator(type)).toBeTypeOf('function');
  expect(notificationValidator('LISTINGS_ITEM_STATUS_CHANGE')).toBeUndefined();
  expect(notificationValidator('ANY_OFFER_CHANGED')!({ NotificationType: 'ANY_OFFER_CHANGED' })).toBe(false);
});
