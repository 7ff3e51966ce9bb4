// Live pages: the console's lists and statuses follow what happens on the server (a competitor moved and
// the monitor stored a suggestion; a push or a rollback settled) without a reload.
//
// Why polling a fingerprint and not server-sent events: an embedded app's EventSource can't send the
// session token header, so SSE would need the token in the URL (logged by proxies, and it lives one
// minute while the stream lives on) and a per-instance fan-out that still has to notice writes made by
// other instances and by background jobs, i.e. poll the database anyway. Instead every open page asks
// GET /api/pricing/live (authenticated like every API route, scoped to the shop) for one cheap
// fingerprint of the shop's pricing lists, and reloads its lists only when the fingerprint moved:
// every few seconds, sooner while a push is in flight, never while the tab is hidden (and at once when it
// shows again). A page holds its reload while the merchant is in the middle of something (a price being
// edited, a decision being sent, a confirmation open) and reloads when they are done; selections are kept
// by id by the page, so a reload never loses them.
import { useEffect, useRef } from 'react';
import { apiFetch } from '../platforms/api-client';

const IDLE_MS = 4000;
const PUSHING_MS = 1500;

interface Subscriber {
  /** The fingerprint this subscriber's data matches; undefined until the first answer. */
  seen: string | undefined;
  held: () => boolean;
  reload: () => void;
}

const subscribers = new Set<Subscriber>();
let latest: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight = false;

function hidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

/** Tell each subscriber whose data is older than the latest fingerprint, unless it holds its reload. */
function deliver(): void {
  if (latest === undefined) return;
  for (const s of subscribers) {
    if (s.seen === undefined) s.seen = latest;
    else if (s.seen !== latest && !s.held()) {
      s.seen = latest;
      s.reload();
    }
  }
}

async function poll(): Promise<void> {
  timer = undefined;
  if (subscribers.size === 0 || hidden() || inFlight) return;
  inFlight = true;
  let next = IDLE_MS;
  try {
    const live = await apiFetch<{ version: string; pushing: number }>('/api/pricing/live');
    latest = live.version;
    if (live.pushing > 0) next = PUSHING_MS;
    deliver();
  } catch {
    // a failed look (the network, an expired token App Bridge renews) is tried again at the next tick
  } finally {
    inFlight = false;
  }
  schedule(next);
}

function schedule(ms: number): void {
  if (timer !== undefined || subscribers.size === 0 || hidden()) return;
  timer = setTimeout(() => void poll(), ms);
}

function onVisibility(): void {
  if (hidden()) {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  } else if (timer === undefined) void poll();
}

/**
 * Reload this page's data (`reload`) whenever the shop's pricing lists change on the server. `hold`
 * returns true while a reload would get in the merchant's way; the reload then waits until it is false.
 */
export function useLiveRefresh(reload: () => unknown, options: { hold?: boolean } = {}): void {
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  const holdRef = useRef(options.hold ?? false);
  holdRef.current = options.hold ?? false;

  useEffect(() => {
    const s: Subscriber = { seen: undefined, held: () => holdRef.current, reload: () => void reloadRef.current() };
    subscribers.add(s);
    if (subscribers.size === 1) document.addEventListener('visibilitychange', onVisibility);
    if (timer === undefined && !inFlight) void poll();
    return () => {
      subscribers.delete(s);
      if (subscribers.size === 0) {
        document.removeEventListener('visibilitychange', onVisibility);
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        latest = undefined;
      }
    };
  }, []);

  // The merchant is done (an edit saved or dropped, a decision answered): catch up on what was held.
  useEffect(() => {
    if (!options.hold) deliver();
  }, [options.hold]);
}
