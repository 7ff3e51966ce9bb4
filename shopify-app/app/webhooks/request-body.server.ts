// A webhook body read as a stream with a cap: we never hold more than the limit in memory.
// Past the limit the rest is read and dropped (up to a few times the limit), so the connection stays
// usable and the sender reads our 413 rather than a reset; a sender that goes on beyond that, or
// declares such a size up front, gets the stream cancelled (the connection is reset).

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
  const declared = Number(request.headers.get('content-length'));
  const discardUpTo = limit * DISCARD_FACTOR;
  if (Number.isFinite(declared) && declared > discardUpTo) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'too_large' };
  }
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > discardUpTo) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: 'too_large' };
    }
    if (size > limit) chunks.length = 0; // too large: keep reading, keep nothing
    else chunks.push(value);
  }
  if (size > limit) return { ok: false, reason: 'too_large' };
  return { ok: true, text: Buffer.concat(chunks, size).toString('utf8') };
}
