// The dashboard's calls to the /api/platforms and /api/product-links routes. Inside Shopify Admin, App
// Bridge adds the session token to same-origin fetches; errors come back as problem+json.
import { shopDateTimeText } from '../../lib/shop-time';

export class ApiProblem extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem: Record<string, unknown> | undefined,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { Accept: 'application/json', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
    const message = (problem?.detail ?? problem?.title ?? `The request failed (HTTP ${response.status})`) as string;
    throw new ApiProblem(message, response.status, problem);
  }
  return body as T;
}

/** A decimal amount in its currency, for display. The amount string is formatted as is (never a float). */
export function formatPrice(price: { amount: string; currency: string } | null, locale?: string): string {
  if (!price) return '—';
  try {
    // Intl.NumberFormat formats a decimal string exactly (no binary float on the way).
    return new Intl.NumberFormat(locale, { style: 'currency', currency: price.currency }).format(price.amount as unknown as number);
  } catch {
    return `${price.amount} ${price.currency}`;
  }
}

/** "Dec 8, 2026, 04:20 Japan Time": on the shop's clock (useShopZone), as the Admin shows times; UTC without a zone. */
export function formatWhen(iso: string | null, timeZone: string | null): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '—';
  return shopDateTimeText(iso, timeZone);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
