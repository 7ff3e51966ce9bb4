// Display helpers for the pricing console (amounts stay decimal strings; Intl formats the string as is).
export { apiFetch, ApiProblem, errorMessage, formatPrice, formatWhen } from '../platforms/api-client';

export function formatPercent(percent: string | null | undefined): string {
  if (percent === null || percent === undefined) return '—';
  return `${percent.startsWith('-') ? '' : '+'}${percent} %`;
}

export const STATUS_TONES: Record<string, 'success' | 'critical' | 'warning' | 'attention' | 'info' | undefined> = {
  pending: 'attention',
  approved: 'info',
  auto_approved: 'info',
  rejected: undefined,
  superseded: undefined,
  pushing: 'info',
  applied: 'success',
  partially_applied: 'warning',
  failed: 'critical',
  queued: undefined,
  rolled_back: undefined,
  cancelled: undefined,
};

export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** A CSV from an /api/pricing/export route, saved through the browser (App Bridge adds the session token). */
export async function downloadCsv(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(path, { headers: { Accept: 'text/csv' } });
  if (!response.ok) throw new Error(`The export failed (HTTP ${response.status})`);
  const blob = await response.blob();
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
