// Metadata, authentication and health.
import {
  AuthenticationError,
  PLATFORM_ID_PATTERN,
  ValidationError,
  authStatusSchema,
  connectorInfoSchema,
  platformHealthSchema,
} from '../..';
import { ConformanceFailure, ensure, ensureRejects, ensureShape } from '../assertions';
import type { ConformanceCheck } from './check';

export const connectionChecks: ConformanceCheck[] = [
  {
    id: 'metadata',
    title: 'declares platform id, name, semver version and valid capabilities',
    async run({ connector }) {
      ensure(PLATFORM_ID_PATTERN.test(connector.platform), `platform id ${connector.platform} is not [a-z][a-z0-9_-]`);
      ensureShape(
        connectorInfoSchema,
        { platform: connector.platform, name: connector.name, version: connector.version, capabilities: connector.capabilities },
        'connector metadata',
      );
      ensure(typeof connector.events?.on === 'function', 'connector.events must be an event source');
    },
  },
  {
    id: 'batch-sizes',
    title: 'declared batch sizes and modes are usable: preferredBatchSize within maxBatchSize; asynchronous updates readable with getUpdateResult',
    async run({ connector }) {
      const c = connector.capabilities;
      if (c.preferredBatchSize !== undefined) {
        ensure(c.preferredBatchSize >= 1 && c.preferredBatchSize <= c.maxBatchSize, `preferredBatchSize ${c.preferredBatchSize} is outside 1..maxBatchSize (${c.maxBatchSize})`);
      }
      if (c.priceUpdateMode !== 'synchronous') {
        ensure(typeof connector.pricing.getUpdateResult === 'function', `priceUpdateMode ${c.priceUpdateMode}: pending results settle later, so pricing.getUpdateResult is required`);
      }
      if (c.maxCompetitiveBatch !== undefined) ensure(c.competitivePricing, 'maxCompetitiveBatch is declared without competitivePricing');
    },
  },
  {
    id: 'auth',
    title: 'authenticate -> authenticated; disconnect -> not authenticated and calls refused; re-authenticate works',
    async run({ connector, fixtures }) {
      ensure((await connector.isAuthenticated()) === true, 'isAuthenticated() is false after authenticate()');
      const status = ensureShape(authStatusSchema, await connector.auth.status(), 'auth.status()');
      ensure(status.authenticated, 'auth.status().authenticated is false after authenticate()');
      await connector.disconnect();
      ensure((await connector.isAuthenticated()) === false, 'isAuthenticated() is still true after disconnect()');
      await ensureRejects(() => connector.products.get(fixtures.product.externalId), AuthenticationError, 'products.get after disconnect');
      await connector.authenticate(fixtures.credentials);
      ensure((await connector.isAuthenticated()) === true, 'isAuthenticated() is false after re-authenticating');
    },
  },
  {
    id: 'auth-invalid-credentials',
    title: 'rejects invalid credentials with AuthenticationError (or ValidationError for malformed ones)',
    async run(ctx) {
      const bad = ctx.fixtures.invalidCredentials;
      if (!bad) return ctx.skip('no invalidCredentials fixture');
      try {
        await ctx.connector.authenticate(bad);
      } catch (error) {
        if (error instanceof AuthenticationError || error instanceof ValidationError) return;
        throw new ConformanceFailure(`authenticate(invalid) threw ${(error as Error)?.name}, expected AuthenticationError`);
      }
      throw new ConformanceFailure('authenticate(invalid credentials) resolved');
    },
  },
  {
    id: 'health',
    title: 'healthCheck() reports a status and when it was checked',
    async run({ connector }) {
      ensureShape(platformHealthSchema, await connector.healthCheck(), 'healthCheck()');
    },
  },
];
