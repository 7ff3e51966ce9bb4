// calibr/import-boundaries: what product code may import from the rest of the monorepo.
//   - never the sandbox (the product has runtime hooks; `npm start`, tests and benches install the sandbox's);
//   - never tests' code (a `test`/`tests`/`__tests__`/`__test-helpers` folder, a `*.test.*` file), however
//     it is reached: by a relative path or through a package export that points there;
//   - another workspace only by its package name, through an entry its package.json exports, and only if it
//     is a library (option `libraries`): an app or a service is reached over its contract, not imported.
// Paths are resolved by hand from the workspaces' package.json files (no module resolution): imports of
// npm packages and type-only `import()` types are not its business.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const TEST_FOLDERS = new Set(['test', 'tests', '__tests__', '__test-helpers']);
const SANDBOX = '@calibr/sandbox';

/** The workspaces of the repository whose root holds `cwd`'s package.json with `workspaces`. */
function loadWorkspaces(root) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return (manifest.workspaces ?? []).map((dir) => {
    const absolute = path.resolve(root, dir);
    const pkg = JSON.parse(readFileSync(path.join(absolute, 'package.json'), 'utf8'));
    return { dir: absolute, name: pkg.name, exports: normalizeExports(pkg.exports) };
  });
}

/** `exports` as subpath → file (conditions: import, then default). */
function normalizeExports(exports) {
  if (!exports) return new Map();
  if (typeof exports === 'string') return new Map([['.', exports]]);
  const entries = Object.keys(exports).every((key) => key.startsWith('.')) ? exports : { '.': exports };
  return new Map(
    Object.entries(entries)
      .map(([subpath, target]) => [subpath, typeof target === 'string' ? target : (target?.import ?? target?.default)])
      .filter(([, target]) => typeof target === 'string'),
  );
}

function findRoot(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).workspaces) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function isTestPath(file) {
  const parts = file.split(/[\\/]/);
  return parts.some((part) => TEST_FOLDERS.has(part)) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(parts.at(-1) ?? '');
}

const within = (dir, file) => file === dir || file.startsWith(dir + path.sep);

const workspacesByRoot = new Map();

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Product code never imports the sandbox, tests, or another workspace other than a library through its exports.' },
    schema: [
      {
        type: 'object',
        properties: { libraries: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      sandbox: "Product code never imports the sandbox ('{{source}}'): read a runtime hook (@calibr/shared-contracts' RuntimeHooks) and let `npm start`, the tests or the benches install the sandbox's.",
      tests: "Product code never imports tests' code ('{{source}}' is {{target}}).",
      notLibrary: "'{{source}}': {{name}} is not a library for product code (libraries: {{libraries}}); reach it through its contract (HTTP), not an import.",
      internals: "'{{source}}' reaches into {{name}}'s internals: import it by package name, through an entry its package.json exports.",
    },
  },
  create(context) {
    const filename = context.physicalFilename ?? context.filename;
    const root = findRoot(path.dirname(filename));
    if (!root) return {};
    if (!workspacesByRoot.has(root)) workspacesByRoot.set(root, loadWorkspaces(root));
    const workspaces = workspacesByRoot.get(root);
    const own = workspaces.find((ws) => within(ws.dir, filename));
    const libraries = new Set(context.options[0]?.libraries ?? []);
    const rel = (file) => path.relative(root, file).split(path.sep).join('/');

    function check(node, source) {
      const report = (messageId, data = {}) => context.report({ node, messageId, data: { source, ...data } });
      if (source.startsWith('.')) {
        const target = path.resolve(path.dirname(filename), source);
        if (own && !within(own.dir, target)) {
          const other = workspaces.find((ws) => within(ws.dir, target));
          return report('internals', { name: other?.name ?? rel(target) });
        }
        if (isTestPath(target)) return report('tests', { target: rel(target) });
        return;
      }
      if (source === SANDBOX || source.startsWith(`${SANDBOX}/`)) return report('sandbox');
      const ws = workspaces.find((w) => source === w.name || source.startsWith(`${w.name}/`));
      if (!ws || ws === own) return; // an npm package, or a file's own workspace by name
      const { name } = ws;
      const subpath = source.slice(name.length + 1);
      if (!libraries.has(name)) return report('notLibrary', { name, libraries: [...libraries].join(', ') || 'none' });
      const exported = ws.exports.get(subpath ? `./${subpath}` : '.');
      if (!exported) return report('internals', { name });
      const target = path.resolve(ws.dir, exported);
      if (isTestPath(target)) return report('tests', { target: `${rel(target)}, exported as '${source}'` });
    }

    const fromLiteral = (node, sourceNode) => {
      if (sourceNode?.type === 'Literal' && typeof sourceNode.value === 'string') check(node, sourceNode.value);
      else if (sourceNode?.type === 'TemplateLiteral' && sourceNode.expressions.length === 0) check(node, sourceNode.quasis[0].value.cooked);
    };
    return {
      ImportDeclaration: (node) => fromLiteral(node, node.source),
      ExportNamedDeclaration: (node) => node.source && fromLiteral(node, node.source),
      ExportAllDeclaration: (node) => fromLiteral(node, node.source),
      ImportExpression: (node) => fromLiteral(node, node.source),
    };
  },
};
