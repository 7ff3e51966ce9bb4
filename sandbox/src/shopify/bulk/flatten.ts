// Bulk query output: every node of every connection becomes one JSONL line; nodes of nested connections
// carry `__parentId` (the id of the node they belong to), as Shopify writes them.
import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

function fieldsOf(type: GraphQLObjectType, set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, schema: GraphQLSchema, out: FieldNode[] = []): FieldNode[] {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else {
      const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments[sel.name.value];
      if (!frag) continue;
      const cond = frag.typeCondition?.name.value;
      if (cond && cond !== type.name) {
        const condType = schema.getType(cond);
        if (!condType || !isAbstractType(condType) || !schema.isSubType(condType, type)) continue;
      }
      fieldsOf(type, frag.selectionSet, fragments, schema, out);
    }
  }
  return out;
}

export function isConnectionType(name: string): boolean {
  return name.endsWith('Connection');
}

type Obj = Record<string, unknown>;

/** Items of a connection result, whether selected through `edges { node }` or `nodes`. */
function connectionItems(value: unknown): Obj[] {
  const conn = value as { edges?: Array<{ node: Obj }>; nodes?: Obj[] } | null;
  if (!conn) return [];
  if (conn.nodes) return conn.nodes;
  return (conn.edges ?? []).map((e) => e.node);
}

export interface FlattenResult {
  lines: string[];
  rootObjectCount: number;
}

export function flattenBulkResult(
  schema: GraphQLSchema,
  selection: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  data: Obj,
): FlattenResult {
  const lines: string[] = [];
  const root = schema.getQueryType()!;
  let rootObjectCount = 0;

  const emitNode = (type: GraphQLObjectType, set: SelectionSetNode, node: Obj, parentId: string | null, isRoot: boolean) => {
    if (isRoot) rootObjectCount++;
    const own: Obj = {};
    const nested: Array<() => void> = [];
    for (const f of fieldsOf(type, set, fragments, schema)) {
      const key = f.alias?.value ?? f.name.value;
      const def = type.getFields()[f.name.value];
      if (!def || !(key in node)) continue;
      const named = getNamedType(def.type);
      if (isObjectType(named) && isConnectionType(named.name) && f.selectionSet) {
        nested.push(() => walkConnection(named, f.selectionSet!, node[key], String(node.id ?? '')));
      } else {
        own[key] = node[key];
      }
    }
    lines.push(JSON.stringify(parentId ? { ...own, __parentId: parentId } : own));
    for (const n of nested) n();
  };

  const walkConnection = (connType: GraphQLObjectType, set: SelectionSetNode, value: unknown, parentId: string | null) => {
    const nodeType = getNamedType(connType.getFields().nodes!.type) as GraphQLObjectType;
    // The node selection: from `nodes { … }` or `edges { node { … } }`.
    const selections: SelectionSetNode['selections'][number][] = [];
    for (const f of fieldsOf(connType, set, fragments, schema)) {
      if (f.name.value === 'nodes' && f.selectionSet) selections.push(...f.selectionSet.selections);
      if (f.name.value === 'edges' && f.selectionSet) {
        const edgeType = getNamedType(connType.getFields().edges!.type) as GraphQLObjectType;
        for (const e of fieldsOf(edgeType, f.selectionSet, fragments, schema)) if (e.name.value === 'node' && e.selectionSet) selections.push(...e.selectionSet.selections);
      }
    }
    const nodeSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections };
    for (const item of connectionItems(value)) emitNode(nodeType, nodeSet, item, parentId, parentId === null);
  };

  for (const f of fieldsOf(root, selection, fragments, schema)) {
    const key = f.alias?.value ?? f.name.value;
    const def = root.getFields()[f.name.value];
    if (!def || !f.selectionSet) continue;
    const named = getNamedType(def.type);
    if (isObjectType(named) && isConnectionType(named.name)) walkConnection(named, f.selectionSet, data[key], null);
    else if (isObjectType(named) && data[key]) emitNode(named, f.selectionSet, data[key] as Obj, null, true);
  }
  return { lines, rootObjectCount };
}

/** Connection fields in a selection (for Shopify's bulk query rules), with their nesting depth. */
export function connectionFields(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  depth = 0,
): Array<{ name: string; depth: number; parentSelectsId: boolean }> {
  const out: Array<{ name: string; depth: number; parentSelectsId: boolean }> = [];
  const fields = fieldsOf(type, set, fragments, schema);
  const selectsId = fields.some((f) => f.name.value === 'id');
  for (const f of fields) {
    const def = type.getFields()[f.name.value];
    if (!def || !f.selectionSet) continue;
    const named = getNamedType(def.type);
    if (!isObjectType(named)) continue;
    if (isConnectionType(named.name)) {
      out.push({ name: f.name.value, depth, parentSelectsId: selectsId });
      const nodeType = getNamedType(named.getFields().nodes!.type) as GraphQLObjectType;
      for (const inner of fieldsOf(named, f.selectionSet, fragments, schema)) {
        if (inner.name.value === 'nodes' && inner.selectionSet) out.push(...connectionFields(schema, nodeType, inner.selectionSet, fragments, depth + 1));
        if (inner.name.value === 'edges' && inner.selectionSet) {
          const edgeType = getNamedType(named.getFields().edges!.type) as GraphQLObjectType;
          for (const e of fieldsOf(edgeType, inner.selectionSet, fragments, schema)) {
            if (e.name.value === 'node' && e.selectionSet) out.push(...connectionFields(schema, nodeType, e.selectionSet, fragments, depth + 1));
          }
        }
      }
    } else {
      out.push(...connectionFields(schema, named, f.selectionSet, fragments, depth));
    }
  }
  return out;
}
