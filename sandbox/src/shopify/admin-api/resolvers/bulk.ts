// stagedUploadsCreate, bulkOperationRunQuery/RunMutation/Cancel, currentBulkOperation, BulkOperation.
import { GraphQLError } from 'graphql';
import { createStagedTarget } from '../../bulk/storage';
import { gid, parseGid } from '../../ids';
import type { BulkOperationRecord } from '../../state';
import type { AdminContext } from '../context';
import type { ResolverMap } from './types';
import { tagged } from './types';

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
