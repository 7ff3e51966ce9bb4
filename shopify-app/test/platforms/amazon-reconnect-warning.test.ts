// A seller's Amazon authorization lasts 365 days. Thirty days before it ends, the console's Amazon status
// (what the registry reports for the platform: GET /api/platforms) says "Reconnect Amazon before <date>",
// and once Amazon refuses it the connection reads "needs reconnect". Amazon's clock (the sandbox's) and
// the Amazon service's are moved forward together. On PostgreSQL when TEST_DATABASE_URL is set, else SQLite.
import { hasTestPostgres } from '@calibr/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_SELLER, demoSellerCredentials, readJson, sandboxControl, startPlatformsWorld, type PlatformsWorld } from './support/harness';

const DAY = 86_400_000;
let offset = 0;
let w: PlatformsWorld;

interface AmazonView {
  connection: { status: string; accountId: string | null };
  health: { status: string; message?: string };
}

beforeAll(async () => {
  w = await startPlatformsWorld({
    provider: hasTestPostgres() ? 'postgresql' : 'sqlite',
    // The app's client secret would run out first (180 days): here it lives as long as a rotated one would.
    amazon: { clientSecretLifetimeDays: 1000 },
    amazonClock: { now: () => Date.now() + offset },
  });
});
afterAll(async () => w?.close());

async function advance(days: number): Promise<void> {
  offset += days * DAY;
  await sandboxControl(w.sandbox, 'amazon/clock', { days });
}

async function amazonStatus(): Promise<AmazonView> {
  const res = await w.api('/api/platforms/amazon/status');
  expect(res.status).toBe(200);
  return readJson<AmazonView>(res);
}

it('warns "Reconnect Amazon before <date>" 30 days ahead, then shows the connection needs reconnecting', async () => {
  const connected = await w.api('/api/platforms/amazon/connect', { json: { credentials: demoSellerCredentials(w) } });
  expect(connected.status, await connected.clone().text()).toBe(200);
  expect(await amazonStatus()).toMatchObject({ connection: { status: 'connected', accountId: DEMO_SELLER }, health: { status: 'healthy' } });

  await advance(340);
  const expiry = new Date(Date.now() + 365 * DAY).toISOString().slice(0, 10); // connected moments ago (real clock), 365 days on
  const warned = await amazonStatus();
  expect(warned.connection.status).toBe('connected');
  expect(warned.health.status).toBe('degraded');
  expect(warned.health.message).toMatch(/^Reconnect Amazon before \d{4}-\d{2}-\d{2}: the seller's authorization ends then/);
  // The date is the authorization's 365th day (give or take the day boundary the test may cross).
  const shown = Date.parse(/before (\d{4}-\d{2}-\d{2})/.exec(warned.health.message!)![1]!);
  expect(Math.abs(shown - Date.parse(expiry))).toBeLessThanOrEqual(DAY);

  await advance(26);
  const refused = await amazonStatus();
  expect(refused.health.status).toBe('unavailable');
  expect(refused.health.message).toMatch(/authorization expired on/);
  // From the next look on (the check that met the refusal had read the connection before it), the
  // connection reads "needs reconnect" with Amazon's reason, without asking LWA again.
  const list = await readJson<{ platforms: Array<{ platform: string; connection: { status: string }; health: { status: string; message?: string } }> }>(await w.api('/api/platforms'));
  const amazon = list.platforms.find((p) => p.platform === 'amazon')!;
  expect(amazon.connection.status).toBe('needs_reconnect');
  expect(amazon.health).toMatchObject({ status: 'unavailable', message: expect.stringMatching(/^the seller's authorization expired on/) });
}, 120_000);
