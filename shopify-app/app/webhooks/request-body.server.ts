// A webhook body read as a stream with a cap: a sender can't make us buffer more than the limit.
// A declared Content-Length over the limit is refused before reading anything.

/** Large enough for a product with Shopify's 2,048 variants; WEBHOOK_BODY_LIMIT_BYTES overrides it. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

export function webhookBodyLimit(): number {
  const configured = Number(process.env.WEBHOOK_BODY_LIMIT_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_WEBHOOK_BODY_LIMIT;
}

export type BodyRead = { ok: true; text: string } | { ok: false; reason: 'too_large' };

export async function readBodyWithLimit(request: Request, limit: number): Promise<BodyRead> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
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
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks, size).toString('utf8') };
}
