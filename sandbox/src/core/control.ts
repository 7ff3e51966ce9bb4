// The core's control API under /_sandbox/: health, seed identities, log, faults, reset. Platform-specific
// routes (/_sandbox/<platform>/…) are delegated to the platform's `control`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext, SandboxPlatform } from '../platform';
import type { FaultTable } from './faults';
import { validateFault } from './faults';
import { HttpError, readJson, requestUrl, sendJson } from './http';
import type { RequestLog } from './log';

export interface ControlDeps {
  platforms: SandboxPlatform[];
  log: RequestLog;
  faults: FaultTable;
  ctx: SandboxContext;
  startedAt: string;
  reset(seed: 'demo' | 'none'): void;
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, deps: ControlDeps): Promise<boolean> {
  const url = requestUrl(req);
  const rest = url.pathname.replace(/^\/_sandbox\/?/, '');
  const method = req.method ?? 'GET';

  if (rest === 'health' && method === 'GET') {
    sendJson(res, 200, {
      ok: true,
      startedAt: deps.startedAt,
      baseUrl: deps.ctx.baseUrl,
      timeScale: deps.ctx.timeScale,
      platforms: deps.platforms.map((p) => p.name),
    });
    return true;
  }

  if (rest === 'seed' && method === 'GET') {
    const identities: Record<string, unknown> = {};
    for (const p of deps.platforms) identities[p.name] = p.seedIdentities();
    sendJson(res, 200, { note: 'sandbox-only credentials; they work nowhere else', baseUrl: deps.ctx.baseUrl, ...identities });
    return true;
  }

  if (rest === 'log') {
    if (method === 'DELETE') {
      deps.log.clear();
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (method === 'GET') {
      const q = url.searchParams;
      const num = (k: string) => (q.has(k) ? Number(q.get(k)) : undefined);
      const entries = deps.log.query({
        platform: q.get('platform') ?? undefined,
        kind: q.get('kind') ?? undefined,
        path: q.get('path') ?? undefined,
        since: num('since'),
        limit: num('limit'),
      });
      sendJson(res, 200, { lastId: deps.log.lastId, entries });
      return true;
    }
  }

  if (rest === 'faults') {
    if (method === 'GET') {
      sendJson(res, 200, { faults: deps.faults.list() });
      return true;
    }
    if (method === 'POST') {
      const body = await readJson<unknown>(req);
      const specs = Array.isArray(body) ? body : [body];
      const added = specs.map((s) => deps.faults.add(validateFault(s)));
      sendJson(res, 201, Array.isArray(body) ? { faults: added } : added[0]);
      return true;
    }
    if (method === 'DELETE') {
      deps.faults.clear();
      sendJson(res, 200, { ok: true });
      return true;
    }
  }
  const faultMatch = /^faults\/([\w-]+)$/.exec(rest);
  if (faultMatch && method === 'DELETE') {
    const removed = deps.faults.remove(faultMatch[1]!);
    sendJson(res, removed ? 200 : 404, { ok: removed });
    return true;
  }

  if (rest === 'reset' && method === 'POST') {
    const body = await readJson<{ seed?: string }>(req);
    const seed = body.seed === 'none' ? 'none' : 'demo';
    deps.reset(seed);
    sendJson(res, 200, { ok: true, seed });
    return true;
  }

  const slash = rest.indexOf('/');
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const platform = deps.platforms.find((p) => p.name === name);
  if (platform) {
    const handled = await platform.control(slash < 0 ? '' : rest.slice(slash + 1), req, res, deps.ctx);
    if (handled) return true;
  }
  throw new HttpError(404, `no control route ${method} /_sandbox/${rest}`);
}
