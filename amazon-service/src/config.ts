// The service's settings, read once from the environment.
import { parseSharedSecrets } from '@calibr/shared-contracts';
import { isRegion, type Region } from './sp-api/regions';

export interface AmazonServiceConfig {
  port: number;
  /** Public base URL of this service (Amazon redirects the seller's browser back here). */
  publicUrl: string;
  /** SERVICE_SHARED_SECRET (comma-separated for rotation: the first signs, all verify): service requests and settings links. */
  sharedSecret: string;
  /** The app's own LWA client (website authorization workflow); self-authorized sellers bring theirs. */
  lwaClientId: string | undefined;
  lwaClientSecret: string | undefined;
  /** The next client secret while a rotation rolls out (both are valid at Amazon meanwhile). */
  lwaClientSecretNext: string | undefined;
  /** A file of client secrets, one per line, re-read when it changes: a rotation without a restart. */
  lwaClientSecretFile: string | undefined;
  /** The SP-API application id (amzn1.sp.solution.…) shown on Seller Central's consent page. */
  applicationId: string | undefined;
  /** Draft apps are authorized with `version=beta` on the consent URL. */
  draftApp: boolean;
  defaultRegion: Region;
  databaseUrl: string | undefined;
  logLevel: string;
  /**
   * The SQS queue Amazon delivers notifications to (AMAZON_NOTIFICATIONS_QUEUE_ARN, e.g.
   * arn:aws:sqs:us-east-1:123456789012:calibr-notifications); none: notifications are off (nothing subscribed).
   */
  notificationsQueueArn: string | undefined;
  /** Where the SQS client sends its calls (AMAZON_SQS_ENDPOINT): the sandbox's `/sqs` in sandbox mode; default AWS's regional endpoint. */
  sqsEndpoint: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AmazonServiceConfig> = {}): AmazonServiceConfig {
  const port = Number(env.AMAZON_SERVICE_PORT ?? 4020);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`AMAZON_SERVICE_PORT is not a port: ${env.AMAZON_SERVICE_PORT}`);
  const sharedSecret = overrides.sharedSecret ?? env.SERVICE_SHARED_SECRET ?? '';
  // Never run open: the same check as the connector contract's (set, and at least 32 characters).
  parseSharedSecrets(sharedSecret);
  const region = env.AMAZON_DEFAULT_REGION ?? 'na';
  if (!isRegion(region)) throw new Error(`AMAZON_DEFAULT_REGION must be na, eu or fe, not ${region}`);
  const config: AmazonServiceConfig = {
    port,
    publicUrl: (env.AMAZON_SERVICE_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    sharedSecret,
    lwaClientId: env.AMAZON_LWA_CLIENT_ID || undefined,
    lwaClientSecret: env.AMAZON_LWA_CLIENT_SECRET || undefined,
    lwaClientSecretNext: env.AMAZON_LWA_CLIENT_SECRET_NEXT || undefined,
    lwaClientSecretFile: env.AMAZON_LWA_CLIENT_SECRET_FILE || undefined,
    applicationId: env.AMAZON_SP_APP_ID || undefined,
    draftApp: env.AMAZON_SP_APP_DRAFT === 'true',
    defaultRegion: region,
    // The service's own database; the embedded default shares the app's (tables named apart).
    databaseUrl: env.AMAZON_DATABASE_URL || env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    notificationsQueueArn: env.AMAZON_NOTIFICATIONS_QUEUE_ARN || undefined,
    sqsEndpoint: env.AMAZON_SQS_ENDPOINT || undefined,
  };
  return { ...config, ...overrides };
}

/** The secret this service signs with (the first of SERVICE_SHARED_SECRET). */
export function signingSecret(config: AmazonServiceConfig): string {
  return parseSharedSecrets(config.sharedSecret)[0]!;
}
