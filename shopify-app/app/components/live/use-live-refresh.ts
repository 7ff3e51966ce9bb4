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
import { createLivePoller, type LiveAnswer, type LivePoller, type LiveTopic } from './live-poller';

let poller: LivePoller | undefined;

/** The document's one poller (created in the browser, on first use). */
function documentPoller(): LivePoller {
  return (poller ??= createLivePoller({
    fetchVersion: () => apiFetch<LiveAnswer>('/api/pricing/live'),
    isHidden: () => document.visibilityState === 'hidden',
    onVisibilityChange: (listener) => {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
  }));
}

/**
 * Reload this page's data (`reload`) whenever the shop's pricing lists change on the server. `hold`
 * true while a reload would get in the merchant's way; the reload then waits until it is false. `topic`
 * `readings` follows competitors' prices being read instead (the home's and the listings' progress).
 * `since`: the topic's version read with the page's data (its loader), so nothing between then and the
 * first look is missed.
 */
export function useLiveRefresh(reload: () => unknown, options: { hold?: boolean; topic?: LiveTopic; since?: string } = {}): void {
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  const holdRef = useRef(options.hold ?? false);
  holdRef.current = options.hold ?? false;

  const sinceRef = useRef(options.since);
  sinceRef.current = options.since;

  const topic = options.topic ?? 'pricing';
  useEffect(() => documentPoller().subscribe({ topic, since: sinceRef.current, held: () => holdRef.current, reload: () => void reloadRef.current() }), [topic]);

  // The merchant is done (an edit left, a decision answered): catch up on what was held.
  useEffect(() => {
    if (!options.hold) documentPoller().deliver();
  }, [options.hold]);
}
