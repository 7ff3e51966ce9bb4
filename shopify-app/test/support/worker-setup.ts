// Runs in each test worker before its file (shopify-app/vitest.config.ts setupFiles). Test files run in
// parallel, each serving the app with its own Vite dev server; servers of one checkout sharing Vite's
// dependency cache rewrite it under each other, so each worker gets its own (a file may still choose one).
process.env.VITE_CACHE_DIR ??= `node_modules/.vite-worker-${process.env.VITEST_POOL_ID ?? '0'}`;
