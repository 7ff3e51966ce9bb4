// A webhook body read with a cap (lib/request-body.server.ts): we never hold more than the limit in
// memory. Past the limit the rest is read and dropped up to a few times the limit, so the connection
// stays usable and Shopify reads our 413 rather than a reset; a sender that goes on beyond that, or
// declares such a size up front, gets the stream cancelled (the connection is reset).
import { readCappedBody } from '../../../lib/request-body.server';

/** Large enough for a product with Shopify's 2,048 variants; WEBHOOK_BODY_LIMIT_BYTES overrides it. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;
/** How much past the limit is read and dropped before giving up on the connection. */
const DISCARD_FACTOR = 4;

export function webhookBodyLimit(): number {
  const configured = Number(process.env.WEBHOOK_BODY_LIMIT_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_WEBHOOK_BODY_LIMIT;
}

export type BodyRead = { ok: true; text: string } | { ok: false; reason: 'too_large' };

export async function readBodyWithLimit(request: Request, limit: number): Promise<BodyRead> {
  const read = await readCappedBody(request, limit, limit * DISCARD_FACTOR);
  if (!read.ok) return { ok: false, reason: 'too_large' };
  return { ok: true, text: Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength).toString('utf8') };
}
