// The secret audit itself (scripts/secret-audit): the whole `vitest run` is audited by the root config's
// global setup and the summary reporter; these tests prove its parts can see a leak. A checker that can't
// fail would make that audit worthless, so each part is shown failing on a planted secret in a scratch
// audit directory: the checker (every encoding, file and line, nothing printed in clear), the capture tap in
// a real child process (console, fd writes as pino makes them, HTTP responses; the platforms' servers
// skipped), and the sandbox's record of what it issues.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandbox } from '@calibr/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAuditDir, formatAuditResult, readRecordedSecrets } from '../../../scripts/secret-audit/check';

const captureModule = fileURLToPath(new URL('../../../scripts/secret-audit/capture.mjs', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const scratchDirs: string[] = [];

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'calibr-audit-scratch-'));
  scratchDirs.push(dir);
  mkdirSync(join(dir, 'out'), { recursive: true });
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  return dir;
}

function plantSecrets(dir: string, secrets: Array<{ kind: string; value: string }>): void {
  writeFileSync(join(dir, 'secrets', 'planted.jsonl'), secrets.map((s) => JSON.stringify(s)).join('\n') + '\n');
}

afterEach(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the checker', () => {
  const token = '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';
  const refreshToken = 'Atzr|IwEBIA9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a49';

  it('finds a planted secret as itself, URL-encoded and inside base64 at any alignment, naming file and line, masked', async () => {
    const dir = scratch();
    plantSecrets(dir, [
      { kind: 'Shopify offline access token', value: token },
      { kind: 'LWA refresh token', value: refreshToken },
      { kind: 'too short to be a secret', value: 'abc' },
      { kind: 'a filler, not a secret', value: 'x'.repeat(40) },
    ]);
    writeFileSync(
      join(dir, 'out', '101.stdout.log'),
      [`{"level":30,"msg":"clean line","sku":"${'x'.repeat(120)}"}`, 'started', `{"level":50,"headers":{"x-shopify-access-token":"${token}"},"again":"${token}"}`].join('\n'),
    );
    const basic = Buffer.from(`amzn1.application-oa2-client.abc:${refreshToken}`).toString('base64');
    writeFileSync(
      join(dir, 'out', '202.http.log'),
      [
        '### response to GET /auth/callback',
        'HTTP/1.1 302 Found',
        `Location: https://example.test/next?token=${encodeURIComponent(refreshToken)}`,
        '',
        `{"authorization":"Basic ${basic}"}`,
        `{"encoded":"${Buffer.from(`x${token}`).toString('base64url')}"}`,
      ].join('\n'),
    );
    writeFileSync(join(dir, 'out', '303.stderr.log'), 'nothing to see: abc abc abc\n');

    const result = await checkAuditDir(dir);
    const where = result.findings.map((f) => `${f.file}:${f.line} ${f.kind} ${f.form}`).sort();
    expect(where).toEqual([
      'out/101.stdout.log:3 Shopify offline access token plain',
      'out/202.http.log:3 LWA refresh token url',
      'out/202.http.log:5 LWA refresh token base64',
      // base64url and base64 spell this one alike: whichever is listed first names it
      'out/202.http.log:6 Shopify offline access token base64',
    ]);
    expect(result.secrets).toBe(2); // neither the 3-character value nor the filler is searched for
    expect(result.files).toBe(3);

    const report = formatAuditResult(dir, result);
    expect(report).toMatch(/^secret audit: FAILED/);
    expect(report).toContain('out/101.stdout.log:3');
    expect(report).toContain('[REDACTED Shopify offline access token, plain]');
    for (const form of [token, refreshToken, encodeURIComponent(refreshToken), basic]) expect(report).not.toContain(form);
    expect(report).not.toContain(token.slice(6, 30));
  });

  it('passes clean output, and a secret recorded after the fact still counts for output written before', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'out', '1.stdout.log'), `tok ${token} logged before the secret was known\n`);
    expect((await checkAuditDir(dir)).findings).toHaveLength(0); // no secrets recorded yet
    plantSecrets(dir, [{ kind: 'Shopify offline access token', value: token }]);
    expect((await checkAuditDir(dir)).findings.map((f) => f.line)).toEqual([1]);
    writeFileSync(join(dir, 'out', '1.stdout.log'), 'tok shpat_… redacted by the logger\n');
    const clean = await checkAuditDir(dir);
    expect(clean.findings).toHaveLength(0);
    expect(formatAuditResult(dir, clean)).toMatch(/^secret audit: passed: 1 secrets searched in 1 captured files/);
  });

  it('looks for a logs-only credential (a session token our redirects hand back to its sender) in log lines only', async () => {
    const dir = scratch();
    const sessionToken = 'eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly9zaG9wIn0.c2lnbmF0dXJlMDEyMzQ1Njc4OQ';
    writeFileSync(join(dir, 'secrets', 'sandbox.jsonl'), `${JSON.stringify({ kind: 'session token', value: sessionToken, logsOnly: true })}\n`);
    writeFileSync(join(dir, 'out', '7.http.log'), `### response to GET /\nHTTP/1.1 302 Found\nlocation: /app?embedded=1&id_token=${sessionToken}\n\n`);
    writeFileSync(join(dir, 'out', '7.stdout.log'), `{"msg":"authenticating","sessionToken":"${sessionToken}"}\n`);
    expect((await checkAuditDir(dir)).findings.map((f) => `${f.file}:${f.line}`)).toEqual(['out/7.stdout.log:1']);
  });
});

describe('the capture tap, preloaded into a real child process', () => {
  it('tees console, fd 1/2 writes and HTTP responses; skips the platforms’ servers; records HMAC keys', async () => {
    const dir = scratch();
    const leaks = {
      console: 'tok_console_leak_0123456789abcdef',
      fdWrite: 'tok_fdwrite_leak_0123456789abcdef',
      header: 'tok_header_leak_0123456789abcdef',
      body: 'tok_body_leak_0123456789abcdef',
      platform: 'tok_platform_only_0123456789abcdef',
    };
    plantSecrets(dir, Object.entries(leaks).map(([kind, value]) => ({ kind, value })));
    const script = `
      import crypto from 'node:crypto';
      import { writeSync } from 'node:fs';
      import http from 'node:http';
      const leaks = ${JSON.stringify(leaks)};
      crypto.createHmac('sha256', 'child-hmac-key-0123456789abcdef').update('x').digest('hex');
      console.log('console line', leaks.console);
      writeSync(2, JSON.stringify({ level: 50, msg: 'as pino writes', token: leaks.fdWrite }) + '\\n');
      const ours = http.createServer((req, res) => { res.setHeader('x-debug', leaks.header); res.write('{"a":'); res.end(JSON.stringify(leaks.body) + '}'); });
      const platform = http.createServer((req, res) => res.end(JSON.stringify({ access_token: leaks.platform })));
      platform[Symbol.for('calibr.secretAudit.platformServer')] = true;
      for (const server of [ours, platform]) await new Promise((r) => server.listen(0, '127.0.0.1', r));
      for (const server of [ours, platform]) await (await fetch('http://127.0.0.1:' + server.address().port + '/x?code=1')).text();
      for (const server of [ours, platform]) server.close();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, CALIBR_SECRET_AUDIT_DIR: dir, NODE_OPTIONS: `--import=${pathToFileURL(captureModule).href}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    // The process still wrote its output where it always does.
    expect(output).toContain(leaks.console);

    const result = await checkAuditDir(dir);
    const found = new Set(result.findings.map((f) => `${f.kind}@${f.file.replace(/\d+/, 'PID')}`));
    expect(found).toEqual(new Set(['console@out/PID.stdout.log', 'fdWrite@out/PID.stderr.log', 'header@out/PID.http.log', 'body@out/PID.http.log']));
    expect(readRecordedSecrets(dir).map((s) => s.value)).toContain('child-hmac-key-0123456789abcdef');
    // The platform's answer was not captured at all; our server's response was, headers and body.
    const http = readFileSync(join(dir, 'out', result.findings.find((f) => f.kind === 'body')!.file.slice(4)), 'utf8');
    expect(http).not.toContain(leaks.platform);
    expect(http).toContain('### response to GET /x\n');
    expect(http).not.toContain('code=1');
  });
});

describe('the sandbox', () => {
  it('records the tokens and secrets it issues and holds when CALIBR_SECRET_AUDIT_DIR is set', async () => {
    const dir = scratch();
    const previous = process.env.CALIBR_SECRET_AUDIT_DIR;
    process.env.CALIBR_SECRET_AUDIT_DIR = dir;
    const sandbox = await startSandbox({ port: 0 });
    try {
      const seed = (await (await fetch(`${sandbox.url}/_sandbox/seed`)).json()) as {
        amazon: { sellers: Array<{ lwa: { clientSecret: string; refreshToken: string } }> };
        shopify: { shops: Array<{ shop: string }> };
      };
      const shop = seed.shopify.shops[0]!.shop;
      const res = await fetch(`${sandbox.url}/_sandbox/shopify/shops/${shop}/install`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ expiring: true }),
      });
      const installed = (await res.json()) as { token: { access_token: string; refresh_token: string } };
      const recorded = new Map(readRecordedSecrets(dir).map((s) => [s.value, s.kind]));
      expect(recorded.get(installed.token.access_token)).toBe('sandbox Shopify offline access token');
      expect(recorded.get(installed.token.refresh_token)).toBe('sandbox Shopify refresh token');
      const seller = seed.amazon.sellers[0]!;
      expect(recorded.get(seller.lwa.refreshToken)).toBe('sandbox LWA refresh token');
      expect(recorded.get(seller.lwa.clientSecret)).toBe('sandbox LWA client secret');
      expect([...recorded.values()]).toContain('sandbox Shopify API secret');
    } finally {
      await sandbox.close();
      if (previous === undefined) delete process.env.CALIBR_SECRET_AUDIT_DIR;
      else process.env.CALIBR_SECRET_AUDIT_DIR = previous;
    }
  });
});

describe('the run', () => {
  it('a leak fails `vitest run` itself: exit code 1, one more failure in the closing line, file and line named', async () => {
    const dir = scratch();
    const leaked = 'Atzr|IwEBIleakedintoalogline0123456789abcdef';
    plantSecrets(dir, [{ kind: 'LWA refresh token', value: leaked }]);
    writeFileSync(join(dir, 'out', '4242.stderr.log'), `first line\n{"level":50,"msg":"token refresh failed","refreshToken":"${leaked}"}\n`);
    // A small, fast test file, run by the root config (global setup + summary reporter) in this audit directory.
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'amazon-service/test/settings-link.test.ts'], {
      cwd: repoRoot,
      env: { ...process.env, CALIBR_SECRET_AUDIT_DIR: dir, CALIBR_SECRET_AUDIT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    output = stripVTControlCharacters(output); // vitest's colours
    expect(output).toMatch(/Tests\s+2 passed/);
    expect(output).toContain('secret audit: FAILED');
    expect(output).toContain('out/4242.stderr.log:2 (LWA refresh token, plain');
    expect(output).toMatch(/tests: 2 passed, 1 failed, 0 skipped\n?$/);
    expect(output).not.toContain(leaked);
    expect(code).toBe(1);
  });
});
