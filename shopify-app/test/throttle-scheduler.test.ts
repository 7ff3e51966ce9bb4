// The scheduler's arithmetic on a fake clock: it never releases a request the bucket can't pay for,
// waits exactly the restore time after THROTTLED, and runs requests side by side when they fit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottleScheduler } from '../app/platforms/shopify/connector/throttle';

describe('ThrottleScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const now = () => Date.now();

  it('sends the first request alone, then as many as the reported bucket allows, concurrently', async () => {
    const s = new ThrottleScheduler({ maxConcurrency: 10, now });
    const first = await s.acquire(100);
    let second = false;
    void s.acquire(100).then(() => (second = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe(false); // nothing known about the bucket yet
    s.release(first, { status: { maximumAvailable: 1000, currentlyAvailable: 900, restoreRate: 50 }, actualCost: 100 });
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe(true);
    const released: number[] = [];
    for (let i = 0; i < 10; i++) void s.acquire(100).then(() => released.push(i));
    await vi.advanceTimersByTimeAsync(0);
    // 900 available, 100 reserved by the second request: 8 more fit now.
    expect(released).toHaveLength(8);
  });

  it('holds a request until the restore rate has covered its cost', async () => {
    const s = new ThrottleScheduler({ now });
    const t = await s.acquire(10);
    s.release(t, { status: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 100 } });
    let sent = false;
    void s.acquire(250).then(() => (sent = true));
    await vi.advanceTimersByTimeAsync(2400);
    expect(sent).toBe(false);
    await vi.advanceTimersByTimeAsync(150);
    expect(sent).toBe(true);
  });

  it('after THROTTLED waits (requested - available) / restoreRate, then retries first', async () => {
    const s = new ThrottleScheduler({ now });
    const t = await s.acquire(10);
    s.release(t, { status: { maximumAvailable: 1000, currentlyAvailable: 1000, restoreRate: 50 } });
    const a = await s.acquire(300);
    const waitMs = s.throttled(a, { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50 }, 300);
    expect(waitMs).toBe(4000);
    const order: string[] = [];
    void s.acquire(10).then(() => order.push('other'));
    void s.acquire(300, { priority: true }).then(() => order.push('retry'));
    await vi.advanceTimersByTimeAsync(3990);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);
    // The retry took all 300 restored points; the other request waits for its own 10 (0.2 s).
    expect(order).toEqual(['retry']);
    await vi.advanceTimersByTimeAsync(210);
    expect(order).toEqual(['retry', 'other']);
    expect(s.stats.throttled).toBe(1);
  });

  it('scales the restore rate by the time scale', async () => {
    const s = new ThrottleScheduler({ now, timeScale: 10 });
    const t = await s.acquire(10);
    s.release(t, { status: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 100 } });
    let sent = false;
    void s.acquire(500).then(() => (sent = true));
    await vi.advanceTimersByTimeAsync(510);
    expect(sent).toBe(true);
  });
});
