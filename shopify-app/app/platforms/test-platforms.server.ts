// Test platforms: the conformance kit's reference connector (in memory), registered like any third
// platform when CALIBR_TEST_PLATFORMS lists it. It proves that adding a platform is one registration:
// the dashboard and the /api/platforms routes show it with no code of their own.
//
//   CALIBR_TEST_PLATFORMS=reference   (comma-separated; ignored when NODE_ENV=production)
import type { AppPlatformRegistration } from './platform-registration';
import { logger } from '../lib/logger.server';

const KNOWN = ['reference'] as const;

export function testPlatformIds(env: NodeJS.ProcessEnv = process.env): string[] {
  const wanted = (env.CALIBR_TEST_PLATFORMS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (wanted.length === 0) return [];
  if (env.NODE_ENV === 'production') {
    logger.warn('CALIBR_TEST_PLATFORMS is ignored in production');
    return [];
  }
  for (const id of wanted) {
    if (!(KNOWN as readonly string[]).includes(id)) throw new Error(`CALIBR_TEST_PLATFORMS: unknown test platform "${id}" (known: ${KNOWN.join(', ')})`);
  }
  return [...new Set(wanted)];
}

export async function testPlatformRegistrations(env: NodeJS.ProcessEnv = process.env): Promise<AppPlatformRegistration[]> {
  const ids = testPlatformIds(env);
  if (ids.length === 0) return [];
  // Loaded only when asked for: test code stays out of a normal server.
  const { ReferenceConnector } = await import('@calibr/shared-contracts/reference');
  const probe = new ReferenceConnector({ platform: 'reference' });
  return [
    {
      descriptor: {
        platform: 'reference',
        displayName: 'Reference (test platform)',
        description: 'The conformance kit’s in-memory reference connector, registered as a third platform for tests.',
        capabilities: probe.capabilities,
      },
      // One in-memory connector per tenant (the registry caches it): its catalog lives as long as the app.
      factory: ({ tenantId, events }) => new ReferenceConnector({ platform: 'reference', tenantId, events }),
      connection: {
        kind: 'credentials',
        fields: [
          { name: 'accountId', label: 'Account ID', role: 'accountId' },
          { name: 'apiKey', label: 'API key', role: 'secret', sensitive: true, helpText: 'The reference connector accepts "reference-api-key".' },
        ],
      },
      testPlatform: true,
    },
  ];
}
