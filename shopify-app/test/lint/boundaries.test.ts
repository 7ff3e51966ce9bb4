// The repository's own ESLint rules (lint/, turned on in eslint.config.js) against deliberate violations:
// every fixture in lint/fixtures is linted with the real configuration at the path it pretends to live at,
// and exactly its marked lines are reported (see lint/fixtures/README.md). A rule that lets a violation
// through, or flags what it should allow, fails here; `npm run lint` ignores the fixtures themselves.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint, Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixturesDir = join(repoRoot, 'lint', 'fixtures');
const fixtures = readdirSync(fixturesDir).filter((f) => /\.tsx?$/.test(f)).sort();

/** A fixture's pretended path and its expected errors as `line rule` (one entry per marker). */
function expectations(text: string, file: string): { as: string; expected: string[] } {
  const as = /^\/\/ lint as: (\S+)/.exec(text)?.[1];
  if (!as) throw new Error(`${file}: the first line must be "// lint as: <path>"`);
  const expected = text.split('\n').flatMap((line, i) => [...line.matchAll(/\/\/ ✗ (\S+)/g)].map((m) => `${i + 1} ${m[1]}`));
  return { as, expected };
}

/** The rules under test: the repository's own (calibr/…) and any rule a fixture marks (a core rule a boundary uses). */
const checkedRules = new Set(fixtures.flatMap((f) => expectations(readFileSync(join(fixturesDir, f), 'utf8'), f).expected.map((e) => e.split(' ')[1]!)));
const checked = (ruleId: string | null) => Boolean(ruleId && (ruleId.startsWith('calibr/') || checkedRules.has(ruleId)));

describe('boundaries (lint/)', () => {
  const eslint = new ESLint({ cwd: repoRoot });

  it('has fixtures with violations to catch, and one with none', () => {
    const marked = fixtures.map((f) => expectations(readFileSync(join(fixturesDir, f), 'utf8'), f).expected.length);
    expect(marked.some((n) => n > 0)).toBe(true);
    expect(marked.some((n) => n === 0)).toBe(true);
  });

  it.each(fixtures)('%s: exactly the marked lines fail', async (file) => {
    const text = readFileSync(join(fixturesDir, file), 'utf8');
    const { as, expected } = expectations(text, file);
    const [result] = await eslint.lintText(text, { filePath: join(repoRoot, as) });
    const fatal = result!.messages.filter((m) => m.fatal);
    expect(fatal, 'the fixture must parse').toEqual([]);
    const reported = result!.messages.filter((m) => checked(m.ruleId)).map((m) => `${m.line} ${m.ruleId}`);
    expect(reported.sort()).toEqual(expected.sort());
  });

  it("import-boundaries follows a library's exports: an entry that points into a test folder is tests' code", async () => {
    // A repository of its own, so the case doesn't depend on where this one's entries point today.
    const root = mkdtempSync(join(tmpdir(), 'calibr-lint-'));
    try {
      const write = (path: string, content: unknown) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
      };
      write('package.json', { private: true, workspaces: ['kit', 'app'] });
      write('kit/package.json', { name: '@calibr/kit', exports: { '.': './src/index.ts', './fakes': { import: './test/fakes/index.ts' } } });
      write('app/package.json', { name: '@calibr/app' });
      const { default: calibr } = (await import(pathToFileURL(join(repoRoot, 'lint', 'plugin.js')).href)) as { default: ESLint.Plugin };
      const linter = new Linter({ configType: 'flat', cwd: root });
      const config: Linter.Config[] = [{ files: ['**/*.js'], plugins: { calibr }, rules: { 'calibr/import-boundaries': ['error', { libraries: ['@calibr/kit'] }] } }];
      const code = ["import { a } from '@calibr/kit';", "import { fake } from '@calibr/kit/fakes';", "import { b } from '@calibr/kit/src/b';", 'export { a, fake, b };'].join('\n');
      const messages = linter.verify(code, config, join(root, 'app', 'src', 'main.js'));
      expect(messages.map((m) => [m.line, m.messageId ?? m.message])).toEqual([
        [2, 'tests'],
        [3, 'internals'],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
