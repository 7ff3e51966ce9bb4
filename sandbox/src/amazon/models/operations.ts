// The SP-API operations the sandbox knows: method, path template, parameters, usage plan and Amazon's
// static sandbox cases. Read from the models when present; otherwise from the built-in table.
import type { ReferenceFiles, SwaggerModel } from './reference';
import { BUILTIN_OPERATIONS } from './builtin-operations';

export interface ParamSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'body' | 'formData';
  required: boolean;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: { type?: string; enum?: unknown[] };
  collectionFormat?: string;
  maxItems?: number;
  minItems?: number;
  maximum?: number;
  minimum?: number;
  maxLength?: number;
  minLength?: number;
  /** Body parameters: the JSON schema of the body, with `#/definitions/…` refs local to its model. */
  schema?: Record<string, unknown>;
}

export interface StaticCase {
  status: number;
  parameters: Record<string, { value?: unknown }>;
  response?: unknown;
}

export interface OperationSpec {
  /** Model name, e.g. `feeds_2021-06-30`. */
  api: string;
  operationId: string;
  method: string;
  path: string;
  params: ParamSpec[];
  /** Usage plan: requests per second and burst. */
  rate: number;
  burst: number;
  staticCases: StaticCase[];
  /** Response schemas by status (from the models only), for conformance tests. */
  responseSchemas: Record<string, Record<string, unknown>>;
  pathRegex: RegExp;
  pathParamNames: string[];
  /** Called with a grantless token (LWA client_credentials) instead of a seller's: the model says "is grantless". */
  grantless?: boolean;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** Parses the "Usage Plan" table Amazon puts in each operation's description. */
export function parseUsagePlan(description: string | undefined): { rate: number; burst: number } | undefined {
  if (!description) return undefined;
  const match = /\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\s*\|[-\s|]+\|\s*\n\s*\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|/.exec(
    description,
  );
  if (!match) return undefined;
  return { rate: Number(match[1]), burst: Number(match[2]) };
}

export function compilePath(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = path
    .split('/')
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]!);
        return '([^/]*)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${pattern}$`), names };
}

function toParam(raw: Record<string, unknown>): ParamSpec {
  return {
    name: String(raw.name),
    in: raw.in as ParamSpec['in'],
    required: raw.required === true,
    type: raw.type as string | undefined,
    format: raw.format as string | undefined,
    enum: raw.enum as unknown[] | undefined,
    items: raw.items as ParamSpec['items'],
    collectionFormat: raw.collectionFormat as string | undefined,
    maxItems: raw.maxItems as number | undefined,
    minItems: raw.minItems as number | undefined,
    maximum: raw.maximum as number | undefined,
    minimum: raw.minimum as number | undefined,
    maxLength: raw.maxLength as number | undefined,
    minLength: raw.minLength as number | undefined,
    schema: raw.schema as Record<string, unknown> | undefined,
  };
}

function operationsOfModel(api: string, model: SwaggerModel): OperationSpec[] {
  const ops: OperationSpec[] = [];
  for (const [path, item] of Object.entries(model.paths)) {
    const shared = Array.isArray(item.parameters) ? (item.parameters as Record<string, unknown>[]) : [];
    for (const [method, rawOp] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !rawOp || typeof rawOp !== 'object') continue;
      const op = rawOp as {
        operationId?: string;
        description?: string;
        parameters?: Record<string, unknown>[];
        responses?: Record<string, { schema?: Record<string, unknown>; 'x-amzn-api-sandbox'?: { static?: unknown[] } }>;
      };
      if (!op.operationId) continue;
      const plan = parseUsagePlan(op.description) ?? { rate: 1, burst: 1 };
      const staticCases: StaticCase[] = [];
      const responseSchemas: Record<string, Record<string, unknown>> = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (response.schema) responseSchemas[status] = response.schema;
        for (const c of response['x-amzn-api-sandbox']?.static ?? []) {
          const entry = c as { request?: { parameters?: Record<string, { value?: unknown }> }; response?: unknown };
          staticCases.push({ status: Number(status), parameters: entry.request?.parameters ?? {}, response: entry.response });
        }
      }
      const params = [...shared, ...(op.parameters ?? [])].map(toParam);
      const { regex, names } = compilePath(path);
      ops.push({
        api,
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        params,
        rate: plan.rate,
        burst: plan.burst,
        staticCases,
        responseSchemas,
        pathRegex: regex,
        pathParamNames: names,
        grantless: /`[A-Za-z]+` (operation|API) is grantless/.test(op.description ?? ''),
      });
    }
  }
  return ops;
}

export class OperationTable {
  readonly operations: OperationSpec[];

  constructor(reference: ReferenceFiles) {
    const fromModels = Object.entries(reference.models).flatMap(([api, model]) => operationsOfModel(api, model));
    const known = new Set(fromModels.map((op) => op.operationId));
    // Built-in entries fill in what the models don't cover (or everything when they are absent).
    const builtins = BUILTIN_OPERATIONS.filter((op) => !known.has(op.operationId)).map((op) => {
      const { regex, names } = compilePath(op.path);
      return { ...op, staticCases: [], responseSchemas: {}, pathRegex: regex, pathParamNames: names };
    });
    this.operations = [...fromModels, ...builtins];
  }

  byId(operationId: string): OperationSpec | undefined {
    return this.operations.find((op) => op.operationId === operationId);
  }

  /** Finds the operation for a method and (undecoded) path; also reports a path match with another method. */
  match(method: string, path: string): { op?: OperationSpec; pathParams: Record<string, string>; pathKnown: boolean } {
    let pathKnown = false;
    for (const op of this.operations) {
      const m = op.pathRegex.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (op.method !== method) continue;
      const pathParams: Record<string, string> = {};
      op.pathParamNames.forEach((name, i) => {
        pathParams[name] = safeDecode(m[i + 1]!);
      });
      return { op, pathParams, pathKnown };
    }
    return { pathParams: {}, pathKnown };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
