// The room rule of shopify-app/app (issue 14): a platform lives in its own room, platforms/<name>/.
// Nothing outside that room imports from it, imports the platform's own package, or names the platform's
// tables (the Prisma delegates of its models: `db.shopifyIntegration`, `tx.amazonPriceFeed`, …).
// Entry points (Remix's routes/, entry.server.tsx, root.tsx, startup.server.ts, where the server starts
// and stops its background work, and app-context.server.ts, which holds those workers) may import a platform's room and name Shopify's tables; no file outside
// platforms/amazon/ names Amazon's. The exceptions, each for a reason:
//   - app/shopify.server.ts: the Remix template's Shopify setup stays where the template keeps it, and is
//     the app's one door to Shopify's authentication (authenticate, login, projectIdForSession).
//   - app/platforms/registry.server.ts: the composition root, which lists every platform's registration.
// Spread at the end of eslint.config.js; its fixtures are in lint/fixtures (rooms-*.ts).
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const appDir = path.join(root, 'shopify-app/app');
const platformsDir = path.join(appDir, 'platforms');

const EXCEPTIONS = new Set(['shopify.server.ts', 'platforms/registry.server.ts'].map((f) => path.join(appDir, f)));

const ENTRY_POINTS = new Set(['entry.server.tsx', 'root.tsx', 'startup.server.ts', 'app-context.server.ts'].map((f) => path.join(appDir, f)));

/** Each platform's packages (another workspace's code that belongs to one room). */
const PLATFORM_PACKAGES = { amazon: ['@calibr/amazon-service'] };

/** Prisma delegates of the models named for a platform, read from the schema: `ShopifyIntegration` -> `shopifyIntegration`. */
function platformTables() {
  const tables = new Map();
  // The app's schema, and the Amazon service's own once it has one (its tables stay Amazon's).
  const schema = ['prisma/schema.prisma', 'amazon-service/prisma/schema.prisma']
    .map((f) => {
      try {
        return fs.readFileSync(path.join(root, f), 'utf8');
      } catch {
        return '';
      }
    })
    .join('\n');
  for (const [, model] of schema.matchAll(/^model\s+(\w+)\s*\{/gm)) {
    const platform = /^(Shopify|Amazon)[A-Z]/.exec(model)?.[1]?.toLowerCase();
    if (platform) tables.set(model[0].toLowerCase() + model.slice(1), platform);
  }
  return tables;
}
const TABLES = platformTables();

/** The platform room a file is in (`shopify` for app/platforms/shopify/…), or undefined. */
function roomOf(file) {
  const r = path.relative(platformsDir, file);
  if (r.startsWith('..') || path.isAbsolute(r)) return undefined;
  const [first, ...rest] = r.split(path.sep);
  return rest.length > 0 ? first : undefined;
}

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const boundary = {
  meta: {
    type: 'problem',
    docs: { description: 'Nothing outside platforms/<name>/ names that platform: its room, its package or its tables' },
    schema: [],
    messages: {
      room: "{{platform}}'s room (platforms/{{platform}}/) is imported from outside it: go through the platform registry or the connector contract",
      package: "'{{source}}' belongs to platforms/{{platform}}/ only",
      table: "`{{table}}` is {{platform}}'s table: only platforms/{{platform}}/ names it",
    },
  },
  create(context) {
    const file = context.filename;
    if (EXCEPTIONS.has(file)) return {};
    const room = roomOf(file);
    const isRoute = file.startsWith(path.join(appDir, 'routes') + path.sep) || ENTRY_POINTS.has(file);
    const checkSource = (node) => {
      const source = node.source && node.source.type === 'Literal' ? node.source.value : undefined;
      if (typeof source !== 'string') return;
      for (const [platform, packages] of Object.entries(PLATFORM_PACKAGES)) {
        if (platform !== room && packages.some((p) => source === p || source.startsWith(p + '/'))) {
          context.report({ node: node.source, messageId: 'package', data: { source, platform } });
        }
      }
      if (isRoute) return;
      let target;
      if (source.startsWith('~/')) target = path.join(appDir, source.slice(2));
      else if (source.startsWith('.')) target = path.resolve(path.dirname(file), source);
      else return;
      const platform = roomOf(target) ?? (path.dirname(target) === platformsDir && isDir(target) ? path.basename(target) : undefined);
      if (platform && platform !== room) context.report({ node: node.source, messageId: 'room', data: { platform } });
    };
    return {
      ImportDeclaration: checkSource,
      ExportNamedDeclaration: checkSource,
      ExportAllDeclaration: checkSource,
      ImportExpression: checkSource,
      MemberExpression(node) {
        const name = !node.computed && node.property.type === 'Identifier' ? node.property.name : undefined;
        const platform = name && TABLES.get(name);
        if (!platform || platform === room) return;
        // Entry points are the Shopify app's own; Amazon's tables are still not theirs.
        if (isRoute && platform === 'shopify') return;
        context.report({ node: node.property, messageId: 'table', data: { table: name, platform } });
      },
    };
  },
};

export default [
  {
    files: ['shopify-app/app/**/*.{ts,tsx}'],
    plugins: { rooms: { rules: { 'platform-boundary': boundary } } },
    rules: { 'rooms/platform-boundary': 'error' },
  },
];
