// Feed documents and the S3-like hosts that store them (`tortuga-prod-{region}.s3-….amazonaws.com`):
// pre-signed PUT URLs for uploads (signed with the content type, like S3's SigV4 query signing) and
// pre-signed GET URLs for processing reports; S3's XML errors for a bad signature or an expired URL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { BodyTooLargeError, escapeXml, readBody, requestUrl, send } from '../http';
import { DOCUMENT_HOSTS } from '../hosts';
import type { Region } from '../marketplaces';
import type { FeedDocumentRecord } from '../state';
import type { AmazonWorld } from '../world';

const AWS_REGIONS: Record<Region, string> = { na: 'us-east-1', eu: 'eu-west-1', fe: 'us-west-2' };
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const signingKey = randomBytes(32);

const ID_PATTERN = /^amzn1\.tortuga\.4\.(na|eu|fe)\.[0-9a-f-]{36}\.T[0-9A-Z]{12,14}$/;

export function isDocumentId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function newDocumentId(region: Region): string {
  const suffix = randomBytes(10).toString('hex').toUpperCase().slice(0, 13);
  return `amzn1.tortuga.4.${region}.${randomUUID()}.T${suffix}`;
}

export function createDocument(
  world: AmazonWorld,
  init: { region: Region; sellerId: string; contentType: string; kind: 'input' | 'result'; content?: Buffer; compression?: 'GZIP' },
): FeedDocumentRecord {
  const record: FeedDocumentRecord = {
    feedDocumentId: newDocumentId(init.region),
    region: init.region,
    sellerId: init.sellerId,
    contentType: init.contentType,
    kind: init.kind,
    createdAt: new Date(world.now()).toISOString(),
    ...(init.content ? { content: init.content.toString('base64') } : {}),
    ...(init.compression ? { compression: init.compression } : {}),
  };
  world.state.documents[record.feedDocumentId] = record;
  world.changed();
  return record;
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function signature(parts: string[]): string {
  return createHmac('sha256', signingKey).update(parts.join('\n')).digest('hex');
}

function objectPath(id: string): string {
  return `/NinetyDays/${encodeURIComponent(id)}`;
}

/** A pre-signed URL for uploading (PUT, bound to the content type) or downloading (GET) a document. */
export function presignedUrl(world: AmazonWorld, doc: FeedDocumentRecord, method: 'PUT' | 'GET', contentEncoding?: 'gzip'): string {
  const date = amzDate(world.now());
  const expires = String(world.options.presignedUrlTtlSeconds);
  const signedHeaders = method === 'PUT' ? 'content-type;host' : 'host';
  const url = new URL(`https://${DOCUMENT_HOSTS[doc.region]}${objectPath(doc.feedDocumentId)}`);
  const q = url.searchParams;
  if (contentEncoding) q.set('response-content-encoding', contentEncoding);
  q.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  q.set('X-Amz-Date', date);
  q.set('X-Amz-SignedHeaders', signedHeaders);
  q.set('X-Amz-Expires', expires);
  q.set('X-Amz-Credential', `AKIASANDBOXTORTUGA00/${date.slice(0, 8)}/${AWS_REGIONS[doc.region]}/s3/aws4_request`);
  q.set(
    'X-Amz-Signature',
    signature([method, doc.feedDocumentId, date, expires, signedHeaders, method === 'PUT' ? doc.contentType : '', contentEncoding ?? '']),
  );
  return url.toString();
}

function s3Error(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  send(res, status, body, { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId });
}

function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

export async function handleDocumentHost(world: AmazonWorld, region: Region, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const s3RequestId = requestId.replace(/-/g, '').slice(0, 16).toUpperCase();
  const url = requestUrl(req);
  const match = /^\/NinetyDays\/([^/]+)$/.exec(url.pathname);
  const id = match ? decodeURIComponent(match[1]!) : undefined;
  const doc = id ? world.state.documents[id] : undefined;
  const method = req.method ?? 'GET';
  if (method !== 'PUT' && method !== 'GET') return s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', s3RequestId);
  const q = url.searchParams;
  const date = q.get('X-Amz-Date') ?? '';
  const expires = q.get('X-Amz-Expires') ?? '';
  const signedHeaders = q.get('X-Amz-SignedHeaders') ?? '';
  const given = q.get('X-Amz-Signature') ?? '';
  if (!date || !expires || !given || !q.get('X-Amz-Credential')) {
    return s3Error(res, 403, 'AccessDenied', 'Access Denied', s3RequestId);
  }
  if (!doc || doc.region !== region) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', s3RequestId);
  const contentType = method === 'PUT' ? (req.headers['content-type'] ?? '') : '';
  const expected = signature([method, doc.feedDocumentId, date, expires, signedHeaders, contentType, q.get('response-content-encoding') ?? '']);
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    return s3Error(res, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', s3RequestId);
  }
  // X-Amz-Date has whole seconds; count the URL's life from the end of that second, so a fast sandbox
  // clock never makes a URL expire before it has lived its (scaled) life.
  if (parseAmzDate(date) + 1000 + world.ms(Number(expires)) < world.now()) {
    return s3Error(res, 403, 'AccessDenied', 'Request has expired', s3RequestId);
  }

  if (method === 'PUT') {
    if (doc.kind !== 'input') return s3Error(res, 403, 'AccessDenied', 'Access Denied', s3RequestId);
    let body: Buffer;
    try {
      body = await readBody(req, MAX_UPLOAD_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return s3Error(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', s3RequestId);
      throw e;
    }
    doc.content = body.toString('base64');
    world.changed();
    world.log({ platform: 'amazon', kind: 'feed', method, host: req.headers.host, path: url.pathname, status: 200, detail: { upload: doc.feedDocumentId, bytes: body.length } });
    send(res, 200, '', { ETag: `"${createHash('md5').update(body).digest('hex')}"`, 'x-amz-request-id': s3RequestId });
    return;
  }

  if (doc.content === undefined) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', s3RequestId);
  const content = Buffer.from(doc.content, 'base64');
  const headers: Record<string, string> = {
    'Content-Type': doc.contentType,
    ETag: `"${createHash('md5').update(content).digest('hex')}"`,
    'x-amz-request-id': s3RequestId,
  };
  if (q.get('response-content-encoding')) headers['Content-Encoding'] = q.get('response-content-encoding')!;
  send(res, 200, content, headers);
}
