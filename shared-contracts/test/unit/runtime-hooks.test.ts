// Runtime hooks: what a launcher installs for the whole process, and the CSP frame-ancestors extension.
import { afterEach, describe, expect, it } from 'vitest';
import { extendFrameAncestors, installRuntimeHooks, runtimeHooks, uninstallRuntimeHooks } from '../../src/runtime-hooks';

afterEach(() => uninstallRuntimeHooks());

describe('runtime hooks', () => {
  it('are none until installed, then the installed ones process-wide, and none again once removed', () => {
    expect(runtimeHooks()).toEqual({});
    installRuntimeHooks({ frameAncestors: ['http://127.0.0.1:4010'] });
    expect(runtimeHooks().frameAncestors).toEqual(['http://127.0.0.1:4010']);
    // Another copy of this module (Vite's, the build's) sees the same: they live on globalThis under a registered symbol.
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('calibr.runtimeHooks')]).toEqual({ frameAncestors: ['http://127.0.0.1:4010'] });
    uninstallRuntimeHooks();
    expect(runtimeHooks()).toEqual({});
  });

  it('extend frame-ancestors with each missing origin once, and leave other directives and policies without it alone', () => {
    const csp = 'frame-ancestors https://shop-a.myshopify.com https://admin.shopify.com; script-src https:';
    expect(extendFrameAncestors(csp, ['http://127.0.0.1:4010', 'https://admin.shopify.com', 'http://127.0.0.1:4010'])).toBe(
      'frame-ancestors https://shop-a.myshopify.com https://admin.shopify.com http://127.0.0.1:4010; script-src https:',
    );
    expect(extendFrameAncestors('frame-ancestors https://admin.shopify.com;', ['http://localhost:4010'])).toBe('frame-ancestors https://admin.shopify.com http://localhost:4010;');
    expect(extendFrameAncestors(csp, [])).toBe(csp);
    expect(extendFrameAncestors(csp)).toBe(csp);
    expect(extendFrameAncestors("default-src 'self'", ['http://127.0.0.1:4010'])).toBe("default-src 'self'");
  });
});
