// The secret audit's tap, preloaded into every Node process of a test run (NODE_OPTIONS=--import, set by
// global-setup.ts) when CALIBR_SECRET_AUDIT_DIR is set. Plain JavaScript so that it loads before any
// TypeScript loader. In each process it:
//   - tees stdout and stderr (console, process.stdout.write, and fd 1/2 writes such as pino's sonic-boom)
//     into <dir>/out/<pid>.<stream>.log;
//   - tees every HTTP response our servers send (status line, headers, body) into <dir>/out/<pid>.http.log,
//     except the sandbox's: it plays Shopify and Amazon, whose answers carry tokens by design;
//   - records every HMAC key and cipher key the process uses as a secret (SERVICE_SHARED_SECRET, the Shopify
//     API secret, encryption keys...) into <dir>/secrets/<pid>.jsonl, next to what the sandbox records.
// check.ts greps the captured output for the recorded secrets at the end of the run. Nothing here may throw
// into the code it observes: every hook swallows its own errors.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.env.CALIBR_SECRET_AUDIT_DIR;
const INSTALLED = Symbol.for('calibr.secretAudit.installed');
/** Set by the sandbox on its servers: their responses are the platforms' and are not audited. */
const PLATFORM_SERVER = Symbol.for('calibr.secretAudit.platformServer');
/** Set here on servers that test code creates itself (stand-ins for a third party, e.g. an OAuth callback). */
const FIXTURE_SERVER = Symbol('calibr.secretAudit.fixtureServer');
/** Shorter values are too likely to appear by chance (and are not real secrets). */
const MIN_SECRET_CHARS = 12;

if (dir && !globalThis[INSTALLED]) {
  globalThis[INSTALLED] = true;
  install(dir);
}

function install(auditDir) {
  const outDir = path.join(auditDir, 'out');
  const secretsDir = path.join(auditDir, 'secrets');
  fs.mkdirSync(outDir, { recursive: true });
  fs.mkdirSync(secretsDir, { recursive: true });
  const pid = process.pid;
  const { writeSync: realWriteSync, write: realWrite, openSync } = fs;
  const files = new Map();
  const fileFor = (name) => {
    let fd = files.get(name);
    if (fd === undefined) {
      fd = openSync(path.join(name === 'secrets' ? secretsDir : outDir, name === 'secrets' ? `${pid}.jsonl` : `${pid}.${name}.log`), 'a');
      files.set(name, fd);
    }
    return fd;
  };
  const append = (name, data) => {
    try {
      realWriteSync(fileFor(name), data);
    } catch {
      // the audit never breaks the process it watches
    }
  };
  append('process', `${JSON.stringify({ pid, ppid: process.ppid, argv: process.argv.slice(1, 4) })}\n`);

  // --- secrets this process holds ---------------------------------------------------------------
  const seen = new Set();
  const recordSecret = (kind, value) => {
    try {
      if (typeof value === 'string') {
        if (value.length < MIN_SECRET_CHARS || seen.has(value)) return;
        seen.add(value);
        append('secrets', `${JSON.stringify({ kind, value })}\n`);
      } else if (value && typeof value === 'object') {
        let bytes = value;
        if (value instanceof crypto.KeyObject) {
          if (value.type !== 'secret') return;
          bytes = value.export();
        }
        if (!Buffer.isBuffer(bytes) && ArrayBuffer.isView(bytes)) bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (!Buffer.isBuffer(bytes) || bytes.length < 16) return;
        const text = bytes.toString('utf8');
        // Text keys handed over as Buffers are recorded as text (the checker adds the encodings).
        if (/^[\x20-\x7e]+$/.test(text)) return recordSecret(kind, text);
        for (const form of ['base64', 'base64url', 'hex']) {
          const encoded = bytes.toString(form);
          if (seen.has(encoded)) continue;
          seen.add(encoded);
          append('secrets', `${JSON.stringify({ kind: `${kind} (${form})`, value: encoded, encoded: true })}\n`);
        }
      }
    } catch {
      // ignore
    }
  };
  const realCreateHmac = crypto.createHmac;
  crypto.createHmac = function createHmac(algorithm, key, options) {
    recordSecret('HMAC key', key);
    // AWS Signature V4 keys its first HMAC with "AWS4" + the secret access key.
    if (typeof key === 'string' && key.startsWith('AWS4')) recordSecret('AWS secret access key', key.slice(4));
    return realCreateHmac.call(this, algorithm, key, options);
  };
  for (const name of ['createCipheriv', 'createDecipheriv']) {
    const real = crypto[name];
    crypto[name] = function (algorithm, key, iv, options) {
      recordSecret('cipher key', key);
      return real.call(this, algorithm, key, iv, options);
    };
  }
  const realCreateSecretKey = crypto.createSecretKey;
  crypto.createSecretKey = function createSecretKey(key, encoding) {
    recordSecret('secret key', typeof key === 'string' && encoding ? Buffer.from(key, encoding) : key);
    return realCreateSecretKey.call(this, key, encoding);
  };

  // --- stdout / stderr ----------------------------------------------------------------------------
  const toText = (chunk, encoding) => {
    if (typeof chunk === 'string') return encoding && encoding !== 'utf8' && encoding !== 'utf-8' && Buffer.isEncoding(encoding) ? Buffer.from(chunk, encoding).toString('utf8') : chunk;
    if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    return '';
  };
  // process.stdout.write may end in fs.writeSync(1) (stdout to a file): tee it once, not twice.
  let inStreamWrite = false;
  for (const [name, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ]) {
    const realStreamWrite = stream.write;
    stream.write = function (chunk, encoding, _callback) {
      append(name, toText(chunk, typeof encoding === 'string' ? encoding : undefined));
      inStreamWrite = true;
      try {
        return realStreamWrite.apply(this, arguments);
      } finally {
        inStreamWrite = false;
      }
    };
  }
  const fdName = (fd) => (fd === 1 ? 'stdout' : fd === 2 ? 'stderr' : undefined);
  fs.writeSync = function writeSync(fd, buffer, ...rest) {
    const name = fdName(fd);
    // writeSync(fd, string, position, encoding) or writeSync(fd, buffer, offset, length, position)
    if (name && !inStreamWrite) append(name, toText(buffer, typeof rest[1] === 'string' ? rest[1] : undefined));
    return realWriteSync.call(this, fd, buffer, ...rest);
  };
  fs.write = function write(fd, buffer, ...rest) {
    const name = fdName(fd);
    if (name && !inStreamWrite) append(name, toText(buffer));
    return realWrite.call(this, fd, buffer, ...rest);
  };
  syncBuiltinESMExports();

  // --- HTTP responses of our servers --------------------------------------------------------------
  const BODY = Symbol('calibr.secretAudit.body');
  const isPlatform = (res) => {
    const server = res.req?.socket?.server ?? res.socket?.server;
    return Boolean(server && (server[PLATFORM_SERVER] || server[FIXTURE_SERVER]));
  };
  // Who starts listening decides what a server is: the first frame of our own code (not Node's, not a
  // package's) is a file under a test/ folder for a test's stand-in server, under src/, app/ or server/ for ours.
  const realListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (...args) {
    try {
      if (this instanceof http.Server) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 60;
        const stack = new Error().stack ?? '';
        Error.stackTraceLimit = limit;
        const files = [...stack.matchAll(/\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/gm)].map((m) => m[1]);
        const own = files.find((file) => !file.includes('/node_modules/') && !file.endsWith('/secret-audit/capture.mjs'));
        if (own && /\/test\//.test(own)) this[FIXTURE_SERVER] = true;
      }
    } catch {
      // audited, then
    }
    return realListen.apply(this, args);
  };
  const collect = (res, chunk, encoding) => {
    try {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      let body = res[BODY];
      if (body === undefined) body = res[BODY] = isPlatform(res) ? null : [];
      if (body === null) return;
      if (typeof chunk === 'string') body.push(Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8'));
      else if (chunk instanceof Uint8Array) body.push(Buffer.from(chunk));
    } catch {
      // ignore
    }
  };
  const decode = (res, bytes) => {
    const encoding = String(res.getHeader('content-encoding') ?? '').toLowerCase();
    try {
      if (encoding === 'gzip') return zlib.gunzipSync(bytes);
      if (encoding === 'br') return zlib.brotliDecompressSync(bytes);
      if (encoding === 'deflate') return zlib.inflateSync(bytes);
    } catch {
      // keep the raw bytes
    }
    return bytes;
  };
  const flush = (res) => {
    try {
      if (res[BODY] === null || res[BODY] === false) return;
      if (res[BODY] === undefined && isPlatform(res)) return;
      const chunks = res[BODY] ?? [];
      res[BODY] = false;
      const where = `${res.req?.method ?? '?'} ${String(res.req?.url ?? '?').split('?')[0]}`;
      const head = typeof res._header === 'string' ? res._header : `HTTP ${res.statusCode}\r\n${Object.entries(res.getHeaders()).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
      const body = decode(res, Buffer.concat(chunks)).toString('utf8');
      append('http', `### response to ${where}\n${head.replace(/\r\n/g, '\n')}${body}\n`);
    } catch {
      // ignore
    }
  };
  const proto = http.ServerResponse.prototype;
  const realResWrite = proto.write;
  proto.write = function (chunk, encoding, _callback) {
    collect(this, chunk, encoding);
    return realResWrite.apply(this, arguments);
  };
  const realEnd = proto.end;
  proto.end = function (chunk, encoding, _callback) {
    collect(this, chunk, encoding);
    const result = realEnd.apply(this, arguments);
    flush(this);
    return result;
  };
}
