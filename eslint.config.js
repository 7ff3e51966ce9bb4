// ESLint flat config: typescript-eslint's recommended rules across every workspace, then the boundaries
// between the parts (lint/: the repository's own rules). Each boundary is one block naming its files; a later
// block setting the same rule replaces its options for the files both match, so a new boundary gets a rule of
// its own. lint/fixtures holds deliberate violations for the rules' own test (shopify-app/test/lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import calibr from './lint/plugin.js';
import rooms from './lint/platform-rooms.js';

/** What ships: every workspace's product source and the app's production server (tests, scripts, the sandbox and the benches are not). */
const PRODUCT_CODE = ['shopify-app/app/**', 'shopify-app/server/**', 'amazon-service/src/**', 'shared-contracts/src/**', 'prisma/src/**', 'jobs/src/**'];
/** Launchers for `npm start` and the tests: they install the sandbox, so they may import it. */
const LAUNCHERS = ['shopify-app/server/start-app.ts'];
/** The workspaces product code may import (by package name, through their exports); a new library is added here. */
const LIBRARIES = ['@calibr/shared-contracts', '@calibr/db', '@calibr/jobs'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/build/**',
      '**/dist/**',
      '**/.cache/**',
      'prisma/generated/**',
      'amazon-service/prisma/generated/**',
      '**/test-results/**',
      '**/artifacts/**',
      'lint/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  { plugins: { calibr } },

  // Boundary: product code never imports the sandbox, tests' code, or another workspace but a library's exports.
  {
    files: PRODUCT_CODE,
    ignores: LAUNCHERS,
    rules: { 'calibr/import-boundaries': ['error', { libraries: LIBRARIES }] },
  },
  ...rooms,
);
