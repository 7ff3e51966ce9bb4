// stagedUploadsCreate, bulkOperationRunQuery/RunMutation/Cancel, currentBulkOperation, bulkOperation(id),
// bulkOperations (2026-01: a connection with Shopify's search syntax), BulkOperation.
import { GraphQLError } from 'graphql';
import { createStagedTarget } from '../../bulk/storage';
import { gid, parseGid } from '../../ids';
import type { BulkOperationRecord } from '../../state';
import { paginate, type ConnectionArgs } from '../connection';
import type { AdminContext } from '../context';
import { compileSearch, type SearchFields } from '../search-query';
import type { ResolverMap } from './types';
import { tagged } from './types';

// bulkOperations' filters as shopify.dev lists them: created_at, id, operation_type, status.
const BULK_SEARCH: SearchFields<BulkOperationRecord> = {
  fields: {
    created_at: (op) => op.createdAt,
    id: (op) => String(op.id),
    operation_type: (op) => op.type.toLowerCase(),
    status: (op) => op.status.toLowerCase(),
  },
  dateFields: ['created_at'],
  numberFields: ['id'],
  defaults: [],
};

/** Newest first by default ("Defaults to sorting by created_at, with newest operations first"). */
function queryBulkOperations(ctx: AdminContext, args: ConnectionArgs & { query?: string | null; sortKey?: 'CREATED_AT' | 'COMPLETED_AT' }) {
  const match = compileSearch(args.query, BULK_SEARCH);
  const items = ctx.rt.bulk.list(ctx.shop.domain, ctx.app.apiKey).filter(match).map((op) => tagged('BulkOperation', op));
  const at = (op: BulkOperationRecord) => Date.parse((args.sortKey === 'COMPLETED_AT' ? op.completedAt : op.createdAt) ?? '') || 0;
  // paginate sorts ascending by (value, id): negated, the newest (and highest id) come first.
  return paginate(items, args, (op) => ({ id: -op.id, value: -at(op) }));
}

interface StagedInput {
  resource: string;
  filename: string;
  mimeType: string;
  httpMethod?: 'POST' | 'PUT';
  fileSize?: string | null;
}

const tagOp = (op: BulkOperationRecord | null | undefined) => (op ? tagged('BulkOperation', op) : null);

export const bulkResolvers: ResolverMap = {
  QueryRoot: {
    currentBulkOperation: (_r, args: { type?: 'QUERY' | 'MUTATION' }, ctx) =>
      tagOp(ctx.rt.bulk.current(ctx.shop.domain, ctx.app.apiKey, args.type ?? 'QUERY')),
    bulkOperation: (_r, args: { id: string }, ctx) => {
      const ref = parseGid(args.id, 'BulkOperation');
      return ref ? tagOp(ctx.rt.bulk.byId(ctx.shop.domain, ctx.app.apiKey, ref.id)) : null;
    },
    bulkOperations: (_r, args: ConnectionArgs & { query?: string | null; sortKey?: 'CREATED_AT' | 'COMPLETED_AT' }, ctx) => queryBulkOperations(ctx, args),
  },
  Mutation: {
    stagedUploadsCreate: (_r, args: { input: StagedInput[] }, ctx) => {
      if (args.input.length > 250) {
        throw new GraphQLError(`The input array size of ${args.input.length} is greater than the maximum allowed of 250.`, { extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } });
      }
      const userErrors: Array<{ field: string[]; message: string }> = [];
      args.input.forEach((input, i) => {
        if (!input.filename.trim()) userErrors.push({ field: ['input', String(i), 'filename'], message: "Filename can't be blank" });
        if (input.resource === 'BULK_MUTATION_VARIABLES' && !/jsonl/.test(input.mimeType)) {
          userErrors.push({ field: ['input', String(i), 'mimeType'], message: 'Bulk mutation variables must be uploaded as text/jsonl' });
        }
      });
      if (userErrors.length) return { stagedTargets: null, userErrors };
      const stagedTargets = args.input.map((input) =>
        createStagedTarget(ctx.rt, ctx.shop, ctx.app.apiKey, {
          resource: input.resource,
          filename: input.filename,
          mimeType: input.mimeType,
          httpMethod: input.httpMethod ?? 'PUT',
        }),
      );
      return { stagedTargets, userErrors: [] };
    },
    bulkOperationRunQuery: (_r, args: { query: string }, ctx) => {
      const out = ctx.rt.bulk.runQuery(ctx, args.query);
      return { ...out, bulkOperation: tagOp(out.bulkOperation) };
    },
    bulkOperationRunMutation: (_r, args: { mutation: string; stagedUploadPath: string; clientIdentifier?: string | null }, ctx) => {
      const out = ctx.rt.bulk.runMutation(ctx, args.mutation, args.stagedUploadPath, args.clientIdentifier ?? null);
      return { ...out, bulkOperation: tagOp(out.bulkOperation) };
    },
    bulkOperationCancel: (_r, args: { id: string }, ctx) => {
      const ref = parseGid(args.id, 'BulkOperation');
      if (!ref) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
      const out = ctx.rt.bulk.cancel(ctx.shop.domain, ctx.app.apiKey, ref.id);
      return { ...out, bulkOperation: tagOp(out.bulkOperation) };
    },
  },
  BulkOperation: {
    id: (op: BulkOperationRecord) => gid('BulkOperation', op.id),
    objectCount: (op: BulkOperationRecord) => String(op.objectCount),
    rootObjectCount: (op: BulkOperationRecord) => String(op.rootObjectCount),
    fileSize: (op: BulkOperationRecord) => (op.fileSize === null ? null : String(op.fileSize)),
    url: (op: BulkOperationRecord, _a: unknown, ctx: AdminContext) => ctx.rt.bulk.urlOf(op),
    partialDataUrl: (op: BulkOperationRecord, _a: unknown, ctx: AdminContext) => ctx.rt.bulk.partialUrlOf(op),
  },
};
