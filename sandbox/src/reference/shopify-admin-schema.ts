// Shopify's own Admin GraphQL schema (the reference introspection at ../shared/reference, never copied into
// the repo), and a checker that finds every GraphQL document in a directory tree and validates it against
// that schema. Tests across the repo use it: the app's documents must be valid for the real Shopify.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { buildClientSchema, parse, validate, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

export const SHOPIFY_REFERENCE_API_VERSION = '2025-01';

/** Repo root: sandbox/src/reference -> ../../.. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the reference schema lives: `../shared/reference/shopify/admin_schema_2025-01.json.gz` from the repo root. */
export function shopifyReferenceSchemaPath(repoRoot = REPO_ROOT): string {
  return path.resolve(repoRoot, '..', 'shared', 'reference', 'shopify', `admin_schema_${SHOPIFY_REFERENCE_API_VERSION}.json.gz`);
}

let cached: GraphQLSchema | null | undefined;

/** Shopify's Admin schema built with buildClientSchema, or null when the reference file is absent. */
export function loadShopifyReferenceSchema(file = shopifyReferenceSchemaPath()): GraphQLSchema | null {
  if (cached !== undefined && file === shopifyReferenceSchemaPath()) return cached;
  let schema: GraphQLSchema | null = null;
  if (fs.existsSync(file)) {
    const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as
      | { data: IntrospectionQuery }
      | IntrospectionQuery;
    schema = buildClientSchema('data' in json ? json.data : json);
  }
  if (file === shopifyReferenceSchemaPath()) cached = schema;
  return schema;
}

export interface FoundDocument {
  file: string;
  /** 1-based line where the document starts. */
  line: number;
  source: string;
  /** Set when the document can't be checked statically (a template with ${…} interpolation). */
  skipped?: string;
}

const SOURCE_EXT = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const GRAPHQL_EXT = /\.(graphql|gql)$/;
const IGNORED_DIRS = new Set(['node_modules', '.git', 'build', 'dist', '.cache', 'coverage', 'generated']);

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!IGNORED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path.join(dir, entry.name), out);
    } else if (SOURCE_EXT.test(entry.name) || GRAPHQL_EXT.test(entry.name)) {
      out.push(path.join(dir, entry.name));
    }
  }
}

/**
 * Template literals that hold GraphQL: tagged `gql`/`graphql`, marked with a leading `/* GraphQL *\/` comment,
 * or starting with Shopify's `#graphql` marker.
 */
const TEMPLATE = /(\/\*\s*GraphQL\s*\*\/\s*|\b(?:gql|graphql)\s*)?`((?:[^`\\]|\\.)*)`/g;

export function findGraphQLDocuments(root: string): FoundDocument[] {
  const files: string[] = [];
  walk(root, files);
  const docs: FoundDocument[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (GRAPHQL_EXT.test(file)) {
      if (text.trim()) docs.push({ file, line: 1, source: text });
      continue;
    }
    for (const m of text.matchAll(TEMPLATE)) {
      const body = m[2] ?? '';
      if (!m[1] && !/^\s*#graphql\b/.test(body)) continue;
      const line = text.slice(0, m.index).split('\n').length;
      if (body.includes('${')) {
        docs.push({ file, line, source: body, skipped: 'template interpolation (${…}) cannot be checked statically' });
      } else {
        docs.push({ file, line, source: body.replace(/\\`/g, '`') });
      }
    }
  }
  return docs;
}

export interface DocumentCheck extends FoundDocument {
  errors: string[];
}

/** Validate GraphQL documents (found under `root`) against Shopify's reference schema. */
export function checkGraphQLDocuments(root: string, schema: GraphQLSchema): DocumentCheck[] {
  return findGraphQLDocuments(root).map((doc) => {
    if (doc.skipped) return { ...doc, errors: [] };
    try {
      const errors = validate(schema, parse(doc.source));
      return { ...doc, errors: errors.map((e) => e.message) };
    } catch (err) {
      return { ...doc, errors: [err instanceof Error ? err.message : String(err)] };
    }
  });
}
