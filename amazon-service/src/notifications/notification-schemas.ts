// Amazon's JSON schemas of the three notifications the service consumes, vendored beside this file
// (schemas/, copies of Amazon's published files; test/notification-schemas.test.ts keeps them equal to the
// reference copies), compiled once with ajv. A payload that fails its schema is not acted on.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';

export const CONSUMED_NOTIFICATIONS = {
  ANY_OFFER_CHANGED: { payloadVersion: '1.0', schema: 'AnyOfferChangedNotification.json' },
  FEED_PROCESSING_FINISHED: { payloadVersion: '2020-09-04', schema: 'FeedProcessingFinishedNotification.json' },
  PRICING_HEALTH: { payloadVersion: '1.0', schema: 'PricingHealthNotification.json' },
} as const;

export type ConsumedNotificationType = keyof typeof CONSUMED_NOTIFICATIONS;

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'schemas');

const validators = new Map<string, ValidateFunction>();

/** The validator of a notification type we consume; undefined for any other type. */
export function notificationValidator(type: string): ValidateFunction | undefined {
  if (!(type in CONSUMED_NOTIFICATIONS)) return undefined;
  let validate = validators.get(type);
  if (!validate) {
    const file = CONSUMED_NOTIFICATIONS[type as ConsumedNotificationType].schema;
    // One Ajv per schema: two of Amazon's files share the placeholder $id "http://example.com/example.json".
    validate = new Ajv({ strict: false, allErrors: false }).compile(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as object);
    validators.set(type, validate);
  }
  return validate;
}
