// The mechanism behind useLiveRefresh (see use-live-refresh.ts for why it polls): one poll loop per
// document shared by every subscriber on the page, which asks for the shop's fingerprint and tells each
// subscriber whose data is older, unless it holds its reload for now. No loop while nobody listens or the
// tab is hidden; a look at once when the tab shows again. The browser's pieces (the request, visibility,
// timers) come in from outside, so the loop's rules are tested with a driven clock.

export const IDLE_MS = 4000;
export const PUSHING_MS = 1500;

/** What a page follows: the pricing lists (suggestions, changes, attempts) or competitors' readings. */
export type LiveTopic = 'pricing' | 'readings';

export interface LiveSubscriber {
  /** True while a reload would get in the merchant's way; the reload waits until the next deliver(). */
  held: () => boolean;
  reload: () => void;
  /** Default `pricing`. */
  topic?: LiveTopic;
  /**
   * The topic's version the page's data matches, when the page read it with its data (a loader): then a
   * change between that read and the first look still reloads. Without it the first look sets it.
   */
  since?: string;
}

export interface LiveAnswer {
  version: string;
  versions?: Partial<Record<LiveTopic, string>>;
  pushing: number;
}

export interface LivePollerEnv {
  fetchVersion: () => Promise<LiveAnswer>;
  isHidden: () => boolean;
  /** Listen to visibility changes; returns how to stop listening. */
  onVisibilityChange: (listener: () => void) => () => void;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export interface LivePoller {
  subscribe(subscriber: LiveSubscriber): () => void;
  /** Tell the subscribers that are behind and not holding (a subscriber stopped holding). */
  deliver(): void;
}

export function createLivePoller(env: LivePollerEnv): LivePoller {
  const setTimer = env.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
  const clearTimer = env.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  /** Each subscriber with the fingerprint its data matches (undefined until the first answer after it joined). */
  const seen = new Map<LiveSubscriber, string | undefined>();
  let latest: LiveAnswer | undefined;
  const versionFor = (s: LiveSubscriber, answer: LiveAnswer) => answer.versions?.[s.topic ?? 'pricing'] ?? answer.version;
  let timer: unknown;
  let inFlight = false;
  let stopListening: (() => void) | undefined;

  const deliver = () => {
    if (latest === undefined) return;
    for (const [s, version] of seen) {
      const now = versionFor(s, latest);
      if (version === undefined) seen.set(s, now);
      else if (version !== now && !s.held()) {
        seen.set(s, now);
        s.reload();
      }
    }
  };

  const schedule = (ms: number) => {
    if (timer !== undefined || seen.size === 0 || env.isHidden()) return;
    timer = setTimer(() => void poll(), ms);
  };

  const poll = async () => {
    timer = undefined;
    if (seen.size === 0 || env.isHidden() || inFlight) return;
    inFlight = true;
    let next = IDLE_MS;
    try {
      const live = await env.fetchVersion();
      latest = live;
      if (live.pushing > 0) next = PUSHING_MS;
      deliver();
    } catch {
      // a failed look (the network, an expired token App Bridge renews) is tried again at the next tick
    } finally {
      inFlight = false;
    }
    schedule(next);
  };

  const stopTimer = () => {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
  };

  const onVisibility = () => {
    if (env.isHidden()) stopTimer();
    else if (timer === undefined) void poll();
  };

  return {
    subscribe(subscriber) {
      seen.set(subscriber, subscriber.since);
      if (seen.size === 1) stopListening = env.onVisibilityChange(onVisibility);
      if (timer === undefined && !inFlight) void poll();
      return () => {
        seen.delete(subscriber);
        if (seen.size > 0) return;
        stopListening?.();
        stopListening = undefined;
        stopTimer();
        latest = undefined;
      };
    },
    deliver,
  };
}
