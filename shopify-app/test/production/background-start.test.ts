// Background work starts from the server entry points, never on import: loading the app's server modules
// (the startup module and everything it imports: webhook processor, push worker, monitor, sync) creates no
// worker and no timer; startBackground() starts them (once, however often called) and stopBackground()
// stops them again. Everything the process holds lives in the one app context (app/app-context.server.ts).
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appContext } from '../../app/app-context.server';
import { releaseAppDatabase } from '../support/app-database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.SHOPIFY_API_KEY ||= 'background-start-test-key';
  process.env.SHOPIFY_API_SECRET ||= 'background-start-test-secret';
  process.env.SHOPIFY_APP_URL ||= 'http://127.0.0.1:9';
  // The push worker starts; the monitor too (its timer is what the test counts), on this database.
  process.env.PRICING_WORKER = 'on';
  process.env.PRICING_MONITOR = 'on';
});
afterAll(async () => {
  await releaseAppDatabase();
  await database?.cleanup();
});

describe('background work', () => {
  it('is not started by importing the server modules; startBackground starts it once, stopBackground stops it', async () => {
    // Every timer made while the modules load (a worker's poll, a lease's renewal) is counted.
    const intervals = vi.spyOn(globalThis, 'setInterval');
    const timeouts = vi.spyOn(globalThis, 'setTimeout');
    const startup = await import('../../app/startup.server');
    await import('../../app/entry.server');
    expect(intervals).not.toHaveBeenCalled();
    expect(timeouts).not.toHaveBeenCalled();
    expect(appContext().pricing).toBeUndefined();
    expect(appContext().started).toBeUndefined();
    expect(appContext().webhooks).toBeUndefined();

    const first = startup.startBackground();
    expect(startup.startBackground()).toBe(first);
    await first;
    const pricing = appContext().pricing;
    expect(pricing).toBeDefined();
    expect(appContext().webhooks).toBeDefined();
    // The webhook processor's poll and the push and monitor workers' schedules.
    expect(intervals.mock.calls.length + timeouts.mock.calls.length).toBeGreaterThan(0);
    intervals.mockRestore();
    timeouts.mockRestore();

    expect(await startup.stopBackground()).toEqual({ handedBack: 0 });
    expect(appContext().pricing).toBeUndefined();
    expect(appContext().webhooks).toBeUndefined();
    expect(appContext().started).toBeUndefined();
  });
});
