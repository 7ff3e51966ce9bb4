// Where the Amazon service is and the secret app and service share (service-to-service signatures and
// the settings-page link). Read from the environment each time, so a test can point the app elsewhere.
import { parseSharedSecrets, PlatformUnavailableError } from '@calibr/shared-contracts';

/** The Amazon service's own default port (amazon-service/src/config.ts). */
const DEFAULT_AMAZON_SERVICE_URL = 'http://127.0.0.1:4020';

export interface AmazonServiceConfig {
  baseUrl: string;
  /** The first of SERVICE_SHARED_SECRET: the one that signs. */
  secret: string;
}

export function amazonServiceConfig(env: NodeJS.ProcessEnv = process.env): AmazonServiceConfig {
  const baseUrl = (env.AMAZON_SERVICE_URL || DEFAULT_AMAZON_SERVICE_URL).replace(/\/+$/, '');
  let secret: string;
  try {
    secret = parseSharedSecrets(env.SERVICE_SHARED_SECRET)[0] as string;
  } catch (error) {
    // Amazon is listed but unusable until configured; everything else keeps working.
    throw new PlatformUnavailableError('The Amazon service is not configured for this app', {
      platform: 'amazon',
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  return { baseUrl, secret };
}

/** Milliseconds a remote connector call may take before the platform counts as unavailable. */
export function remoteCallTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.REMOTE_CONNECTOR_TIMEOUT_MS ?? 30_000);
  return Number.isFinite(value) && value > 0 ? value : 30_000;
}
