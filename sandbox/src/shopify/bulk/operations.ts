// Bulk operations: bulkOperationRunQuery (a whole connection read into a JSONL result) and
// bulkOperationRunMutation (one mutation run per line of an uploaded JSONL of variables). Since API 2026-01 up
// to five of each type run at once per shop and app (one before 2026-01, by the version the call names); they
// progress CREATED -> RUNNING -> COMPLETED on timers (scaled by the sandbox's time scale) and fire
// bulk_operations/finish.
import { randomUUID } from 'node:crypto';
import type {
  GraphQLError} from 'graphql';
import {
  executeSync,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import type { AdminContext } from '../admin-api/context';
import { gid } from '../ids';
import type { ShopifyRuntime } from '../runtime';
import type { BulkOperationRecord, ShopRecord } from '../state';
import { activeInstallation, findShop, nextId } from '../state';
import { connectionFields, flattenBulkResult } from './flatten';
import { resultUrl } from './storage';

/** Mutations Shopify allows in bulkOperationRunMutation that this sandbox implements. */
export const BULK_MUTATIONS = new Set(['productVariantsBulkUpdate']);
const LINES_PER_TICK = 50;
/** Bulk operations of one type an app may run at once on a shop: five since API 2026-01, one before. */
export function concurrentBulkLimit(apiVersion: string): number {
  return apiVersion === 'unstable' || apiVersion >= '2026-01' ? 5 : 1;
}
const TICK_MS = 200;

export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

function splitDocument(doc: DocumentNode): { operations: OperationDefinitionNode[]; fragments: Record<string, FragmentDefinitionNode> } {
  const operations: OperationDefinitionNode[] = [];
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  }
  return { operations, fragments };
}

export class BulkOperations {
  private timers = new Map<number, NodeJS.Timeout>();
  private cursors = new Map<number, number>();
  private outputs = new Map<number, string[]>();
  /** Per shop: a real-time wait per step instead of the default (bulk operations that take a while, as Shopify's do). */
  private paces = new Map<string, number>();

  constructor(private readonly rt: () => ShopifyRuntime) {}

  private running(shop: string, apiKey: string, type: 'QUERY' | 'MUTATION'): BulkOperationRecord[] {
    return this.rt().state.bulkOperations.filter(
      (op) => op.shop === shop && op.apiKey === apiKey && op.type === type && ['CREATED', 'RUNNING', 'CANCELING'].includes(op.status),
    );
  }

  /** The refusal when the app already runs as many operations of this type as the API version allows. */
  private busy(ctx: AdminContext, type: 'QUERY' | 'MUTATION'): string | null {
    const running = this.running(ctx.shop.domain, ctx.app.apiKey, type);
    const limit = concurrentBulkLimit(ctx.apiVersion);
    if (running.length < limit) return null;
    const kind = type === 'QUERY' ? 'query' : 'mutation';
    const ids = running.map((op) => gid('BulkOperation', op.id)).join(', ');
    return limit === 1
      ? `A bulk ${kind} operation for this app and shop is already in progress: ${ids}.`
      : `${limit} bulk ${kind} operations for this app and shop are already in progress (at most ${limit} at a time): ${ids}.`;
  }

  /** Every operation of this app on this shop, oldest first (`bulkOperations` filters and sorts them). */
  list(shop: string, apiKey: string): BulkOperationRecord[] {
    return this.rt().state.bulkOperations.filter((op) => op.shop === shop && op.apiKey === apiKey);
  }

  current(shop: string, apiKey: string, type: 'QUERY' | 'MUTATION'): BulkOperationRecord | undefined {
    const ops = this.rt().state.bulkOperations.filter((op) => op.shop === shop && op.apiKey === apiKey && op.type === type);
    return ops[ops.length - 1];
  }

  byId(shop: string, apiKey: string, id: number): BulkOperationRecord | undefined {
    return this.rt().state.bulkOperations.find((op) => op.id === id && op.shop === shop && op.apiKey === apiKey);
  }

  private create(ctx: AdminContext, type: 'QUERY' | 'MUTATION', query: string, stagedUploadPath: string | null, clientIdentifier: string | null) {
    const op: BulkOperationRecord = {
      id: nextId(this.rt().state, 'bulkOperation', 3_400_000_000),
      shop: ctx.shop.domain,
      apiKey: ctx.app.apiKey,
      type,
      status: 'CREATED',
      errorCode: null,
      query,
      stagedUploadPath,
      clientIdentifier,
      createdAt: new Date().toISOString(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      resultKey: null,
      partialResultKey: null,
    };
    this.rt().state.bulkOperations.push(op);
    this.rt().markDirty();
    this.schedule(op);
    return op;
  }

  runQuery(ctx: AdminContext, query: string): { bulkOperation: BulkOperationRecord | null; userErrors: UserError[] } {
    const invalid = (message: string) => ({ bulkOperation: null, userErrors: [{ code: 'INVALID', field: ['query'], message }] });
    const busy = this.busy(ctx, 'QUERY');
    if (busy) return { bulkOperation: null, userErrors: [{ code: 'OPERATION_IN_PROGRESS', field: null, message: busy }] };
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (err) {
      return invalid(`Invalid bulk query: ${(err as Error).message}`);
    }
    const errors = validate(this.rt().schema, doc);
    if (errors.length) return invalid(`Invalid bulk query: ${errors.map((e) => e.message).join('; ')}`);
    const { operations, fragments } = splitDocument(doc);
    const operation = operations[0];
    if (operations.length !== 1 || !operation || operation.operation !== 'query') return invalid('Bulk queries must be a single query operation.');
    const conns = connectionFields(this.rt().schema, this.rt().schema.getQueryType()!, operation.selectionSet, fragments);
    if (!conns.length) return invalid('Bulk queries must contain at least one connection.');
    if (conns.length > 5) return invalid('Bulk queries cannot contain more than 5 connections.');
    if (conns.some((c) => c.depth > 1)) return invalid('Bulk queries cannot contain connections with a nesting depth greater than 2.');
    if (conns.some((c) => c.depth > 0 && !c.parentSelectsId)) return invalid("The parent 'node' field for a nested connection must select the 'id' field.");
    return { bulkOperation: this.create(ctx, 'QUERY', query, null, null), userErrors: [] };
  }

  runMutation(ctx: AdminContext, mutation: string, stagedUploadPath: string, clientIdentifier: string | null) {
    const fail = (code: string, message: string, field: string[] | null = null) => ({ bulkOperation: null, userErrors: [{ code, field, message }] });
    const busy = this.busy(ctx, 'MUTATION');
    if (busy) return fail('OPERATION_IN_PROGRESS', busy);
    let doc: DocumentNode;
    try {
      doc = parse(mutation);
    } catch (err) {
      return fail('INVALID_MUTATION', `Failed to parse the mutation - ${(err as Error).message}`, ['mutation']);
    }
    const { operations } = splitDocument(doc);
    const operation = operations[0];
    const roots = operation?.selectionSet.selections.filter((s) => s.kind === Kind.FIELD) ?? [];
    if (operations.length !== 1 || operation?.operation !== 'mutation' || roots.length !== 1) {
      return fail('INVALID_MUTATION', 'Invalid mutation: a bulk mutation must be exactly one mutation field.', ['mutation']);
    }
    const rootName = roots[0]!.kind === Kind.FIELD ? roots[0]!.name.value : '';
    if (!BULK_MUTATIONS.has(rootName)) return fail('INVALID_MUTATION', `Bulk mutations are not supported for ${rootName}.`, ['mutation']);
    const errors = validate(this.rt().schema, doc);
    if (errors.length) return fail('INVALID_MUTATION', `Invalid mutation: ${errors.map((e) => e.message).join('; ')}`, ['mutation']);
    const upload = this.rt().state.stagedUploads.find((u) => u.key === stagedUploadPath && u.shop === ctx.shop.domain && u.apiKey === ctx.app.apiKey);
    if (!upload || upload.content === null) {
      return fail('NO_SUCH_FILE', 'The JSONL file could not be found. Try uploading the file again, and check that you have entered the URL correctly for the stagedUploadPath mutation argument.', ['stagedUploadPath']);
    }
    return { bulkOperation: this.create(ctx, 'MUTATION', mutation, stagedUploadPath, clientIdentifier), userErrors: [] };
  }

  cancel(shop: string, apiKey: string, id: number) {
    const op = this.byId(shop, apiKey, id);
    if (!op) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
    if (!['CREATED', 'RUNNING'].includes(op.status)) {
      return { bulkOperation: op, userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
    }
    op.status = 'CANCELING';
    this.rt().markDirty();
    return { bulkOperation: op, userErrors: [] };
  }

  /** Each step of this shop's bulk operations (start, then every 50 lines) waits `ms` real time; null: the default. */
  setPace(shop: string, ms: number | null): void {
    if (ms === null) this.paces.delete(shop);
    else this.paces.set(shop, ms);
  }

  paceOf(shop: string): number | null {
    return this.paces.get(shop) ?? null;
  }

  /** Every shop back to the default pace (a sandbox reset). */
  clearPaces(): void {
    this.paces.clear();
  }

  /** Resume operations that were in flight when the state was saved. */
  resume(): void {
    for (const op of this.rt().state.bulkOperations) {
      if (['CREATED', 'RUNNING', 'CANCELING'].includes(op.status)) this.schedule(op);
    }
  }

  private schedule(op: BulkOperationRecord): void {
    const delay = this.paces.get(op.shop) ?? Math.max(1, TICK_MS / this.rt().ctx.timeScale);
    const timer = setTimeout(() => {
      this.timers.delete(op.id);
      try {
        if (this.tick(op)) this.schedule(op);
      } catch (err) {
        op.status = 'FAILED';
        op.errorCode = 'INTERNAL_SERVER_ERROR';
        op.completedAt = new Date().toISOString();
        this.rt().ctx.log({ platform: 'shopify', kind: 'event', host: op.shop, detail: { bulkOperation: op.id, error: String(err) } });
        this.finish(op);
      }
    }, delay);
    timer.unref();
    this.timers.set(op.id, timer);
  }

  private context(op: BulkOperationRecord, shop: ShopRecord, unbounded: boolean): AdminContext | null {
    const rt = this.rt();
    const app = rt.apps.get(op.apiKey);
    const inst = activeInstallation(rt.state, op.shop, op.apiKey);
    if (!app || !inst) return null;
    return { rt, shop, app, scopes: inst.scopes, apiVersion: app.webhooksApiVersion, unbounded, bulk: true };
  }

  /** One step of processing; true while there is more to do. */
  private tick(op: BulkOperationRecord): boolean {
    const rt = this.rt();
    const shop = findShop(rt.state, op.shop);
    if (op.status === 'CANCELING') {
      op.status = 'CANCELED';
      op.completedAt = new Date().toISOString();
      this.savePartial(op);
      this.finish(op);
      return false;
    }
    const ctx = shop && this.context(op, shop, op.type === 'QUERY');
    if (!ctx) {
      op.status = 'FAILED';
      op.errorCode = 'ACCESS_DENIED';
      op.completedAt = new Date().toISOString();
      this.finish(op);
      return false;
    }
    if (op.status === 'CREATED') {
      op.status = 'RUNNING';
      rt.markDirty();
      return true;
    }
    return op.type === 'QUERY' ? this.stepQuery(op, ctx) : this.stepMutation(op, ctx);
  }

  private stepQuery(op: BulkOperationRecord, ctx: AdminContext): boolean {
    const rt = this.rt();
    const doc = parse(op.query);
    const result = executeSync({ schema: rt.schema, document: doc, contextValue: ctx }) as { data?: Record<string, unknown> | null; errors?: readonly GraphQLError[] };
    if (result.errors?.length) {
      op.status = 'FAILED';
      op.errorCode = result.errors.some((e) => e.extensions?.code === 'ACCESS_DENIED') ? 'ACCESS_DENIED' : 'INTERNAL_SERVER_ERROR';
      op.completedAt = new Date().toISOString();
      this.finish(op);
      return false;
    }
    const { operations, fragments } = splitDocument(doc);
    const flat = flattenBulkResult(rt.schema, operations[0]!.selectionSet, fragments, result.data ?? {});
    this.complete(op, flat.lines, flat.rootObjectCount);
    return false;
  }

  private stepMutation(op: BulkOperationRecord, ctx: AdminContext): boolean {
    const rt = this.rt();
    const upload = rt.state.stagedUploads.find((u) => u.key === op.stagedUploadPath);
    const lines = Buffer.from(upload?.content ?? '', 'base64').toString('utf8').split('\n');
    const output = this.outputs.get(op.id) ?? [];
    let cursor = this.cursors.get(op.id) ?? 0;
    const doc = parse(op.query);
    const end = Math.min(lines.length, cursor + LINES_PER_TICK);
    for (; cursor < end; cursor++) {
      const line = lines[cursor]!.trim();
      if (!line) continue;
      let variables: Record<string, unknown>;
      try {
        variables = JSON.parse(line) as Record<string, unknown>;
      } catch {
        output.push(JSON.stringify({ errors: [{ message: `Invalid JSON on line ${cursor + 1}` }], __lineNumber: cursor }));
        continue;
      }
      const result = executeSync({ schema: rt.schema, document: doc, contextValue: ctx, variableValues: variables }) as {
        data?: unknown;
        errors?: readonly GraphQLError[];
      };
      output.push(JSON.stringify({ ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}), data: result.data ?? null, __lineNumber: cursor }));
      op.objectCount++;
      op.rootObjectCount++;
    }
    this.cursors.set(op.id, cursor);
    this.outputs.set(op.id, output);
    if (cursor < lines.length) return true;
    this.complete(op, output, op.rootObjectCount);
    return false;
  }

  private complete(op: BulkOperationRecord, lines: string[], rootObjectCount: number): void {
    const content = lines.length ? `${lines.join('\n')}\n` : '';
    op.status = 'COMPLETED';
    op.completedAt = new Date().toISOString();
    op.objectCount = op.type === 'QUERY' ? lines.length : op.objectCount;
    op.rootObjectCount = rootObjectCount;
    op.fileSize = Buffer.byteLength(content);
    if (lines.length) {
      op.resultKey = `bulk-operation-outputs/${randomUUID()}/bulk-${op.id}.jsonl`;
      this.rt().state.files[op.resultKey] = { contentType: 'application/jsonl', content, createdAt: op.completedAt };
    }
    this.cursors.delete(op.id);
    this.outputs.delete(op.id);
    this.finish(op);
  }

  private savePartial(op: BulkOperationRecord): void {
    const partial = this.outputs.get(op.id);
    if (partial?.length) {
      op.partialResultKey = `bulk-operation-outputs/${randomUUID()}/bulk-${op.id}-partial.jsonl`;
      this.rt().state.files[op.partialResultKey] = { contentType: 'application/jsonl', content: `${partial.join('\n')}\n`, createdAt: new Date().toISOString() };
    }
    this.cursors.delete(op.id);
    this.outputs.delete(op.id);
  }

  private finish(op: BulkOperationRecord): void {
    const rt = this.rt();
    rt.markDirty();
    rt.ctx.log({ platform: 'shopify', kind: 'event', host: op.shop, detail: { event: 'bulk_operations/finish', id: op.id, status: op.status, objectCount: op.objectCount } });
    const shop = findShop(rt.state, op.shop);
    if (shop) {
      rt.webhooks.trigger(shop, 'bulk_operations/finish', {
        admin_graphql_api_id: gid('BulkOperation', op.id),
        completed_at: op.completedAt,
        created_at: op.createdAt,
        error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
        status: op.status.toLowerCase(),
        type: op.type.toLowerCase(),
      }, { apiKeys: [op.apiKey] });
    }
  }

  urlOf(op: BulkOperationRecord): string | null {
    return op.resultKey ? resultUrl(op.resultKey) : null;
  }

  partialUrlOf(op: BulkOperationRecord): string | null {
    return op.partialResultKey ? resultUrl(op.partialResultKey) : null;
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
