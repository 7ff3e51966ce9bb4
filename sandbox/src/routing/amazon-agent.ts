// Routes Amazon traffic to the sandbox in sandbox mode, with the clients left unmodified: an https.Agent
// whose connections dial the sandbox on loopback over plain TCP. `amazon-sp-api` takes it as
// `options.https_proxy_agent` and uses it for SP-API calls, LWA (`exchange`, `refreshAccessToken`) and
// feed/report documents (`upload`, `download`); the real Host header travels with every request, which
// is how the sandbox tells api.amazon.com, sellingpartnerapi-na.amazon.com and the S3 hosts apart.
// (`downloadStream` doesn't pass the agent to node:https; use `download` in sandbox mode.)
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Agent as UndiciAgent, type Dispatcher } from 'undici';

function loopbackTarget(sandboxUrl: string | URL): { host: string; port: number } {
  const url = new URL(sandboxUrl);
  if (url.protocol !== 'http:') throw new Error(`the sandbox is reached over plain http, not ${url.protocol} (${url.href})`);
  return { host: url.hostname, port: Number(url.port || 80) };
}

export class AmazonSandboxAgent extends https.Agent {
  private readonly target: { host: string; port: number };

  constructor(sandboxUrl: string | URL, options: https.AgentOptions = {}) {
    super(options);
    this.target = loopbackTarget(sandboxUrl);
  }

  // The TLS handshake is skipped on purpose: the sandbox speaks plain HTTP on loopback.
  // Returning the socket synchronously is enough: node's Agent hands it to the request, which writes once
  // it connects and sees its errors.
  override createConnection(): Duplex {
    return net.connect(this.target);
  }
}

/** The agent for `new SellingPartner({ options: { https_proxy_agent } })` when SANDBOX_URL is set. */
export function createAmazonSandboxAgent(sandboxUrl: string | URL, options?: https.AgentOptions): AmazonSandboxAgent {
  return new AmazonSandboxAgent(sandboxUrl, options);
}

/** A fetch (undici) dispatcher that sends https://<amazon host>/… to the sandbox, keeping the Host header. */
export function createAmazonSandboxDispatcher(sandboxUrl: string | URL): Dispatcher {
  const target = loopbackTarget(sandboxUrl);
  return new UndiciAgent({
    connect: (_opts, callback) => {
      const socket = net.connect(target);
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (err) => callback(err, null));
    },
  });
}

/**
 * Where a browser reaches Seller Central's consent page in sandbox mode (browsers can't use the agent):
 * `${sellerCentralBaseUrl(SANDBOX_URL, 'sellercentral.amazon.com')}/apps/authorize/consent?…`.
 */
export function sellerCentralBaseUrl(sandboxUrl: string | URL, sellerCentralHost: string): string {
  return `${new URL(sandboxUrl).origin}/amazon/sellercentral/${sellerCentralHost}`;
}
