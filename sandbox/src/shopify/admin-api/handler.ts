// POST /admin/api/{version}/graphql.json on {shop}.myshopify.com: authenticate the access token, parse and
// validate the document (Shopify's error shapes), price it, take the cost from the leaky bucket (THROTTLED
// when short), execute, refund the unused points, and answer with extensions.cost.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { readBody, sendJson } from '../../core/http';
import type { AppConfig } from '../app-config';
import { SHOPIFY_PLAYED_API_VERSION } from '../api-version';
import type { ShopifyRuntime } from '../runtime';
import type { ShopRecord } from '../state';
import type { AdminContext } from './context';
import { isForcedThrottle } from './throttle';
import { actualQueryCost, MAX_QUERY_COST, requestedQueryCost } from './cost';
import { fieldPaths, translateSyntaxError, translateValidationError, translateVariableError, type ShopifyGraphQLError } from './errors';

const RATE_LIMIT_DOCS = 'https://shopify.dev/api/usage/rate-limits';

export interface AdminCaller {
  app: AppConfig;
  scopes: string[];
}

interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

async function readGraphQLBody(req: IncomingMessage): Promise<GraphQLRequestBody | null> {
  const raw = (await readBody(req)).toString('utf8');
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/graphql')) return { query: raw };
  try {
    const body = JSON.parse(raw) as unknown;
    return body && typeof body === 'object' ? (body as GraphQLRequestBody) : null;
  } catch {
    return null;
  }
}

export async function handleAdminGraphql(
  rt: ShopifyRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  shop: ShopRecord,
  apiVersion: string,
  caller: AdminCaller,
): Promise<void> {
  // Whatever version the path names, the sandbox plays one version's rules, and says which (as Shopify
  // answers a request for an unsupported version with the version it fell forward to).
  const headers = { 'x-shopify-api-version': SHOPIFY_PLAYED_API_VERSION, 'x-request-id': randomUUID() };
  const reply = (body: unknown, status = 200) => sendJson(res, status, body, headers);
  const body = await readGraphQLBody(req);
  if (!body || typeof body.query !== 'string' || !body.query.trim()) {
    return reply({ errors: { query: 'Required parameter missing or invalid' } }, 400);
  }
  const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<string, unknown>;
  const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;

  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (err) {
    return reply({ errors: [translateSyntaxError(err as GraphQLError)] });
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;

  const validation = validate(rt.schema, document);
  if (validation.length) {
    const paths = fieldPaths(document);
    return reply({ errors: validation.map((e) => translateValidationError(e, operation ?? operations[0], paths)) });
  }
  if (!operation) {
    return reply({ errors: [{ message: operationName ? `No operation named "${operationName}"` : 'An operation name is required' }] });
  }
  if (operation.operation === 'subscription') return reply({ errors: [{ message: 'Subscriptions are not supported' }] });

  const costInput = { schema: rt.schema, operation, fragments, variables };
  const requested = requestedQueryCost(costInput);
  if (requested > MAX_QUERY_COST) {
    return reply({
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee ${RATE_LIMIT_DOCS} for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/docs/api/usage/bulk-operations/queries for usage details.\n`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST, documentation: RATE_LIMIT_DOCS },
        },
      ],
    });
  }
  const bucket = rt.throttle;
  if (isForcedThrottle(req) || !bucket.take(shop.domain, caller.app.apiKey, shop.plan, requested)) {
    rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'THROTTLED', requested } });
    return reply({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMIT_DOCS } }],
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status(shop.domain, caller.app.apiKey, shop.plan) },
      },
    });
  }

  const contextValue: AdminContext = { rt, shop, app: caller.app, scopes: caller.scopes, apiVersion, unbounded: false, bulk: false };
  const result = executeSync({ schema: rt.schema, document, operationName, variableValues: variables, contextValue });
  const variableProblem = !result.data && result.errors?.every((e) => !e.path && e.message.startsWith('Variable "$'));
  const errors: ShopifyGraphQLError[] | undefined = result.errors?.map((e) =>
    variableProblem ? translateVariableError(e, operation, variables) : (e.toJSON() as ShopifyGraphQLError),
  );
  const actual = variableProblem ? 0 : actualQueryCost(costInput, result.data as Record<string, unknown> | null);
  bucket.refund(shop.domain, caller.app.apiKey, shop.plan, requested - actual);
  const cost = {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: bucket.status(shop.domain, caller.app.apiKey, shop.plan),
  };
  reply({ ...(errors ? { errors } : {}), ...(variableProblem ? {} : { data: result.data ?? null }), extensions: { cost } });
}
