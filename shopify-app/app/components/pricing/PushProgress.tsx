// Long work in the console: the push in flight (changes settling, each platform's attempts by status),
// platform syncs running and imports, each with a Polaris ProgressBar, polled from
// GET /api/pricing/progress while anything is open, and again whenever the shop's pricing lists change.
import { useCallback, useEffect, useState } from 'react';
import { Banner, BlockStack, InlineStack, ProgressBar, Text } from '@shopify/polaris';
import { useLiveRefresh } from '../live/use-live-refresh';
import { apiFetch } from './format';

export interface ProgressView {
  changes: Record<string, number>;
  attempts: Record<string, Record<string, number>>;
  open: number;
  jobs: Array<{ id: string; kind: string; status: string; progressDone: number; progressTotal: number | null; error: string | null }>;
  syncs?: Array<{ id: string; platform: string; syncType: string; itemsSynced: number; itemsTotal: number | null }>;
}

const PLATFORM_NAMES: Record<string, string> = { shopify: 'Shopify', amazon: 'Amazon' };

/**
 * The progress, polled every `everyMs` while anything is open and reloaded when the shop's pricing lists
 * change. `since`: the pricing version the page's loader read with `initial` (see useLiveRefresh).
 */
export function usePushProgress(initial: ProgressView | null, { since, everyMs = 1500 }: { since?: string; everyMs?: number } = {}) {
  const [progress, setProgress] = useState<ProgressView | null>(initial);
  const [watch, setWatch] = useState(0);
  const refresh = useCallback(async () => {
    try {
      setProgress(await apiFetch<ProgressView>('/api/pricing/progress'));
    } catch {
      // keep the last view; the next poll tries again
    }
  }, []);
  // A push settling or a change approved elsewhere moves the bar without waiting for a watch.
  useLiveRefresh(refresh, { since });
  const busy = Boolean(progress && (progress.open > 0 || progress.jobs.some((j) => j.status === 'running') || (progress.syncs?.length ?? 0) > 0));
  useEffect(() => {
    if (!busy && watch === 0) return;
    const timer = setInterval(() => void refresh(), everyMs);
    return () => clearInterval(timer);
  }, [busy, watch, refresh, everyMs]);
  useEffect(() => {
    if (watch === 0) return;
    const stop = setTimeout(() => setWatch(0), 10_000);
    return () => clearTimeout(stop);
  }, [watch]);
  return { progress, refresh, watch: () => setWatch((w) => w + 1) };
}

export function PushProgress({ progress }: { progress: ProgressView | null }) {
  if (!progress) return null;
  const running = progress.jobs.filter((j) => j.status === 'running');
  const syncs = progress.syncs ?? [];
  if (progress.open === 0 && running.length === 0 && syncs.length === 0) return null;
  const platforms = Object.entries(progress.attempts);
  const total = platforms.reduce((n, [, s]) => n + Object.values(s).reduce((a, b) => a + b, 0), 0);
  const settled = platforms.reduce((n, [, s]) => n + (s.applied ?? 0) + (s.failed ?? 0), 0);
  return (
    <Banner tone="info" title={progress.open > 0 ? `Pushing ${progress.open.toLocaleString()} price change${progress.open === 1 ? '' : 's'}` : syncs.length > 0 ? 'Syncing catalogs' : 'Working'}>
      <BlockStack gap="200">
        {progress.open > 0 && (
          <div data-section="push-progress">
            <ProgressBar progress={total === 0 ? 0 : Math.round((settled / total) * 100)} size="small" />
            <InlineStack gap="400">
              {platforms.map(([platform, statuses]) => (
                <Text as="span" key={platform} variant="bodySm">
                  {platform}: {Object.entries(statuses).map(([s, n]) => `${n.toLocaleString()} ${s}`).join(', ')}
                </Text>
              ))}
            </InlineStack>
          </div>
        )}
        {syncs.map((sync) => (
          <div key={sync.id} data-section="sync-progress" data-platform={sync.platform}>
            <Text as="p" variant="bodySm">
              {sync.syncType === 'full' ? 'Full sync' : 'Sync'} of {PLATFORM_NAMES[sync.platform] ?? sync.platform}: {sync.itemsSynced.toLocaleString()}
              {sync.itemsTotal ? ` of ${sync.itemsTotal.toLocaleString()}` : ''} items
            </Text>
            {/* Without a known total the bar moves by pages read (Shopify's catalog size isn't known up front). */}
            <ProgressBar progress={sync.itemsTotal ? Math.min(100, Math.round((sync.itemsSynced / sync.itemsTotal) * 100)) : Math.min(95, Math.round(100 * (1 - 1 / (1 + sync.itemsSynced / 1000))))} size="small" />
          </div>
        ))}
        {running.map((job) => (
          <div key={job.id} data-section="job-progress">
            <Text as="p" variant="bodySm">
              {job.kind === 'costs.import' ? 'Importing costs' : job.kind}: {job.progressDone.toLocaleString()} of {(job.progressTotal ?? 0).toLocaleString()}
            </Text>
            <ProgressBar progress={job.progressTotal ? Math.round((job.progressDone / job.progressTotal) * 100) : 0} size="small" />
          </div>
        ))}
      </BlockStack>
    </Banner>
  );
}
