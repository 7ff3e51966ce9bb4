// The service as a process behind a load balancer: /healthz (liveness), /readyz (database and migrations),
// JSON request logs with credentials masked, and a graceful shutdown that lets an in-flight request finish.
import { Writable } from 'node:stream';
import { createAmazonTestDatabase, type AmazonTestDatabase } from './support/amazon-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { startAmazonService, type RunningAmazonService } from '../src/server';

const SECRET = 'process-health-shared-secret-0123456789abcdef';
let database: AmazonTestDatabase;
let service: RunningAmazonService;
const lines: string[] = [];

beforeAll(async () => {
  database = await createAmazonTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  service = await startAmazonService({
    port: 0,
    db: database.db,
    env: {} as NodeJS.ProcessEnv,
    config: { sharedSecret: SECRET, logLevel: 'info' },
    logger: createLogger('info', sink),
    worker: false,
  });
});
afterAll(async () => {
  await service?.close().catch(() => undefined);
  await database?.cleanup();
});

describe('process health', () => {
  it('answers liveness and readiness, and readiness fails while a committed migration is missing', async () => {
    const live = await fetch(`${service.url}/healthz`);
    expect(live.status).toBe(200);
    expect(live.headers.get('x-powered-by')).toBeNull();
    expect(await live.json()).toMatchObject({ status: 'ok', service: 'amazon-service', pid: process.pid });
    const ready = await fetch(`${service.url}/readyz`);
    // No notification queue configured here: the channel is off, with nothing counted.
    expect(await ready.json()).toEqual({
      status: 'ready',
      database: 'ok',
      migrations: 'applied',
      notifications: expect.objectContaining({ configured: false, state: 'off', lastError: null, counts: expect.objectContaining({ receiveErrors: 0, invalid: 0 }) }),
    });
    expect(ready.status).toBe(200);

    // A database behind the code (its migration record gone): not ready, and it says which.
    const [row] = await database.db.$queryRawUnsafe<Array<{ id: string; migration_name: string }>>('SELECT id, migration_name FROM "_prisma_migrations" LIMIT 1');
    await database.db.$executeRawUnsafe('UPDATE "_prisma_migrations" SET rolled_back_at = CURRENT_TIMESTAMP WHERE id = ?', row!.id);
    const behind = await fetch(`${service.url}/readyz`);
    expect(behind.status).toBe(503);
    expect(await behind.json()).toMatchObject({ migrations: 'pending', missing: [row!.migration_name] });
    await database.db.$executeRawUnsafe('UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = ?', row!.id);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });

  it('logs each request as JSON with credential headers and OAuth query parameters masked', async () => {
    await fetch(`${service.url}/api/integrations/amazon/auth/callback?spapi_oauth_code=ANcodeXYZ&state=st4te&selling_partner_id=A1`, {
      headers: { authorization: 'Bearer tok3n', 'x-amz-access-token': 'Atza|s3cret', cookie: 'sid=c00kie' },
    });
    const entry = lines.map((l) => JSON.parse(l) as { level: string; time: string; msg: string; req?: { url: string; headers: Record<string, string> } }).find((l) => l.req?.url.includes('/auth/callback'));
    expect(entry, lines.join('\n')).toBeDefined();
    expect(typeof entry!.time).toBe('string');
    expect(entry!.req!.url).toContain('spapi_oauth_code=[redacted]');
    expect(entry!.req!.url).toContain('state=[redacted]');
    expect(entry!.req!.url).toContain('selling_partner_id=A1');
    expect(entry!.req!.headers).toMatchObject({ authorization: '[redacted]', 'x-amz-access-token': '[redacted]', cookie: '[redacted]' });
    for (const secret of ['ANcodeXYZ', 'st4te', 'tok3n', 'Atza|s3cret', 'c00kie']) expect(lines.join('\n')).not.toContain(secret);
  });

  it('shuts down gracefully: a request already in flight is answered, then the port closes', async () => {
    // A request that is still sending its body when the shutdown starts.
    const body = new TransformStream<Uint8Array, Uint8Array>();
    const writer = body.writable.getWriter();
    const inFlight = fetch(`${service.url}/connector/pricing/batch-update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body.readable,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    await writer.write(new TextEncoder().encode('{"updates":'));
    await new Promise((r) => setTimeout(r, 100));
    const stopping = service.shutdown(5_000);
    await writer.write(new TextEncoder().encode('[]}'));
    await writer.close();
    const answer = await inFlight;
    // Unsigned, so refused, but answered: the connection was not cut under it.
    expect(answer.status).toBe(401);
    expect(answer.headers.get('connection')).toBe('close');
    expect(await stopping).toBe(true);
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(lines.some((l) => l.includes('"msg":"shutdown complete"'))).toBe(true);
  });
});
