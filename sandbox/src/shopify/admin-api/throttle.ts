// The leaky bucket per shop and app: it holds the plan's maximumAvailable points and restores restoreRate
// points per second (times the sandbox's time scale). A query is refused (THROTTLED) when its requested cost
// exceeds what is available; after it runs, the difference between requested and actual cost is refunded.
import { PLANS, type PlanName } from '../plans';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket {
  available: number;
  updatedAt: number;
}

const forced = new WeakSet<object>();

/** Mark a request as throttled by fault injection (the handler then answers THROTTLED whatever the bucket holds). */
export function forceThrottle(req: object): void {
  forced.add(req);
}

export function isForcedThrottle(req: object): boolean {
  return forced.has(req);
}

export class ThrottleBuckets {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly timeScale: () => number) {}

  private bucket(shop: string, apiKey: string, plan: PlanName): { b: Bucket; max: number; rate: number } {
    const { maximumAvailable, restoreRate } = PLANS[plan];
    const rate = restoreRate * this.timeScale();
    const key = `${shop}|${apiKey}`;
    const now = Date.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { available: maximumAvailable, updatedAt: now };
      this.buckets.set(key, b);
    }
    b.available = Math.min(maximumAvailable, b.available + ((now - b.updatedAt) / 1000) * rate);
    b.updatedAt = now;
    return { b, max: maximumAvailable, rate };
  }

  status(shop: string, apiKey: string, plan: PlanName): ThrottleStatus {
    const { b, max, rate } = this.bucket(shop, apiKey, plan);
    return { maximumAvailable: max, currentlyAvailable: Math.floor(b.available), restoreRate: rate };
  }

  /** Take `cost` points if available; false (nothing taken) when the bucket holds less. */
  take(shop: string, apiKey: string, plan: PlanName, cost: number): boolean {
    const { b } = this.bucket(shop, apiKey, plan);
    if (cost > b.available) return false;
    b.available -= cost;
    return true;
  }

  refund(shop: string, apiKey: string, plan: PlanName, points: number): void {
    const { b, max } = this.bucket(shop, apiKey, plan);
    b.available = Math.min(max, b.available + Math.max(0, points));
  }

  /** Forced throttling (fault injection): empty the bucket. */
  drain(shop: string, apiKey?: string): void {
    const now = Date.now();
    for (const [key, b] of this.buckets) {
      const [s, k] = key.split('|');
      if (s === shop && (!apiKey || k === apiKey)) {
        b.available = 0;
        b.updatedAt = now;
      }
    }
    if (apiKey && !this.buckets.has(`${shop}|${apiKey}`)) this.buckets.set(`${shop}|${apiKey}`, { available: 0, updatedAt: now });
  }

  clear(): void {
    this.buckets.clear();
  }
}
