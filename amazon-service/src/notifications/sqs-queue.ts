// The SQS client for the notifications queue: @aws-sdk/client-sqs with its endpoint at AWS (the queue's
// region, from its ARN) or wherever AMAZON_SQS_ENDPOINT says (the sandbox's `/sqs` in sandbox mode), and
// credentials from the SDK's default provider chain (environment, shared files, the instance or task
// role) unless the process hands some in (tests: the sandbox checks that a signature is there, not what).
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

type AwsCredentialIdentity = Exclude<SQSClientConfig['credentials'], undefined>;

export interface QueueAddress {
  region: string;
  accountId: string;
  name: string;
  arn: string;
}

/** arn:aws:sqs:<region>:<account>:<name> */
export function parseQueueArn(arn: string): QueueAddress {
  const match = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([\w-]{1,80})$/.exec(arn);
  if (!match) throw new Error(`AMAZON_NOTIFICATIONS_QUEUE_ARN is not an SQS queue ARN: ${arn}`);
  return { region: match[1]!, accountId: match[2]!, name: match[3]!, arn };
}

/** The queue's URL: AWS's `https://sqs.<region>.amazonaws.com/<account>/<name>`, or the same path on the endpoint given. */
export function queueUrl(queue: QueueAddress, endpoint?: string): string {
  const base = (endpoint ?? `https://sqs.${queue.region}.amazonaws.com`).replace(/\/$/, '');
  return `${base}/${queue.accountId}/${queue.name}`;
}

export function createSqsClient(queue: QueueAddress, options: { endpoint?: string; credentials?: AwsCredentialIdentity } = {}): SQSClient {
  return new SQSClient({
    region: queue.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // One retry inside the SDK; the consumer's own backoff takes over after that (and reports the queue down).
    maxAttempts: 2,
  });
}
