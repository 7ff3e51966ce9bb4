// The signed HTTP hop: authentication, routing, error mapping, client behaviour. Real HTTP on port 0.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CONNECTOR_ROUTES,
  NotFoundError,
  PlatformUnavailableError,
  PROBLEM_CONTENT_TYPE,
  RateLimitedError,
  RemoteConnector,
  ValidationError,
  createConnectorHandler,
  createMemoryNonceStore,
  parseSharedSecrets,
  routePath,
  signRequest,
  toNodeHandler,
  verifyRequest,
} from '../../src';
import { REFERENCE_CREDENTIALS } from '../../src/reference/catalog';
import { TEST_SECRET, startRemoteHarness, type RemoteHarness } from '../reference/remote-harness';

let harness: RemoteHarness;
beforeAll(async () => {
  harness = await startRemoteHarness();
});
afterAll(async () => {
  await harness.close();
});

/** A raw request, optionally signed, so we can forge and tamper. */
async function raw(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: string; sign?: { secret?: string; tenantId?: string; timestamp?: number; nonce?: string; path?: string; body?: string }; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.sign) {
    Object.assign(
      headers,
      signRequest({
        method,
        path: options.sign.path ?? path,
        tenantId: options.sign.tenantId ?? 'tenant-raw',
        body: options.sign.body ?? options.body,
        secret: options.sign.secret ?? TEST_SECRET,
        ...(options.sign.timestamp === undefined ? {} : { timestamp: options.sign.timestamp }),
        ...(options.sign.nonce === undefined ? {} : { nonce: options.sign.nonce }),
      }),
    );
  }
  const response = await fetch(`${harness.baseUrl}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('service-to-service signature', () => {
  const info = routePath('info');

  it('serves a correctly signed request', async () => {
    const r = await raw('GET', info, { sign: {} });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ platform: 'reference', version: '1.0.0' });
  });

  it.each([
    ['unsigned', {}],
    ['signed with another secret', { sign: { secret: 'another-secret-0123456789abcdef0123456789' } }],
    ['stale (10 minutes old)', { sign: { timestamp: Math.floor(Date.now() / 1000) - 600 } }],
    ['from the future', { sign: { timestamp: Math.floor(Date.now() / 1000) + 600 } }],
    ['signed for another path', { sign: { path: routePath('health') } }],
  ] as const)('refuses a request %s with a 401 problem', async (_label, options) => {
    const r = await raw('GET', info, options);
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(r.json).toMatchObject({ type: 'urn:calibr:problem:authentication', status: 401 });
  });

  it('refuses a tampered body and a swapped tenant', async () => {
    const body = JSON.stringify({ idempotencyKey: 'k', externalId: 'ref-listing-1a', price: { amount: '1.00', currency: 'USD' } });
    const tampered = await raw('POST', routePath('updatePrice'), { body: body.replace('1.00', '0.01'), sign: { body } });
    expect(tampered.status).toBe(401);
    const headers = signRequest({ method: 'GET', path: info, tenantId: 'tenant-a', secret: TEST_SECRET });
    const swapped = await fetch(`${harness.baseUrl}${info}`, { headers: { ...headers, 'x-calibr-tenant': 'tenant-b' } });
    expect(swapped.status).toBe(401);
  });

  it('serves a signed request once: the same request replayed is a 401, a freshly signed one is served', async () => {
    const headers = signRequest({ method: 'GET', path: info, tenantId: 'tenant-replay', secret: TEST_SECRET });
    const first = await fetch(`${harness.baseUrl}${info}`, { headers });
    expect(first.status).toBe(200);
    const replay = await fetch(`${harness.baseUrl}${info}`, { headers });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ type: 'urn:calibr:problem:authentication', detail: expect.stringMatching(/replayed/) });
    // The same moment, a new nonce: a new request.
    const fresh = signRequest({ method: 'GET', path: info, tenantId: 'tenant-replay', secret: TEST_SECRET, timestamp: Number(headers['x-calibr-timestamp']) });
    expect(fresh['x-calibr-nonce']).not.toBe(headers['x-calibr-nonce']);
    expect((await fetch(`${harness.baseUrl}${info}`, { headers: fresh })).status).toBe(200);
  });

  it('signs the nonce: another nonce on a captured signature, or none, is a 401', async () => {
    const headers = signRequest({ method: 'GET', path: info, tenantId: 'tenant-nonce', secret: TEST_SECRET });
    const swapped = await fetch(`${harness.baseUrl}${info}`, { headers: { ...headers, 'x-calibr-nonce': 'A'.repeat(24) } });
    expect(swapped.status).toBe(401);
    const { 'x-calibr-nonce': _dropped, ...without } = headers;
    expect((await fetch(`${harness.baseUrl}${info}`, { headers: without })).status).toBe(401);
    // The captured one is still unused: only its exact nonce serves it.
    expect((await fetch(`${harness.baseUrl}${info}`, { headers })).status).toBe(200);
  });

  it('answers an unsigned request before reading its body, and closes the connection instead of reading it', async () => {
    const { connect } = await import('node:net');
    const { hostname, port } = new URL(harness.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      // 16 MiB declared, 1 KiB sent: the rest never comes, so only an answer from the headers can arrive.
      socket.write(`POST ${routePath('batchUpdatePrices')} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n{"updates":[${' '.repeat(1000)}`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('urn:calibr:problem:authentication');
  });

  it('hides which routes exist from unsigned callers', async () => {
    expect((await raw('GET', '/connector/nope')).status).toBe(401);
    expect((await raw('GET', '/connector/nope', { sign: {} })).status).toBe(404);
  });

  it('verifies with any rotated secret and rejects malformed signatures', () => {
    const path = '/connector/info';
    const headers = signRequest({ method: 'GET', path, tenantId: 't', secret: 'old-secret-0123456789abcdef0123456789', timestamp: 1000 });
    expect(
      verifyRequest({ method: 'GET', path, headers, secrets: ['new-secret-0123456789abcdef0123456789', 'old-secret-0123456789abcdef0123456789'], now: 1000 }),
    ).toEqual({ tenantId: 't', nonce: headers['x-calibr-nonce'], validUntil: 1300 });
    expect(() => verifyRequest({ method: 'GET', path, headers: { ...headers, 'x-calibr-signature': 'v1=abc' }, secrets: ['x'], now: 1000 })).toThrow(
      AuthenticationError,
    );
    expect(() => verifyRequest({ method: 'GET', path, headers, secrets: [], now: 1000 })).toThrow(AuthenticationError);
  });

  it('never runs open: no secret, no handler', () => {
    expect(() => parseSharedSecrets(undefined)).toThrow(/SERVICE_SHARED_SECRET/);
    expect(() => parseSharedSecrets('short')).toThrow(/at least 32/);
    expect(parseSharedSecrets(' a0123456789abcdef0123456789abcdef, b0123456789abcdef0123456789abcdef ')).toHaveLength(2);
    expect(() => createConnectorHandler({ secrets: [], nonces: createMemoryNonceStore(), resolveConnector: async () => {
      throw new Error('unused');
    } })).toThrow(/must not run open/);
    expect(() => createConnectorHandler({ secrets: [TEST_SECRET], nonces: undefined as never, resolveConnector: async () => {
      throw new Error('unused');
    } })).toThrow(/nonce store/);
    expect(() => new RemoteConnector({ baseUrl: 'http://x', tenantId: 't', secret: '', info: { platform: 'x', name: 'x', version: '1.0.0', capabilities: {} as never } })).toThrow();
  });
});

describe('route contract and error mapping', () => {
  it('answers 405 for the wrong method and 400 for a body that is not JSON', async () => {
    const wrong = await raw('GET', routePath('updatePrice'), { sign: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const badJson = await raw('POST', routePath('updatePrice'), { body: '{not json', sign: {} });
    expect(badJson.status).toBe(400);
    expect(badJson.json?.errors).toEqual([expect.objectContaining({ path: 'body', code: 'invalid_json' })]);
  });

  it('lists every route under the base path', () => {
    expect(routePath('batchUpdatePrices')).toBe('/connector/pricing/batch-update');
    expect(Object.values(CONNECTOR_ROUTES).every((r) => r.path.startsWith('/'))).toBe(true);
  });

  it('rebuilds typed errors on the client, with Retry-After on 429', async () => {
    const tenantId = 'tenant-errors';
    const client = harness.client(tenantId);
    await expect(client.products.get('ref-product-1')).rejects.toBeInstanceOf(AuthenticationError);
    await client.authenticate(REFERENCE_CREDENTIALS);
    await expect(client.products.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.pricing.updatePrice({ idempotencyKey: 'k', externalId: 'ref-listing-1a', price: { amount: '1.999', currency: 'USD' } })).rejects.toMatchObject({
      name: 'ValidationError',
      errors: [expect.objectContaining({ path: 'price.amount', code: 'too_many_decimals' })],
    });
    (await harness.serverConnector(tenantId)).simulateRateLimit(1, 9);
    const limited = await raw('GET', `${routePath('getPrice')}?externalId=ref-listing-1a`, { sign: { tenantId } }).catch((e) => e);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('9');
    (await harness.serverConnector(tenantId)).simulateRateLimit(1, 4);
    const error = await client.pricing.getPrice('ref-listing-1a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfter).toBe(4);
    expect((error as RateLimitedError).platformError?.code).toBe('QuotaExceeded');
    (await harness.serverConnector(tenantId)).simulateOutage(true);
    await expect(client.healthCheck()).resolves.toMatchObject({ status: 'unavailable' });
    await expect(client.pricing.getPrice('ref-listing-1a')).rejects.toMatchObject({ name: 'PlatformUnavailableError', retryAfter: 5 });
    (await harness.serverConnector(tenantId)).simulateOutage(false);
    await expect(client.pricing.getUpdateResult?.('never-used')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports an unreachable or silent service as PlatformUnavailableError', async () => {
    const info = { platform: 'reference', name: 'Reference', version: '1.0.0', capabilities: new (await import('../../src/reference/in-memory-connector')).ReferenceConnector().capabilities };
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = new RemoteConnector({ baseUrl: `http://127.0.0.1:${port}`, tenantId: 't', secret: TEST_SECRET, info });
    await expect(down.healthCheck()).rejects.toBeInstanceOf(PlatformUnavailableError);

    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const slow = new RemoteConnector({
      baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      tenantId: 't',
      secret: TEST_SECRET,
      info,
      timeoutMs: 200,
    });
    await expect(slow.healthCheck()).rejects.toThrow(/did not answer within 200 ms/);
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('RemoteConnector.connect learns what the service serves', async () => {
    const client = await RemoteConnector.connect({ baseUrl: harness.baseUrl, tenantId: 'tenant-connect', secret: TEST_SECRET });
    expect(client.platform).toBe('reference');
    expect(client.capabilities.maxBatchSize).toBe(50);
  });
});

describe('node adapter under Express', () => {
  it('serves the handler mounted in an Express 5 app, signature over the full path', async () => {
    const app = express();
    const handler = createConnectorHandler({
      secrets: [TEST_SECRET],
      nonces: createMemoryNonceStore(),
      basePath: '/amazon/connector',
      resolveConnector: (tenantId) => harness.serverConnector(tenantId),
    });
    app.use('/amazon', toNodeHandler(handler));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const info = { platform: 'reference', name: 'Reference', version: '1.0.0', capabilities: (await harness.serverConnector('e')).capabilities };
      const client = new RemoteConnector({ baseUrl: `http://127.0.0.1:${port}`, basePath: '/amazon/connector', tenantId: 'tenant-express', secret: TEST_SECRET, info });
      await client.authenticate(REFERENCE_CREDENTIALS);
      const batch = await client.pricing.batchUpdatePrices([
        { idempotencyKey: 'x1', externalId: 'ref-listing-1a', price: { amount: '70.00', currency: 'USD' } },
        { idempotencyKey: 'x2', externalId: 'ref-listing-1b', price: { amount: 'abc', currency: 'USD' } },
      ]);
      expect(batch.summary).toEqual({ total: 2, applied: 1, pending: 0, failed: 1 });
      const unsigned = await fetch(`http://127.0.0.1:${port}/amazon/connector/info`);
      expect(unsigned.status).toBe(401);
      await expect(client.pricing.batchUpdatePrices([])).rejects.toBeInstanceOf(ValidationError);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
