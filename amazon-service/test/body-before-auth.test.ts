// The Amazon service decides who is calling from the headers before it reads a body: an unsigned, stale or
// forged price batch to /connector declaring 40 MiB is answered (401) and its connection closed while almost
// all of that body was never sent, which only an answer from the headers alone can do; the same on the
// settings API. Then body limits by route: a signed 100 KiB body is too large for self-authorization, not
// for a price batch (/connector, up to CONNECTOR_BODY_LIMIT), which holds the largest batch it accepts.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '@calibr/shared-contracts';
import { API_BODY_LIMIT } from '../src/app';
import { CONNECTOR_MAX_BATCH } from '../src/connector/amazon-connector';
import { CONNECTOR_BODY_LIMIT } from '../src/connector/connector-routes';
import { SHARED_SECRET, json, signedFetch, startHarness, type Harness } from './support/harness';

const API = '/api/integrations/amazon';
const BATCH = '/connector/pricing/batch-update';
const SHOP = 'body-limits.myshopify.com';
const DECLARED = 40 * 1024 * 1024;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => h?.close());

/**
 * Sends a request's head declaring `DECLARED` bytes and only the first KiB of its body, then waits for the
 * server to answer and close. A server that reads the body first would still be waiting for the rest.
 */
function declareHugeBody(path: string, headers: Record<string, string>): Promise<string> {
  const { hostname, port } = new URL(h.service.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    const head = Object.entries({ host: hostname, 'content-type': 'application/json', 'content-length': String(DECLARED), ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n{"updates":[${' '.repeat(1024)}`);
  });
}

describe('authenticate before reading a body', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (extra: Partial<Parameters<typeof signRequest>[0]> = {}) =>
    signRequest({ method: 'POST', path: BATCH, tenantId: SHOP, body: '{}', secret: SHARED_SECRET, ...extra });

  it.each([
    ['unsigned', {}],
    ['signed 10 minutes ago', signed({ timestamp: now() - 600 })],
    ['signed without a nonce', (({ 'x-calibr-nonce': _n, ...rest }) => rest)(signed())],
    ['with a malformed signature', { ...signed(), 'x-calibr-signature': 'v2=not-hex' }],
    ['with a forged settings cookie', { cookie: `calibr_amazon_settings=${Buffer.from('{"shop":"x"}').toString('base64url')}.forged` }],
  ])('a 40 MiB price batch %s is a 401 problem, answered and closed without reading the body', async (_label, headers) => {
    const answer = await declareHugeBody(BATCH, headers as Record<string, string>);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('application/problem+json');
    expect(answer).toContain('urn:calibr:problem:authentication');
  });

  it('a body whose signature does not match is refused before it is parsed (401, not a JSON error)', async () => {
    // Fresh, well-formed headers signed over another body: only the signature check over the raw bytes can
    // refuse it before JSON.parse, which would answer 400 invalid_json for this body.
    const res = await fetch(`${h.service.url}${BATCH}`, { method: 'POST', headers: { ...signed(), 'content-type': 'application/json' }, body: '{"updates": [ not json' });
    expect(res.status).toBe(401);
    expect((await json<{ type: string }>(res)).type).toBe('urn:calibr:problem:authentication');
  });

  it('the settings API answers an unsigned 40 MiB self-authorization the same way', async () => {
    const answer = await declareHugeBody(`${API}/auth/self`, {});
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });
});

describe('body limits by route', () => {
  const pad = 'a'.repeat(100 * 1024);

  it('a signed 100 KiB body is too large for self-authorization (413 naming the limit)', async () => {
    const res = await signedFetch(h.service.url, SHOP, 'POST', `${API}/auth/self`, { sellingPartnerId: 'A2BODYLIMIT', region: 'na', lwaClientId: 'x', lwaClientSecret: 'y', refreshToken: pad });
    expect(res.status).toBe(413);
    expect((await json<{ detail: string }>(res)).detail).toContain(String(API_BODY_LIMIT));
  });

  it('a price batch may be large: a signed 100 KiB batch is read and judged by its content', async () => {
    const res = await signedFetch(h.service.url, SHOP, 'POST', BATCH, { updates: [], pad });
    expect(res.status).toBe(400);
    expect((await json<{ errors: { path: string }[] }>(res)).errors[0]!.path).toMatch(/updates/);
  });

  it('a signed batch over the connector’s limit is a 413 problem naming the limit', async () => {
    const res = await signedFetch(h.service.url, SHOP, 'POST', BATCH, { updates: [], pad: 'a'.repeat(CONNECTOR_BODY_LIMIT) });
    expect(res.status).toBe(413);
    expect((await json<{ detail: string }>(res)).detail).toContain(String(CONNECTOR_BODY_LIMIT));
  });

  it('the connector’s body limit holds the largest batch of real updates it accepts', () => {
    const update = { idempotencyKey: `push:${'c'.repeat(25)}:${'l'.repeat(25)}`, externalId: 'S'.repeat(40), marketplaceId: 'ATVPDKIKX0DER', price: { amount: '1234567.89', currency: 'USD' }, minPrice: { amount: '1234567.89', currency: 'USD' }, maxPrice: { amount: '1234567.89', currency: 'USD' }, reason: 'r'.repeat(60) };
    const bytes = (JSON.stringify(update).length + 1) * CONNECTOR_MAX_BATCH + JSON.stringify({ updates: [] }).length;
    expect(bytes).toBeLessThanOrEqual(CONNECTOR_BODY_LIMIT);
  });
});
