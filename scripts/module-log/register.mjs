// `node --import <this file> …` with CALIBR_MODULE_LOG=<file>: every module the process (and its cluster
// workers, which inherit the flag) loads is appended to that file as a file:// URL, one a line. Tests use it
// to show what a production entry point's module graph holds, e.g. that it never loads @calibr/sandbox.
// ES modules are seen by a resolve hook (after tsx's, so the URL is the file actually loaded); CommonJS
// modules by wrapping Module._load's resolution.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.CALIBR_MODULE_LOG;
if (out) {
  register('./hooks.mjs', import.meta.url, { data: { out } });
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const filename = resolveFilename.call(this, request, ...rest);
    appendFileSync(out, `${filename.startsWith('/') ? pathToFileURL(filename).href : `node:${filename}`}\n`);
    return filename;
  };
}
