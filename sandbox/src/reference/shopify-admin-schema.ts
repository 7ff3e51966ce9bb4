// Shopify's own Admin GraphQL schema (the reference introspection at ../shared/reference, never copied into
// the repo), and a checker that finds every GraphQL document in a directory tree and validates it against
// that schema. Tests across the repo use it: the app's documents must be valid for the real Shopify.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import {
  buildClientSchema,
  extendSchema,
  isExecutableDefinitionNode,
  Kind,
  NoUnusedFragmentsRule,
  parse,
  specifiedRules,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

export const SHOPIFY_REFERENCE_API_VERSION = '2025-01';

/** Repo root: sandbox/src/reference -> ../../.. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the reference schema lives: `../shared/reference/shopify/admin_schema_2025-01.json.gz` from the repo root. */
export function shopifyReferenceSchemaPath(repoRoot = REPO_ROOT): string {
  return path.resolve(repoRoot, '..', 'shared', 'reference', 'shopify', `admin_schema_${SHOPIFY_REFERENCE_API_VERSION}.json.gz`);
}

let cached: GraphQLSchema | null | undefined;

/** Where the recorded 2026-10 additions live (SDL written from shopify.dev's reference, one source per entry). */
export const SHOPIFY_REFERENCE_ADDITIONS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'admin-2026-10-additions.graphql');

/** The additions' SDL: fields and types Shopify added after 2025-01 that Calibrate uses. */
export function shopifyReferenceAdditions(): DocumentNode {
  return parse(fs.readFileSync(SHOPIFY_REFERENCE_ADDITIONS_PATH, 'utf8'));
}

/**
 * Shopify's Admin schema built with buildClientSchema (2025-01), extended with the recorded 2026-10
 * additions (`withAdditions: false` for the bare 2025-01 introspection), or null when the reference file is
 * absent.
 */
export function loadShopifyReferenceSchema(file = shopifyReferenceSchemaPath(), options: { withAdditions?: boolean } = {}): GraphQLSchema | null {
  if (options.withAdditions === false) return loadIntrospection(file);
  if (cached !== undefined && file === shopifyReferenceSchemaPath()) return cached;
  const base = loadIntrospection(file);
  const schema = base ? extendSchema(base, shopifyReferenceAdditions()) : null;
  if (file === shopifyReferenceSchemaPath()) cached = schema;
  return schema;
}

function loadIntrospection(file: string): GraphQLSchema | null {
  let schema: GraphQLSchema | null = null;
  if (fs.existsSync(file)) {
    const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as
      | { data: IntrospectionQuery }
      | IntrospectionQuery;
    schema = buildClientSchema('data' in json ? json.data : json);
  }
  return schema;
}

export interface FoundDocument {
  file: string;
  /** 1-based line where the document starts. */
  line: number;
  /** The document text; `${…}` interpolations are blanked out (fragments are resolved project-wide). */
  source: string;
  /** Set when the document can't be checked statically. */
  skipped?: string;
}

const SOURCE_EXT = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const GRAPHQL_EXT = /\.(graphql|gql)$/;
const IGNORED_DIRS = new Set(['node_modules', '.git', 'build', 'dist', '.cache', 'coverage', 'generated']);

export interface FindOptions {
  /** Paths (files or directories) to leave out, e.g. fixtures of deliberately invalid documents. */
  ignore?: string[];
}

function walk(dir: string, out: string[], ignore: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (ignore.some((i) => full === i || full.startsWith(`${i}${path.sep}`))) continue;
    if (entry.isDirectory()) {
      if (!IGNORED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(full, out, ignore);
    } else if (SOURCE_EXT.test(entry.name) || GRAPHQL_EXT.test(entry.name)) {
      out.push(full);
    }
  }
}

interface Template {
  start: number;
  body: string;
  interpolated: boolean;
  /** The code just before the opening backtick: a tag (`gql`) or a marker comment. */
  tagged: boolean;
}

/**
 * Template literals of a JS/TS source, found with a small scanner that skips comments and quoted strings
 * (so backticks in comments don't count). A template counts as GraphQL when it is tagged `gql`/`graphql`,
 * follows a `/* GraphQL *\/` comment, or starts with Shopify's `#graphql` marker.
 */
function graphqlTemplates(text: string): Template[] {
  const out: Template[] = [];
  let i = 0;
  let markerEnd = -2;
  const n = text.length;
  const readTemplate = (open: number): { end: number; body: string; interpolated: boolean } => {
    let j = open + 1;
    let body = '';
    let interpolated = false;
    while (j < n && text[j] !== '`') {
      if (text[j] === '\\') {
        body += text.slice(j, j + 2);
        j += 2;
      } else if (text[j] === '$' && text[j + 1] === '{') {
        interpolated = true;
        let depth = 1;
        const from = j;
        j += 2;
        while (j < n && depth > 0) {
          if (text[j] === '`') j = readTemplate(j).end;
          else if (text[j] === '{') depth++;
          else if (text[j] === '}') depth--;
          j++;
        }
        body += text.slice(from, j).replace(/[^\n]/g, ' ');
      } else {
        body += text[j];
        j++;
      }
    }
    return { end: j, body, interpolated };
  };
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const comment = text.slice(i, end < 0 ? n : end + 2);
      if (/^\/\*\s*GraphQL\s*\*\/$/.test(comment)) markerEnd = end + 2;
      i = end < 0 ? n : end + 2;
      continue;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    } else if (c === '`') {
      const before = text.slice(Math.max(0, i - 40), i);
      const tagged = /(?:^|[^\w$.`'"])(?:gql|graphql)\s*$/.test(before) || (markerEnd >= 0 && !text.slice(markerEnd, i).trim());
      const t = readTemplate(i);
      if (tagged || /^\s*#graphql\b/.test(t.body)) out.push({ start: i, body: t.body.replace(/\\`/g, '`'), interpolated: t.interpolated, tagged });
      i = t.end + 1;
      continue;
    }
    i++;
  }
  return out;
}

export function findGraphQLDocuments(root: string, options: FindOptions = {}): FoundDocument[] {
  const files: string[] = [];
  walk(root, files, (options.ignore ?? []).map((i) => path.resolve(i)));
  const docs: FoundDocument[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (GRAPHQL_EXT.test(file)) {
      if (text.trim()) docs.push({ file, line: 1, source: text });
      continue;
    }
    for (const t of graphqlTemplates(text)) {
      docs.push({ file, line: text.slice(0, t.start).split('\n').length, source: t.body });
    }
  }
  return docs;
}

export interface DocumentCheck extends FoundDocument {
  errors: string[];
}

const WITHOUT_UNUSED_FRAGMENTS = specifiedRules.filter((r) => r !== NoUnusedFragmentsRule);

/**
 * Validate GraphQL documents (found under `root`) against Shopify's reference schema. Fragments are
 * shared project-wide, as templates interpolate them: a document's spreads are resolved from every
 * fragment found, and a fragment-only document is checked without the "unused fragment" rule.
 */
export function checkGraphQLDocuments(root: string, schema: GraphQLSchema, options: FindOptions = {}): DocumentCheck[] {
  const docs = findGraphQLDocuments(root, options);
  const parsed = docs.map((doc): { doc: FoundDocument; ast?: DocumentNode; error?: string } => {
    try {
      return { doc, ast: parse(doc.source) };
    } catch (err) {
      return { doc, error: err instanceof Error ? err.message : String(err) };
    }
  });
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const p of parsed) for (const d of p.ast?.definitions ?? []) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  return parsed.map(({ doc, ast, error }) => {
    if (error || !ast) return { ...doc, errors: [error ?? 'unparseable'] };
    // Type definitions (an SDL file such as the sandbox's own schema) are not documents to send.
    if (!ast.definitions.some(isExecutableDefinitionNode)) return { ...doc, skipped: 'type definitions, not an executable document', errors: [] };
    const local = new Set(ast.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => d.name.value));
    const needed: FragmentDefinitionNode[] = [];
    const queue = [...spreadNames(ast)];
    while (queue.length) {
      const name = queue.shift()!;
      if (local.has(name)) continue;
      const frag = fragments.get(name);
      if (!frag) continue;
      local.add(name);
      needed.push(frag);
      queue.push(...spreadNames(frag));
    }
    const full: DocumentNode = { ...ast, definitions: [...ast.definitions, ...needed] };
    const fragmentOnly = !ast.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
    const errors = validate(schema, full, fragmentOnly ? WITHOUT_UNUSED_FRAGMENTS : specifiedRules);
    return { ...doc, errors: errors.map((e) => e.message) };
  });
}

function spreadNames(node: ASTNode): string[] {
  const names: string[] = [];
  visit(node, { FragmentSpread: (s) => void names.push(s.name.value) });
  return names;
}
