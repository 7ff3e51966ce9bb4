// Calculated query cost as shopify.dev documents it: scalars and enums 0, objects 1, interfaces and unions
// the maximum of their possible selections, connections 2 + (first|last) x the cost of one node, mutations
// 10. The requested cost is computed before running; the actual cost from what came back (connections
// sized by the nodes returned).
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const MUTATION_COST = 10;
export const MAX_QUERY_COST = 1000;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function included(node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: unknown }[] }[] }, w: Walk): boolean {
  for (const d of node.directives ?? []) {
    const arg = d.arguments?.find((a) => a.name.value === 'if');
    if (!arg) continue;
    const v = arg.value as { kind: string; value?: boolean; name?: { value: string } };
    const value = v.kind === Kind.VARIABLE ? Boolean(w.variables[v.name!.value]) : Boolean(v.value);
    if (d.name.value === 'skip' && value) return false;
    if (d.name.value === 'include' && !value) return false;
  }
  return true;
}

/** Fields selected on a concrete object type (fragments applied), grouped by response key. */
function collectFields(type: GraphQLObjectType, set: SelectionSetNode, w: Walk, out = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const sel of set.selections) {
    if (!included(sel, w)) continue;
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      out.set(key, [...(out.get(key) ?? []), sel]);
    } else {
      const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : w.fragments[sel.name.value];
      if (!frag) continue;
      const cond = frag.typeCondition?.name.value;
      if (cond && !appliesTo(cond, type, w.schema)) continue;
      collectFields(type, frag.selectionSet, w, out);
    }
  }
  return out;
}

function appliesTo(condition: string, type: GraphQLObjectType, schema: GraphQLSchema): boolean {
  if (condition === type.name) return true;
  const cond = schema.getType(condition);
  return Boolean(cond && isAbstractType(cond) && schema.isSubType(cond, type));
}

function argValues(field: GraphQLField<unknown, unknown>, node: FieldNode, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of field.args) {
    const arg = node.arguments?.find((a) => a.name.value === def.name);
    out[def.name] = arg ? valueFromAST(arg.value, def.type, w.variables) : def.defaultValue;
  }
  return out;
}

function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  return getNamedType(field.type).name.endsWith('Connection') && field.args.some((a) => a.name === 'first');
}

function possibleTypes(type: GraphQLCompositeType, schema: GraphQLSchema): readonly GraphQLObjectType[] {
  return isObjectType(type) ? [type] : schema.getPossibleTypes(type);
}

type Data = Record<string, unknown> | null | undefined;

/** Cost of a selection set on a composite type; with `data` the actual cost of what it returned. */
function selectionCost(type: GraphQLCompositeType, set: SelectionSetNode, w: Walk, data: Data, actual: boolean): number {
  let best = 0;
  const candidates = actual && data && typeof data.__typename === 'string'
    ? possibleTypes(type, w.schema).filter((t) => t.name === data.__typename)
    : possibleTypes(type, w.schema);
  for (const concrete of candidates) {
    let sum = 0;
    for (const [key, nodes] of collectFields(concrete, set, w)) {
      const node = nodes[0]!;
      const field = concrete.getFields()[node.name.value];
      if (!field) continue;
      const merged: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
      sum += fieldCost(field, node, merged, w, actual ? (data?.[key] as unknown) : undefined, actual);
    }
    best = Math.max(best, sum);
  }
  return best;
}

function fieldCost(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  set: SelectionSetNode,
  w: Walk,
  value: unknown,
  actual: boolean,
): number {
  const named = getNamedType(field.type);
  if (!isCompositeType(named)) return 0;
  if (actual && (value === null || value === undefined)) return 0;
  const args = argValues(field, node, w);
  if (isConnection(field)) {
    const conn = value as { edges?: Array<{ node?: Data }>; nodes?: Data[] } | undefined;
    const nodeType = getNamedType((named as GraphQLObjectType).getFields().nodes?.type ?? field.type) as GraphQLCompositeType;
    const costOfItem = (item: Data) => {
      let c = 0;
      for (const [key, nodes] of collectFields(named as GraphQLObjectType, set, w)) {
        const sub: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
        if (nodes[0]!.name.value === 'nodes') c = Math.max(c, 1 + selectionCost(nodeType, sub, w, item, actual));
        if (nodes[0]!.name.value === 'edges') {
          const edgeType = getNamedType((named as GraphQLObjectType).getFields().edges!.type) as GraphQLObjectType;
          for (const [, edgeNodes] of collectFields(edgeType, sub, w)) {
            if (edgeNodes[0]!.name.value !== 'node') continue;
            const nodeSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: edgeNodes.flatMap((n) => n.selectionSet?.selections ?? []) };
            c = Math.max(c, 1 + selectionCost(nodeType, nodeSet, w, item, actual));
          }
        }
        void key;
      }
      return c;
    };
    if (!actual) {
      const size = Number(args.first ?? args.last ?? 0);
      return 2 + size * costOfItem(undefined);
    }
    const items: Data[] = conn?.nodes ?? conn?.edges?.map((e) => e.node) ?? [];
    // `nodes` and `edges.node` are the same items; cost each item once with whichever selection was made.
    const edgeItems = conn?.edges?.map((e) => e.node) ?? [];
    return 2 + items.reduce<number>((sum, item, i) => sum + costOfItem(mergeItem(item, edgeItems[i])), 0);
  }
  const sub = selectionCost(named, set, w, undefined, false);
  if (isListType(getNullableType(field.type))) {
    if (actual) {
      const list = Array.isArray(value) ? (value as Data[]) : [];
      return list.reduce<number>((sum, item) => sum + (item ? 1 + selectionCost(named, set, w, item, true) : 0), 0);
    }
    const ids = args.ids;
    const count = Array.isArray(ids) ? ids.length : 1;
    return count * (1 + sub);
  }
  if (actual) return 1 + selectionCost(named, set, w, value as Data, true);
  return 1 + sub;
}

function mergeItem(a: Data, b: Data): Data {
  if (!a) return b;
  if (!b) return a;
  return { ...b, ...a };
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function rootCost(input: CostInput, data: Data, actual: boolean): number {
  const w: Walk = { schema: input.schema, fragments: input.fragments, variables: input.variables };
  if (input.operation.operation === 'mutation') {
    const root = input.schema.getMutationType()!;
    return [...collectFields(root, input.operation.selectionSet, w).values()].filter((n) => n[0]!.name.value !== '__typename').length * MUTATION_COST;
  }
  return selectionCost(input.schema.getQueryType()!, input.operation.selectionSet, w, data, actual);
}

export function requestedQueryCost(input: CostInput): number {
  return rootCost(input, undefined, false);
}

export function actualQueryCost(input: CostInput, data: Record<string, unknown> | null | undefined): number {
  if (input.operation.operation === 'mutation') return rootCost(input, undefined, false);
  return rootCost(input, data ?? {}, true);
}
