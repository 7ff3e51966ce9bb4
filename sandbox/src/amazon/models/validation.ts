// Checks a request against its operation's model: path/query parameters (required, type, enum, array
// sizes, bounds) and the JSON body against the model's definitions with ajv.
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OperationSpec, ParamSpec } from './operations';
import type { ReferenceFiles } from './reference';

export interface ValidationFailure {
  message: string;
  details: string;
}

export type ParamValues = Record<string, unknown>;

/** An ajv instance that accepts Swagger 2.0 definitions (extra keywords, OpenAPI formats). */
export function createSwaggerAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'double', 'float', 'byte', 'binary', 'password', 'decimal']) {
    ajv.addFormat(format, true);
  }
  return ajv;
}

/** Rewrites `#/definitions/X` refs so a schema taken out of a model still points into that model. */
export function qualifyRefs(schema: unknown, modelId: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => qualifyRefs(s, modelId));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${modelId}${v}` : qualifyRefs(v, modelId);
  }
  return out;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function checkScalar(spec: { type?: string; format?: string; enum?: unknown[] }, raw: string, name: string): { value?: unknown; error?: string } {
  let value: unknown = raw;
  switch (spec.type) {
    case 'integer':
      if (!/^-?\d+$/.test(raw)) return { error: `Invalid value '${raw}' for parameter ${name}: an integer is expected.` };
      value = Number(raw);
      break;
    case 'number':
      if (raw.trim() === '' || Number.isNaN(Number(raw))) return { error: `Invalid value '${raw}' for parameter ${name}: a number is expected.` };
      value = Number(raw);
      break;
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') return { error: `Invalid value '${raw}' for parameter ${name}: true or false is expected.` };
      value = raw === 'true';
      break;
    default:
      if (spec.format === 'date-time' && (!ISO_DATE_TIME.test(raw) || Number.isNaN(Date.parse(raw)))) {
        return { error: `Invalid value '${raw}' for parameter ${name}: an ISO 8601 date-time is expected.` };
      }
  }
  if (spec.enum && !spec.enum.includes(value)) {
    return { error: `Invalid value '${raw}' for parameter ${name}. Valid values: ${spec.enum.join(', ')}.` };
  }
  return { value };
}

function checkParam(spec: ParamSpec, raw: string): { value?: unknown; error?: string } {
  if (spec.type === 'array') {
    const separator = spec.collectionFormat === 'pipes' ? '|' : spec.collectionFormat === 'ssv' ? ' ' : spec.collectionFormat === 'tsv' ? '\t' : ',';
    const parts = raw.split(separator);
    if (spec.maxItems !== undefined && parts.length > spec.maxItems) {
      return { error: `Parameter ${spec.name} has ${parts.length} values; at most ${spec.maxItems} are allowed.` };
    }
    if (spec.minItems !== undefined && parts.length < spec.minItems) {
      return { error: `Parameter ${spec.name} needs at least ${spec.minItems} values.` };
    }
    const values: unknown[] = [];
    for (const part of parts) {
      const r = checkScalar(spec.items ?? {}, part, spec.name);
      if (r.error) return r;
      values.push(r.value);
    }
    return { value: values };
  }
  const r = checkScalar(spec, raw, spec.name);
  if (r.error) return r;
  if (typeof r.value === 'number') {
    if (spec.maximum !== undefined && r.value > spec.maximum) return { error: `Parameter ${spec.name} must be at most ${spec.maximum}.` };
    if (spec.minimum !== undefined && r.value < spec.minimum) return { error: `Parameter ${spec.name} must be at least ${spec.minimum}.` };
  }
  if (typeof r.value === 'string') {
    if (spec.maxLength !== undefined && r.value.length > spec.maxLength) return { error: `Parameter ${spec.name} is longer than ${spec.maxLength} characters.` };
    if (spec.minLength !== undefined && r.value.length < spec.minLength) return { error: `Parameter ${spec.name} is shorter than ${spec.minLength} characters.` };
  }
  return r;
}

export class RequestValidator {
  private readonly ajv = createSwaggerAjv();
  private readonly bodyValidators = new Map<string, ValidateFunction | null>();

  constructor(reference: ReferenceFiles) {
    for (const [api, model] of Object.entries(reference.models)) {
      this.ajv.addSchema({ $id: api, definitions: model.definitions ?? {} });
    }
  }

  /** Path, query and header parameters; returns their typed values (defaults applied) or the first failure. */
  params(
    op: OperationSpec,
    pathParams: Record<string, string>,
    query: URLSearchParams,
    headers: Record<string, string | string[] | undefined>,
  ): { values: ParamValues } | { failure: ValidationFailure } {
    const values: ParamValues = {};
    for (const spec of op.params) {
      if (spec.in === 'body' || spec.in === 'formData') continue;
      let raw: string | undefined;
      if (spec.in === 'path') raw = pathParams[spec.name];
      else if (spec.in === 'query') raw = query.has(spec.name) ? query.getAll(spec.name).join(',') : undefined;
      else {
        const h = headers[spec.name.toLowerCase()];
        raw = Array.isArray(h) ? h.join(',') : h;
      }
      if (raw === undefined) {
        if (spec.required) return { failure: { message: `Required parameter ${spec.name} not found`, details: '' } };
        continue;
      }
      const r = checkParam(spec, raw);
      if (r.error) return { failure: { message: r.error, details: '' } };
      values[spec.name] = r.value;
    }
    return { values };
  }

  /** The JSON body, parsed and checked against the body parameter's schema. */
  body(op: OperationSpec, raw: Buffer): { body: unknown } | { failure: ValidationFailure } {
    const spec = op.params.find((p) => p.in === 'body');
    const text = raw.toString('utf8');
    if (!spec) return { body: text ? safeParse(text) : undefined };
    const invalid = (details: string) => ({
      failure: { message: 'Request has missing or invalid parameters and cannot be parsed.', details },
    });
    if (!text.trim()) return spec.required ? invalid('The request body is missing.') : { body: undefined };
    const parsed = safeParse(text);
    if (parsed === undefined) return invalid('The request body is not valid JSON.');
    const validate = this.bodyValidator(op, spec);
    if (validate && !validate(parsed)) {
      return invalid(this.ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' }));
    }
    return { body: parsed };
  }

  private bodyValidator(op: OperationSpec, spec: ParamSpec): ValidateFunction | null {
    const key = `${op.api}:${op.operationId}`;
    let validate = this.bodyValidators.get(key);
    if (validate === undefined) {
      validate = spec.schema ? this.ajv.compile(qualifyRefs(spec.schema, op.api) as object) : null;
      this.bodyValidators.set(key, validate);
    }
    return validate;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
