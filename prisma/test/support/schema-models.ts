// A small reader of schema.prisma for tests: models, their scalar fields and doc comments.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageDir } from '../../src/url';

const SCALARS = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes']);

export interface SchemaField {
  name: string;
  type: string;
  optional: boolean;
  updatedAt: boolean;
  doc: string;
}

export function readSchemaModels(file = resolve(packageDir, 'schema.prisma')): Map<string, SchemaField[]> {
  const models = new Map<string, SchemaField[]>();
  let current: SchemaField[] | undefined;
  let doc: string[] = [];
  for (const rawLine of readFileSync(file, 'utf8').split('\n')) {
    const line = rawLine.trim();
    const start = /^model (\w+) \{$/.exec(line);
    if (start) {
      current = [];
      models.set(start[1] as string, current);
      doc = [];
      continue;
    }
    if (!current) continue;
    if (line === '}') {
      current = undefined;
      continue;
    }
    if (line.startsWith('///')) {
      doc.push(line.slice(3).trim());
      continue;
    }
    const field = /^(\w+)\s+(\w+)(\?|\[\])?/.exec(line);
    if (field && !line.startsWith('@@') && SCALARS.has(field[2] as string)) {
      current.push({
        name: field[1] as string,
        type: field[2] as string,
        optional: field[3] === '?',
        updatedAt: line.includes('@updatedAt'),
        doc: doc.join(' '),
      });
    }
    if (!line.startsWith('//')) doc = [];
  }
  return models;
}

/** The Prisma client delegate name of a model: ShopifyIntegration → shopifyIntegration. */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}
