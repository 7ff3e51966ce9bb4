// The SQS wire protocol as `@aws-sdk/client-sqs` v3 speaks it: AWS JSON 1.0 (POST to the endpoint's path with
// `X-Amz-Target: AmazonSQS.<Operation>`, `Content-Type: application/x-amz-json-1.0`), errors as
// `{"__type":"com.amazonaws.sqs#<Shape>","message":…}` plus the `x-amzn-query-error: <Code>;<Sender|Receiver>`
// header the SDK's query-compatible mode reads. Served on the sandbox's own host under /sqs; the SDK is given
// `endpoint: <sandbox url>/sqs`. The signature is checked for presence (an AWS4-HMAC-SHA256 Authorization
// header), not verified: the sandbox holds no AWS secret keys.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, newRequestId, readBody, send } from '../http';
import { SqsError, invalidParameter, type SqsService } from './queues';

export const SQS_PATH_PREFIX = '/sqs';

const JSON_TYPE = 'application/x-amz-json-1.0';

function sendSqs(res: ServerResponse, status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'Content-Type': JSON_TYPE, 'x-amzn-RequestId': requestId, ...extra });
}

function sendError(res: ServerResponse, e: SqsError, requestId: string): void {
  sendSqs(res, e.status, { __type: `com.amazonaws.sqs#${e.type}`, message: e.message }, requestId, {
    'x-amzn-query-error': `${e.queryCode};${e.fault}`,
  });
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function intIn(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidParameter(`Value ${String(v)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}.`);
  }
  return v;
}

export interface SqsHttpDeps {
  sqs: SqsService;
  /** The URL clients reach the sandbox at (queue URLs are built on it). */
  baseUrl: () => string;
}

export function isSqsPath(path: string): boolean {
  return path === SQS_PATH_PREFIX || path.startsWith(`${SQS_PATH_PREFIX}/`);
}

export async function handleSqs(req: IncomingMessage, res: ServerResponse, deps: SqsHttpDeps): Promise<void> {
  const requestId = newRequestId();
  const { sqs } = deps;
  const fault = sqs.faults.unreachable;
  if (fault === 'reset') {
    req.socket.destroy();
    return;
  }
  if (sqs.faults.slowMs && sqs.faults.slowMs > 0) await new Promise((r) => setTimeout(r, sqs.faults.slowMs));
  if (fault === '503') {
    sendError(res, new SqsError('ServiceUnavailable', 'ServiceUnavailable', 'Service is unavailable. Try again later.', 503, 'Receiver'), requestId);
    return;
  }
  try {
    if (req.method !== 'POST') throw new SqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'SQS answers POST requests only.');
    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('AWS4-HMAC-SHA256 ') || !/Credential=[^/\s]+\//.test(auth) || !/Signature=[0-9a-f]{64}/.test(auth)) {
      throw new SqsError('MissingAuthenticationToken', 'MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    }
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : undefined;
    if (!operation) throw new SqsError('InvalidAction', 'InvalidAction', 'The action or operation requested is invalid. Verify that the action is typed correctly.');
    let raw: Buffer;
    try {
      raw = await readBody(req, 1024 * 1024);
    } catch (e) {
      if (e instanceof BodyTooLargeError) throw invalidParameter('The request is too large.');
      throw e;
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8') || '{}');
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      throw new SqsError('SerializationException', 'SerializationException', 'The request body is not valid JSON.');
    }
    const output = await dispatch(operation, input, res, deps);
    sendSqs(res, 200, output, requestId);
  } catch (e) {
    if (!(e instanceof SqsError)) throw e;
    sendError(res, e, requestId);
  }
}

async function dispatch(operation: string, input: Record<string, unknown>, res: ServerResponse, deps: SqsHttpDeps): Promise<unknown> {
  const { sqs } = deps;
  switch (operation) {
    case 'CreateQueue': {
      const queue = sqs.createQueue(input.QueueName, (input.Attributes ?? {}) as Record<string, string>);
      return { QueueUrl: sqs.queueUrl(deps.baseUrl(), queue.name) };
    }
    case 'GetQueueUrl': {
      const queue = sqs.queues.get(str(input.QueueName) ?? '');
      if (!queue) throw new SqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
      return { QueueUrl: sqs.queueUrl(deps.baseUrl(), queue.name) };
    }
    case 'GetQueueAttributes': {
      const queue = sqs.byUrl(input.QueueUrl);
      const names = Array.isArray(input.AttributeNames) ? input.AttributeNames.map(String) : [];
      return { Attributes: sqs.attributesOf(queue, names) };
    }
    case 'SetQueueAttributes': {
      sqs.setAttributes(sqs.byUrl(input.QueueUrl), (input.Attributes ?? {}) as Record<string, string>);
      return {};
    }
    case 'PurgeQueue':
      sqs.purge(sqs.byUrl(input.QueueUrl));
      return {};
    case 'SendMessage': {
      const queue = sqs.byUrl(input.QueueUrl);
      const body = str(input.MessageBody);
      if (!body) throw new SqsError('MissingParameter', 'MissingParameter', 'The request must contain the parameter MessageBody.');
      return sqs.send(queue, body, { delaySeconds: intIn(input.DelaySeconds, 'DelaySeconds', 0, 900) });
    }
    case 'ReceiveMessage': {
      const queue = sqs.byUrl(input.QueueUrl);
      const max = intIn(input.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10) ?? 1;
      const waitSeconds = intIn(input.WaitTimeSeconds, 'WaitTimeSeconds', 0, 20);
      const visibilityTimeout = intIn(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43_200);
      const names = [
        ...(Array.isArray(input.AttributeNames) ? input.AttributeNames : []),
        ...(Array.isArray(input.MessageSystemAttributeNames) ? input.MessageSystemAttributeNames : []),
      ].map(String);
      // A client that hangs up ends its long poll: nothing is taken for it afterwards.
      let gone = false;
      res.once('close', () => (gone = true));
      const messages = await sqs.receive(queue, { max, waitSeconds, visibilityTimeout, attributeNames: names }, () => gone);
      return messages.length ? { Messages: messages } : {};
    }
    case 'DeleteMessage':
      sqs.delete(sqs.byUrl(input.QueueUrl), input.ReceiptHandle);
      return {};
    case 'DeleteMessageBatch': {
      const queue = sqs.byUrl(input.QueueUrl);
      const entries = batchEntries(input.Entries);
      const Successful: { Id: string }[] = [];
      const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
      for (const entry of entries) {
        try {
          sqs.delete(queue, entry.ReceiptHandle);
          Successful.push({ Id: entry.Id });
        } catch (e) {
          if (!(e instanceof SqsError)) throw e;
          Failed.push({ Id: entry.Id, SenderFault: true, Code: e.queryCode, Message: e.message });
        }
      }
      return { Successful, Failed };
    }
    case 'ChangeMessageVisibility':
      sqs.changeVisibility(sqs.byUrl(input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
      return {};
    case 'ChangeMessageVisibilityBatch': {
      const queue = sqs.byUrl(input.QueueUrl);
      const Successful: { Id: string }[] = [];
      const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
      for (const entry of batchEntries(input.Entries)) {
        try {
          sqs.changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout);
          Successful.push({ Id: entry.Id });
        } catch (e) {
          if (!(e instanceof SqsError)) throw e;
          Failed.push({ Id: entry.Id, SenderFault: true, Code: e.queryCode, Message: e.message });
        }
      }
      return { Successful, Failed };
    }
    default:
      throw new SqsError('InvalidAction', 'InvalidAction', `The sandbox does not play SQS's ${operation}.`);
  }
}

function batchEntries(raw: unknown): { Id: string; ReceiptHandle: unknown; VisibilityTimeout?: unknown }[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new SqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one entry in the request.');
  if (raw.length > 10) throw new SqsError('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10.');
  const entries = raw as { Id: string; ReceiptHandle: unknown; VisibilityTimeout?: unknown }[];
  const ids = new Set(entries.map((e) => e.Id));
  if (ids.size !== entries.length) throw new SqsError('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  return entries;
}
