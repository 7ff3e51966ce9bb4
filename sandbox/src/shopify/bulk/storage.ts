// The Google Cloud Storage hosts Shopify hands out: staged uploads (shopify-staged-uploads.storage.
// googleapis.com, multipart POST or signed PUT) and bulk operation results (storage.googleapis.com, signed
// GET). The sandbox signs its URLs and policies with its own key and checks them on use.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, requestUrl, sendText } from '../../core/http';
import type { ShopifyRuntime } from '../runtime';
import type { ShopRecord, StagedUploadRecord } from '../state';

export const STAGED_UPLOADS_HOST = 'shopify-staged-uploads.storage.googleapis.com';
export const RESULTS_HOST = 'storage.googleapis.com';
export const RESULTS_BUCKET = 'shopify-tiers-assets-prod-us-east1';
const SIGNING_KEY = 'calibr-sandbox-gcs-signing-key';
const CREDENTIAL_EMAIL = 'merchant-assets@shopify-tiers.iam.gserviceaccount.com';

function sign(value: string): string {
  return createHmac('sha256', SIGNING_KEY).update(value).digest('hex');
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function googDate(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface StagedTarget {
  url: string;
  resourceUrl: string | null;
  parameters: Array<{ name: string; value: string }>;
}

/** A staged upload target for stagedUploadsCreate, recorded so the upload and bulkOperationRunMutation find it. */
export function createStagedTarget(
  rt: ShopifyRuntime,
  shop: ShopRecord,
  apiKey: string,
  input: { resource: string; filename: string; mimeType: string; httpMethod: 'POST' | 'PUT' },
): StagedTarget {
  const key = `tmp/${shop.id}/bulk/${randomUUID()}/${input.filename}`;
  const record: StagedUploadRecord = {
    key,
    shop: shop.domain,
    apiKey,
    resource: input.resource,
    mimeType: input.mimeType,
    createdAt: new Date().toISOString(),
    content: null,
    uploadedAt: null,
  };
  rt.state.stagedUploads.push(record);
  rt.markDirty();
  const date = googDate();
  const credential = `${CREDENTIAL_EMAIL}/${date.slice(0, 8)}/auto/storage/goog4_request`;
  const expires = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
  if (input.httpMethod === 'PUT') {
    const expiresSeconds = 604800;
    const query = new URLSearchParams({
      'X-Goog-Algorithm': 'GOOG4-RSA-SHA256',
      'X-Goog-Credential': credential,
      'X-Goog-Date': date,
      'X-Goog-Expires': String(expiresSeconds),
      'X-Goog-SignedHeaders': 'content-type;host',
    });
    query.set('X-Goog-Signature', sign(`PUT\n${key}\n${date}\n${expiresSeconds}`));
    const resourceUrl = `https://${STAGED_UPLOADS_HOST}/${key}`;
    return {
      url: `${resourceUrl}?${query.toString()}`,
      resourceUrl,
      parameters: [
        { name: 'content_type', value: input.mimeType },
        { name: 'acl', value: 'private' },
      ],
    };
  }
  const policy = Buffer.from(
    JSON.stringify({
      conditions: [
        { 'Content-Type': input.mimeType },
        { success_action_status: '201' },
        { acl: 'private' },
        ['content-length-range', 1, 20 * 1024 * 1024],
        { bucket: 'shopify-staged-uploads' },
        { key },
        { 'x-goog-date': date },
        { 'x-goog-credential': credential },
        { 'x-goog-algorithm': 'GOOG4-RSA-SHA256' },
      ],
      expiration: expires,
    }),
  ).toString('base64');
  return {
    url: `https://${STAGED_UPLOADS_HOST}/`,
    resourceUrl: input.resource === 'BULK_MUTATION_VARIABLES' ? null : `https://${STAGED_UPLOADS_HOST}/${key}`,
    parameters: [
      { name: 'Content-Type', value: input.mimeType },
      { name: 'success_action_status', value: '201' },
      { name: 'acl', value: 'private' },
      { name: 'key', value: key },
      { name: 'x-goog-date', value: date },
      { name: 'x-goog-credential', value: credential },
      { name: 'x-goog-algorithm', value: 'GOOG4-RSA-SHA256' },
      { name: 'x-goog-signature', value: sign(policy) },
      { name: 'policy', value: policy },
    ],
  };
}

/** A signed, expiring download URL for a bulk operation result file. */
export function resultUrl(key: string): string {
  const date = googDate();
  const expires = '604800';
  const query = new URLSearchParams({
    'X-Goog-Algorithm': 'GOOG4-RSA-SHA256',
    'X-Goog-Credential': `${CREDENTIAL_EMAIL}/${date.slice(0, 8)}/auto/storage/goog4_request`,
    'X-Goog-Date': date,
    'X-Goog-Expires': expires,
    'X-Goog-SignedHeaders': 'host',
  });
  query.set('X-Goog-Signature', sign(`GET\n${key}\n${date}\n${expires}`));
  return `https://${RESULTS_HOST}/${RESULTS_BUCKET}/${key}?${query.toString()}`;
}

function gcsError(res: ServerResponse, status: number, code: string, message: string): void {
  sendText(res, status, `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, 'application/xml; charset=UTF-8');
}

function expired(date: string | null, expires: string | null): boolean {
  if (!date || !expires) return true;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!m) return true;
  const start = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Date.now() > start + Number(expires) * 1000;
}

/** Requests to the storage hosts. */
export async function handleStorage(rt: ShopifyRuntime, host: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req);
  if (host === STAGED_UPLOADS_HOST) {
    if (req.method === 'POST' && url.pathname === '/') return stagedPost(rt, req, res);
    if (req.method === 'PUT') {
      const key = decodeURIComponent(url.pathname.slice(1));
      const q = url.searchParams;
      const expected = sign(`PUT\n${key}\n${q.get('X-Goog-Date')}\n${q.get('X-Goog-Expires')}`);
      if (!sameSignature(q.get('X-Goog-Signature') ?? '', expected) || expired(q.get('X-Goog-Date'), q.get('X-Goog-Expires'))) {
        return gcsError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
      }
      const record = rt.state.stagedUploads.find((u) => u.key === key);
      if (!record) return gcsError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      record.content = (await readBody(req)).toString('base64');
      record.uploadedAt = new Date().toISOString();
      rt.markDirty();
      res.writeHead(200, { etag: `"${sign(record.content).slice(0, 32)}"`, 'content-length': 0 });
      res.end();
      return;
    }
    return gcsError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  // Results: GET /<bucket>/<key>?X-Goog-...
  const prefix = `/${RESULTS_BUCKET}/`;
  if (req.method !== 'GET' || !url.pathname.startsWith(prefix)) return gcsError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
  const key = decodeURIComponent(url.pathname.slice(prefix.length));
  const q = url.searchParams;
  const expected = sign(`GET\n${key}\n${q.get('X-Goog-Date')}\n${q.get('X-Goog-Expires')}`);
  if (!sameSignature(q.get('X-Goog-Signature') ?? '', expected)) {
    return gcsError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  if (expired(q.get('X-Goog-Date'), q.get('X-Goog-Expires'))) return gcsError(res, 400, 'ExpiredToken', 'The provided token has expired.');
  const file = rt.state.files[key];
  if (!file) return gcsError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
  sendText(res, 200, file.content, file.contentType);
}

async function stagedPost(rt: ShopifyRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
  } catch {
    return gcsError(res, 400, 'InvalidArgument', 'Invalid multipart/form-data body.');
  }
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v : null;
  };
  const policy = field('policy');
  const key = field('key');
  if (!policy || !key || !sameSignature(field('x-goog-signature') ?? '', sign(policy))) {
    return gcsError(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  const decoded = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
  if (Date.parse(decoded.expiration) < Date.now()) return gcsError(res, 400, 'ExpiredToken', 'Invalid argument. Policy expired.');
  const keyCondition = decoded.conditions.find((c) => c && typeof c === 'object' && !Array.isArray(c) && 'key' in c) as { key: string } | undefined;
  if (keyCondition?.key !== key) return gcsError(res, 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$key"]');
  const file = form.get('file');
  if (!file || typeof file === 'string') return gcsError(res, 400, 'InvalidArgument', 'Missing file field.');
  const record = rt.state.stagedUploads.find((u) => u.key === key);
  if (!record) return gcsError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
  record.content = Buffer.from(await file.arrayBuffer()).toString('base64');
  record.uploadedAt = new Date().toISOString();
  rt.markDirty();
  const etag = `"${sign(record.content).slice(0, 32)}"`;
  if (field('success_action_status') === '201') {
    sendText(
      res,
      201,
      `<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>https://${STAGED_UPLOADS_HOST}/${key}</Location><Bucket>shopify-staged-uploads</Bucket><Key>${key}</Key><ETag>${etag}</ETag></PostResponse>`,
      'application/xml; charset=UTF-8',
      { etag },
    );
    return;
  }
  res.writeHead(204, { etag });
  res.end();
}
