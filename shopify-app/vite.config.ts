import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

// The Remix app served by Vite. `remix vite:build` builds it; server/start-app.ts serves it in development
// (npm start, npm run dev, the tests) and starts its background work, which `remix vite:dev` alone would not.
export default defineConfig(({ command, isSsrBuild }) => ({
  root: import.meta.dirname,
  // Several dev servers on one checkout (parallel test files) each rewrite the optimized dependencies in
  // the shared cache; a page hydrating while another server rewrites them can load two copies of React
  // Router. VITE_CACHE_DIR gives a server its own (relative to this folder).
  ...(process.env.VITE_CACHE_DIR ? { cacheDir: process.env.VITE_CACHE_DIR } : {}),
  server: {
    host: '127.0.0.1',
    port: Number(process.env.PORT || 3000),
    // The app is opened through the sandbox's Admin shell or a Shopify CLI tunnel, whose host varies.
    allowedHosts: true,
    hmr: process.env.VITE_HMR === '0' ? false : undefined,
    fs: { allow: ['..'] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ['**/.*', '**/*.test.*'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: false,
      },
    }),
  ],
  build: {
    assetsInlineLimit: 0,
    // The built server imports the workspaces (TypeScript) at run time through tsx: @calibr/db finds its
    // generated Prisma clients next to its own source, so it must not be bundled.
    rollupOptions: isSsrBuild ? { external: [/^@calibr\//] } : {},
  },
  // Every browser dependency pre-bundled up front, and no discovery: Vite's crawler also follows loaders'
  // server-only imports, finds them late, re-optimizes and reloads the page mid-hydration.
  optimizeDeps: {
    noDiscovery: true,
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      '@remix-run/react',
      '@shopify/polaris',
      '@shopify/app-bridge-react',
      '@shopify/shopify-app-remix/react',
      // app.tsx's ErrorBoundary uses the library's boundary helper in the browser too.
      '@shopify/shopify-app-remix/server',
    ],
  },
  // In development Vite transforms the workspaces' TypeScript itself.
  ssr: command === 'build' ? {} : { noExternal: [/^@calibr\//] },
}));
