// A tiny round-robin load balancer (node:http), standing in for the one production runs the app behind:
// it sends each request to the next instance that is in rotation, takes an instance out while its
// /readyz answers anything but 200 (checked every 200 ms; a slow answer on a busy machine counts only the
// second time in a row), and when an instance refuses the connection (it stopped listening) tries the next
// one, as balancers do for connection failures. With every instance out it tries them all ("fail open",
// as AWS's load balancers do).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
  url: string;
  add(upstream: string): void;
  /** How many requests each upstream answered. */
  served: Map<string, number>;
  close(): Promise<void>;
}

export async function startLoadBalancer(): Promise<LoadBalancer> {
  const upstreams: string[] = [];
  const ready = new Map<string, boolean>();
  const served = new Map<string, number>();
  let next = 0;
  const agent = new http.Agent({ keepAlive: true });

  const misses = new Map<string, number>();
  const checking = new Set<string>();
  const check = setInterval(() => {
    for (const upstream of upstreams) {
      if (checking.has(upstream)) continue;
      checking.add(upstream);
      const verdict = (ok: boolean, definite: boolean) => {
        checking.delete(upstream);
        misses.set(upstream, ok ? 0 : (misses.get(upstream) ?? 0) + 1);
        ready.set(upstream, ok || (!definite && misses.get(upstream)! < 2));
      };
      const req = http.get(`${upstream}/readyz`, { agent, timeout: 3000 }, (res) => {
        verdict(res.statusCode === 200, true);
        res.resume();
      });
      req.on('error', (error: NodeJS.ErrnoException) => verdict(false, error.code === 'ECONNREFUSED'));
      req.on('timeout', () => req.destroy());
    }
  }, 200);

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, tried: number) => {
    const healthy = upstreams.filter((u) => ready.get(u) !== false);
    const inRotation = healthy.length > 0 ? healthy : upstreams;
    if (inRotation.length === 0 || tried >= upstreams.length + 1) {
      res.writeHead(502).end('no upstream');
      return;
    }
    const upstream = inRotation[next++ % inRotation.length]!;
    const target = new URL(req.url ?? '/', upstream);
    const out = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host }, agent }, (answer) => {
      served.set(upstream, (served.get(upstream) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (error: NodeJS.ErrnoException) => {
      // Nothing reached the instance: safe to send the request elsewhere.
      if ((error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') && !res.headersSent) {
        ready.set(upstream, false);
        forward(req, body, res, tried + 1);
      } else if (!res.headersSent) res.writeHead(502).end(error.message);
      else res.destroy();
    });
    out.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, Buffer.concat(chunks), res, 0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    served,
    add(upstream) {
      upstreams.push(upstream);
      ready.set(upstream, true);
    },
    async close() {
      clearInterval(check);
      agent.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
