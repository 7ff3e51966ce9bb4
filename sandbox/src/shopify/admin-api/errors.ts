// Shopify's GraphQL error shapes. Shopify runs graphql-ruby, whose validation messages and extension codes
// differ from graphql-js's: the common ones are translated here (undefinedField, argumentNotAccepted,
// missingRequiredArguments, selectionMismatch, parse errors, variable coercion); others keep graphql-js's
// message. All come back with HTTP 200 and no `data`, as Shopify answers them.
import { print, visit, type ASTNode, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';

export interface ShopifyGraphQLError {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

function locations(err: GraphQLError) {
  return err.locations?.map((l) => ({ line: l.line, column: l.column }));
}

/** The operation path graphql-ruby reports: ["query <name>"|"mutation", ...]. */
function opPath(op: OperationDefinitionNode | undefined): string {
  if (!op) return 'query';
  return op.name ? `${op.operation} ${op.name.value}` : op.operation;
}

/** graphql-ruby's error path for every field node: the operation (or fragment), then the field names. */
export function fieldPaths(document: DocumentNode): Map<ASTNode, string[]> {
  const paths = new Map<ASTNode, string[]>();
  const stack: string[] = [];
  visit(document, {
    OperationDefinition: {
      enter: (op) => void stack.push(opPath(op)),
      leave: () => void stack.pop(),
    },
    FragmentDefinition: {
      enter: (f) => void stack.push(`fragment ${f.name.value}`),
      leave: () => void stack.pop(),
    },
    Field: {
      enter: (f) => {
        stack.push(f.name.value);
        paths.set(f, [...stack]);
      },
      leave: () => void stack.pop(),
    },
    Argument: {
      enter: (a) => void paths.set(a, [...stack, a.name.value]),
    },
  });
  return paths;
}

export function translateValidationError(err: GraphQLError, op?: OperationDefinitionNode, paths?: Map<ASTNode, string[]>): ShopifyGraphQLError {
  const msg = err.message;
  const base = { locations: locations(err) };
  const node = err.nodes?.[0];
  const nodePath = (fallback: string[]) => (node && paths?.get(node)) ?? fallback;
  let m: RegExpExecArray | null;
  if ((m = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(msg))) {
    return { ...base, message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, path: nodePath([opPath(op), m[1]!]), extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] } };
  }
  if ((m = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/.exec(msg))) {
    return { ...base, message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`, path: nodePath([opPath(op), m[3]!, m[1]!]), extensions: { code: 'argumentNotAccepted', name: m[3], typeName: 'Field', argumentName: m[1] } };
  }
  if ((m = /^Field "(\w+)" argument "(\w+)" of type "([^"]+)" is required, but it was not provided/.exec(msg))) {
    return { ...base, message: `Field '${m[1]}' is missing required arguments: ${m[2]}`, path: nodePath([opPath(op), m[1]!]), extensions: { code: 'missingRequiredArguments', className: 'Field', name: m[1], arguments: m[2] } };
  }
  if ((m = /^Field "(\w+)" of type "([^"]+)" must have a selection of subfields/.exec(msg))) {
    const typeName = m[2]!.replace(/[[\]!]/g, '');
    return { ...base, message: `Field must have selections (field '${m[1]}' returns ${typeName} but has no selections. Did you mean '${m[1]} { ... }'?)`, path: nodePath([opPath(op), m[1]!]), extensions: { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName } };
  }
  if ((m = /^Field "(\w+)" must not have a selection since type "([^"]+)" has no subfields/.exec(msg))) {
    return { ...base, message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2]!.replace(/[[\]!]/g, '')} but has selections)`, path: nodePath([opPath(op), m[1]!]), extensions: { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName: m[2]!.replace(/[[\]!]/g, '') } };
  }
  if ((m = /^Unknown type "(\w+)"/.exec(msg))) {
    return { ...base, message: `No such type ${m[1]}, so it can't be a fragment condition`, path: [opPath(op)], extensions: { code: 'undefinedType', typeName: m[1] } };
  }
  if ((m = /^Variable "\$(\w+)" is never used/.exec(msg))) {
    return { ...base, message: `Variable $${m[1]} is declared by ${op?.name?.value ?? 'anonymous query'} but not used`, path: [opPath(op)], extensions: { code: 'variableNotUsed', variableName: m[1] } };
  }
  if ((m = /^Variable "\$(\w+)" is not defined/.exec(msg))) {
    return { ...base, message: `Variable $${m[1]} is used by ${op?.name?.value ?? 'anonymous query'} but not declared`, path: [opPath(op)], extensions: { code: 'variableNotDefined', variableName: m[1] } };
  }
  return { ...base, message: msg };
}

/** graphql-ruby's parse error: `Parse error on "}" (RCURLY) at [1, 9]`. */
export function translateSyntaxError(err: GraphQLError): ShopifyGraphQLError {
  const loc = err.locations?.[0];
  const found = /found (.+?)\.?$/.exec(err.message)?.[1]?.replace(/^<EOF>$/, 'end of file') ?? err.message.replace(/^Syntax Error: /, '');
  return {
    message: `Parse error on ${found}${loc ? ` at [${loc.line}, ${loc.column}]` : ''}`,
    locations: loc ? [{ line: loc.line, column: loc.column }] : undefined,
  };
}

/** Variable coercion errors: graphql-ruby's INVALID_VARIABLE shape (the whole value, and each problem's path). */
export function translateVariableError(err: GraphQLError, op: OperationDefinitionNode | undefined, variables: Record<string, unknown>): ShopifyGraphQLError {
  const m = /^Variable "\$(\w+)" got invalid value (.*?)(?: at "\w+((?:\[\d+\]|\.\w+)*)")?; (.*)$/s.exec(err.message);
  if (!m) return { message: err.message, locations: locations(err), extensions: { code: 'INVALID_VARIABLE' } };
  const name = m[1]!;
  const def = op?.variableDefinitions?.find((d) => d.variable.name.value === name);
  const path = [...(m[3] ?? '').matchAll(/\[(\d+)\]|\.(\w+)/g)].map((x) => (x[1] !== undefined ? Number(x[1]) : x[2]!));
  return {
    message: `Variable $${name} of type ${def ? print(def.type) : 'unknown'} was provided invalid value${path.length ? ` for ${path.join('.')}` : ''} (${m[4]!.replace(/^Expected type "[^"]+"\. /, '')})`,
    locations: locations(err),
    extensions: { code: 'INVALID_VARIABLE', value: variables[name] ?? null, problems: [{ path, explanation: m[4]!.replace(/^Expected type "[^"]+"\. /, '') }] },
  };
}
