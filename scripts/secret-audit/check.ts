// The secret audit's check: every secret recorded during the run (secrets/*.jsonl: what the sandbox issued,
// what the processes keyed HMACs and ciphers with) is searched for, as itself, URL-encoded and base64 /
// base64url encoded (at each of the three byte alignments, so a secret inside a longer encoded value such as
// a Basic header is found too), in every captured log and HTTP response (out/*.log). Findings name the
// file, line and process, and show the line with the secret itself masked.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RecordedSecret {
  kind: string;
  value: string;
  /** Already an encoded form (of a binary key): searched for as it is. */
  encoded?: boolean;
  /** Searched for in log lines only (a credential our responses may hand back to its own sender). */
  logsOnly?: boolean;
}

export interface Finding {
  /** out/<pid>.<stream>.log, relative to the audit directory */
  file: string;
  line: number;
  kind: string;
  /** plain, url, base64, base64url, json */
  form: string;
  /** the process that wrote it (its argv), when known */
  process: string;
  /** the line around the secret, the secret masked */
  excerpt: string;
}

export interface AuditResult {
  secrets: number;
  files: number;
  bytes: number;
  findings: Finding[];
  seconds: number;
}

interface Needle {
  text: string;
  kind: string;
  form: string;
}

const MIN_NEEDLE = 12;
const ANCHOR = 12;
/** Fewer different characters than this is a filler ("xxxx…", a test's dummy key), not a secret. */
const MIN_DISTINCT_CHARS = 6;

function looksSecret(value: string): boolean {
  return value.length >= MIN_NEEDLE && new Set(value).size >= MIN_DISTINCT_CHARS;
}

/** Every recorded secret of an audit directory. */
export function readRecordedSecrets(dir: string): RecordedSecret[] {
  const secretsDir = join(dir, 'secrets');
  if (!existsSync(secretsDir)) return [];
  const byValue = new Map<string, RecordedSecret>();
  for (const name of readdirSync(secretsDir)) {
    for (const line of readFileSync(join(secretsDir, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const secret = JSON.parse(line) as RecordedSecret;
        if (typeof secret.value === 'string' && looksSecret(secret.value) && !byValue.has(secret.value)) byValue.set(secret.value, secret);
      } catch {
        // a torn line from a killed process: the rest still counts
      }
    }
  }
  return [...byValue.values()];
}

/** The base64 text that encodes `value` wherever it sits in a longer byte string (three alignments). */
function base64Cores(value: Buffer, alphabet: 'base64' | 'base64url'): string[] {
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), value]).toString(alphabet);
    // Skip the first group when it mixes in the unknown preceding bytes, and the last partial group.
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + value.length) / 3) * 4;
    const core = encoded.slice(start, end);
    if (core.length >= MIN_NEEDLE) cores.push(core);
  }
  return cores;
}

/** The forms a secret may take in output. */
export function needlesFor(secret: RecordedSecret): Needle[] {
  const needles: Needle[] = [{ text: secret.value, kind: secret.kind, form: 'plain' }];
  if (secret.encoded) return needles;
  const add = (text: string, form: string) => {
    if (text.length >= MIN_NEEDLE && !needles.some((n) => n.text === text)) needles.push({ text, kind: secret.kind, form });
  };
  add(encodeURIComponent(secret.value), 'url');
  add(JSON.stringify(secret.value).slice(1, -1), 'json');
  const bytes = Buffer.from(secret.value, 'utf8');
  for (const core of base64Cores(bytes, 'base64')) add(core, 'base64');
  for (const core of base64Cores(bytes, 'base64url')) add(core, 'base64url');
  return needles;
}

function trigram(text: string, at: number): number {
  return text.charCodeAt(at) * 0x100000000 + text.charCodeAt(at + 1) * 0x10000 + text.charCodeAt(at + 2);
}

class NeedleIndex {
  private readonly byAnchor = new Map<string, Needle[]>();
  /** The first three characters of every needle, as numbers: most positions are dismissed without a slice. */
  private readonly starts = new Set<number>();
  readonly tokenPattern: RegExp;
  constructor(needles: Needle[]) {
    const chars = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
    for (const needle of needles) {
      const anchor = needle.text.slice(0, ANCHOR);
      const list = this.byAnchor.get(anchor);
      if (list) list.push(needle);
      else this.byAnchor.set(anchor, [needle]);
      for (const ch of needle.text) chars.add(ch);
      this.starts.add(trigram(needle.text, 0));
    }
    // A secret lies inside one run of the characters secrets are made of: only those runs are scanned.
    const escaped = [...chars].map((ch) => (/[\\\]^-]/.test(ch) ? `\\${ch}` : ch)).join('');
    this.tokenPattern = new RegExp(`[${escaped}]{${MIN_NEEDLE},}`, 'gu');
  }

  /** Every needle in a line: [position, needle]. */
  find(line: string): Array<[number, Needle]> {
    const hits: Array<[number, Needle]> = [];
    this.tokenPattern.lastIndex = 0;
    for (const match of line.matchAll(this.tokenPattern)) {
      const token = match[0];
      for (let i = 0; i + ANCHOR <= token.length; i++) {
        if (!this.starts.has(trigram(token, i))) continue;
        const candidates = this.byAnchor.get(token.slice(i, i + ANCHOR));
        if (!candidates) continue;
        for (const needle of candidates) if (token.startsWith(needle.text, i)) hits.push([match.index + i, needle]);
      }
    }
    return hits;
  }
}

/** The line around `at`, with every secret in it masked and cut words at the window's edges dropped. */
function excerpt(line: string, hits: Array<[number, Needle]>, at: number): string {
  let masked = '';
  let cursor = 0;
  for (const [position, needle] of [...hits].sort((a, b) => a[0] - b[0])) {
    if (position < cursor) continue;
    masked += `${line.slice(cursor, position)}[REDACTED ${needle.kind}, ${needle.form}]`;
    cursor = position + needle.text.length;
    if (position <= at) at = masked.length;
  }
  masked += line.slice(cursor);
  const start = Math.max(0, at - 160);
  const end = Math.min(masked.length, at + 120);
  let window = masked.slice(start, end);
  if (start > 0) window = `…${window.replace(/^\S*/, '')}`;
  if (end < masked.length) window = `${window.replace(/\S*$/, '')}…`;
  return window;
}

function processNames(dir: string): Map<string, string> {
  const names = new Map<string, string>();
  const outDir = join(dir, 'out');
  for (const name of readdirSync(outDir)) {
    if (!name.endsWith('.process.log')) continue;
    try {
      const info = JSON.parse(readFileSync(join(outDir, name), 'utf8').split('\n')[0] ?? '{}') as { pid?: number; argv?: string[] };
      names.set(String(info.pid), (info.argv ?? []).map((arg) => arg.replace(/^.*\/node_modules\//, '')).join(' '));
    } catch {
      // unnamed
    }
  }
  return names;
}

/** Greps every captured file of an audit directory for every recorded secret. */
export async function checkAuditDir(dir: string, { maxFindings = 50 }: { maxFindings?: number } = {}): Promise<AuditResult> {
  const started = performance.now();
  const secrets = readRecordedSecrets(dir);
  const logIndex = new NeedleIndex(secrets.flatMap(needlesFor));
  const responseIndex = new NeedleIndex(secrets.filter((s) => !s.logsOnly).flatMap(needlesFor));
  const outDir = join(dir, 'out');
  const findings: Finding[] = [];
  let files = 0;
  let bytes = 0;
  if (existsSync(outDir)) {
    const names = processNames(dir);
    for (const name of readdirSync(outDir).sort()) {
      if (!name.endsWith('.log') || name.endsWith('.process.log')) continue;
      const file = join(outDir, name);
      files += 1;
      bytes += statSync(file).size;
      if (secrets.length === 0) continue;
      const index = name.endsWith('.http.log') ? responseIndex : logIndex;
      let lineNumber = 0;
      const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
      for await (const line of lines) {
        lineNumber += 1;
        if (line.length < MIN_NEEDLE) continue;
        const hits = index.find(line);
        const reported = new Set<string>();
        for (const [position, needle] of hits) {
          if (findings.length >= maxFindings) break;
          // One finding per secret kind and form on a line, however often it repeats there.
          if (reported.has(`${needle.kind}\n${needle.form}`)) continue;
          reported.add(`${needle.kind}\n${needle.form}`);
          findings.push({
            file: `out/${name}`,
            line: lineNumber,
            kind: needle.kind,
            form: needle.form,
            process: names.get(name.split('.')[0] ?? '') ?? 'unknown',
            excerpt: excerpt(line, hits, position),
          });
        }
      }
    }
  }
  return { secrets: secrets.length, files, bytes, findings, seconds: (performance.now() - started) / 1000 };
}

/** The report printed at the end of the run (never contains a secret). */
export function formatAuditResult(dir: string, result: AuditResult): string {
  const figures = `${result.secrets} secrets searched in ${result.files} captured files (${(result.bytes / 1e6).toFixed(1)} MB) in ${result.seconds.toFixed(1)} s`;
  if (result.findings.length === 0) return `secret audit: passed: ${figures}, no secret found\n`;
  const lines = [`secret audit: FAILED: ${figures}; secrets found in output (kept in ${dir}):`];
  for (const finding of result.findings) {
    lines.push(`  ${finding.file}:${finding.line} (${finding.kind}, ${finding.form}; process: ${finding.process})`);
    lines.push(`    ${finding.excerpt}`);
  }
  return `${lines.join('\n')}\n`;
}
