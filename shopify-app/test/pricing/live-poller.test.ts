// The live poller's rules (app/components/live/live-poller.ts), with a driven clock: a page reloads only
// when the fingerprint moved (or moved since its loader read it); a held page reloads when it lets go; no
// look while the tab is hidden, one at once when it shows; looks come sooner while a push is in flight;
// nobody listening, nothing runs. (The
// real thing in a browser against the app: live-refresh.browser.test.ts.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE_MS, PUSHING_MS, createLivePoller } from '../../app/components/live/live-poller';

/** What GET /api/pricing/live would answer, as the test sets it, and how often it was asked. */
function world() {
  const state = { version: 'v1', readings: 'r1', pushing: 0, hidden: false, looks: 0, failNext: false };
  const listeners = new Set<() => void>();
  const poller = createLivePoller({
    fetchVersion: async () => {
      state.looks++;
      if (state.failNext) {
        state.failNext = false;
        throw new Error('network');
      }
      return { version: state.version, versions: { pricing: state.version, readings: state.readings }, pushing: state.pushing };
    },
    isHidden: () => state.hidden,
    onVisibilityChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const setHidden = (hidden: boolean) => {
    state.hidden = hidden;
    for (const l of listeners) l();
  };
  return { state, poller, setHidden, listeners };
}

function page(hold = false) {
  const p = { hold, reloads: 0 };
  return { p, subscriber: { held: () => p.hold, reload: () => void p.reloads++ } };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the live poller', () => {
  it('tells each page only of its own topic: readings move the home and the listings, not the pricing lists', async () => {
    const { state, poller } = world();
    const pricing = page();
    const readings = page();
    poller.subscribe(pricing.subscriber);
    poller.subscribe({ ...readings.subscriber, topic: 'readings' });
    await vi.advanceTimersByTimeAsync(0);
    state.readings = 'r2';
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect([pricing.p.reloads, readings.p.reloads]).toEqual([0, 1]);
    state.version = 'v2';
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect([pricing.p.reloads, readings.p.reloads]).toEqual([1, 1]);
  });

  it('a page that read the version with its data (its loader) reloads at the first look when it moved since, and not when it did not', async () => {
    const { state, poller } = world();
    const behind = page();
    const current = page();
    // A reading lands after one page's loader read r1 and before the other's read r2, all before the first look.
    state.readings = 'r2';
    poller.subscribe({ ...behind.subscriber, topic: 'readings', since: 'r1' });
    poller.subscribe({ ...current.subscriber, topic: 'readings', since: 'r2' });
    await vi.advanceTimersByTimeAsync(0);
    expect([behind.p.reloads, current.p.reloads]).toEqual([1, 0]);
    await vi.advanceTimersByTimeAsync(IDLE_MS * 2);
    expect([behind.p.reloads, current.p.reloads]).toEqual([1, 0]);
  });

  it('reloads a page only when the fingerprint moved', async () => {
    const { state, poller } = world();
    const { p, subscriber } = page();
    poller.subscribe(subscriber);
    await vi.advanceTimersByTimeAsync(0); // the first look sets what the page has
    expect(state.looks).toBe(1);
    await vi.advanceTimersByTimeAsync(IDLE_MS * 3);
    expect(state.looks).toBe(4);
    expect(p.reloads).toBe(0);

    state.version = 'v2';
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(p.reloads).toBe(1);
    await vi.advanceTimersByTimeAsync(IDLE_MS * 2);
    expect(p.reloads).toBe(1);
  });

  it('holds a reload while the page says so, and delivers it when the page lets go', async () => {
    const { state, poller } = world();
    const { p, subscriber } = page();
    poller.subscribe(subscriber);
    await vi.advanceTimersByTimeAsync(0);
    p.hold = true;
    state.version = 'v2';
    await vi.advanceTimersByTimeAsync(IDLE_MS * 2);
    expect(p.reloads).toBe(0);
    p.hold = false;
    poller.deliver();
    expect(p.reloads).toBe(1);
    poller.deliver();
    expect(p.reloads).toBe(1);
  });

  it('does not look while the tab is hidden, and looks at once when it shows again', async () => {
    const { state, poller, setHidden } = world();
    const { p, subscriber } = page();
    poller.subscribe(subscriber);
    await vi.advanceTimersByTimeAsync(0);
    setHidden(true);
    const looks = state.looks;
    state.version = 'v2';
    await vi.advanceTimersByTimeAsync(IDLE_MS * 10);
    expect(state.looks).toBe(looks);
    expect(p.reloads).toBe(0);
    setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.looks).toBe(looks + 1);
    expect(p.reloads).toBe(1);
  });

  it('looks sooner while a push is in flight, and keeps looking after a failed look', async () => {
    const { state, poller } = world();
    state.pushing = 2;
    poller.subscribe(page().subscriber);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(PUSHING_MS * 4);
    expect(state.looks).toBe(5);
    state.pushing = 0;
    state.failNext = true;
    await vi.advanceTimersByTimeAsync(PUSHING_MS);
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(state.looks).toBe(7);
  });

  it('runs one loop for every page of the document, and stops when nobody listens', async () => {
    const { state, poller, listeners } = world();
    const a = page();
    const b = page();
    const stopA = poller.subscribe(a.subscriber);
    const stopB = poller.subscribe(b.subscriber);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(state.looks).toBe(2);
    state.version = 'v2';
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect([a.p.reloads, b.p.reloads]).toEqual([1, 1]);
    stopA();
    stopB();
    expect(listeners.size).toBe(0);
    const looks = state.looks;
    await vi.advanceTimersByTimeAsync(IDLE_MS * 5);
    expect(state.looks).toBe(looks);
  });
});
