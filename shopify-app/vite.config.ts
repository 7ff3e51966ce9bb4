import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

// The Remix app served by Vite. `remix vite:build` builds it; `remix vite:dev` (or server/start-app.ts) serves it.
export default defineConfig({
  root: import.meta.dirname,
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
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ['@shopify/app-bridge-react', '@shopify/polaris'] },
  ssr: {
    // Workspace packages ship TypeScript source: let Vite transform them.
    noExternal: [/^@calibr\//],
  },
});
