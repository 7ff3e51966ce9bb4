// Framework-neutral request/response, so the handler runs under node:http, Express or Remix alike.

export interface ConnectorHttpRequest {
  readonly method: string;
  /** Request target: path plus query string, as received (`/connector/pricing/price?externalId=1`). */
  readonly path: string;
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body bytes exactly as received (the signature covers them). */
  readonly rawBody?: string | Uint8Array;
}

export interface ConnectorHttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Serialized body (JSON or problem JSON), or empty for 204. */
  readonly body: string;
}
