import { describe, expect, it } from 'vitest';
import { AccessTokenCache } from '../src/lwa/access-token-cache';

describe('access token cache', () => {
  it('refreshes once for many concurrent callers and reuses the token until shortly before expiry', async () => {
    let t = 0;
    const cache = new AccessTokenCache({ refreshMarginMs: 60_000, clock: { now: () => t } });
    let calls = 0;
    const refresh = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return { accessToken: `token-${calls}`, expiresAt: t + 3_600_000 };
    };
    const tokens = await Promise.all(Array.from({ length: 50 }, () => cache.get('k', refresh)));
    expect(calls).toBe(1);
    expect(new Set(tokens.map((x) => x.accessToken))).toEqual(new Set(['token-1']));
    t = 3_600_000 - 61_000;
    expect((await cache.get('k', refresh)).accessToken).toBe('token-1');
    t = 3_600_000 - 59_000;
    expect((await cache.get('k', refresh)).accessToken).toBe('token-2');
  });

  it('a failed refresh is not cached, and invalidate drops only the refused token', async () => {
    const cache = new AccessTokenCache();
    await expect(cache.get('k', async () => Promise.reject(new Error('lwa down')))).rejects.toThrow('lwa down');
    const t1 = await cache.get('k', async () => ({ accessToken: 'a', expiresAt: Date.now() + 3_600_000 }));
    cache.invalidate('k', 'stale-other');
    expect((await cache.get('k', async () => ({ accessToken: 'b', expiresAt: Date.now() + 3_600_000 }))).accessToken).toBe(t1.accessToken);
    cache.invalidate('k', 'a');
    expect((await cache.get('k', async () => ({ accessToken: 'b', expiresAt: Date.now() + 3_600_000 }))).accessToken).toBe('b');
  });
});
