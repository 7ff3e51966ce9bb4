// /app/pricing/costs: costs, floors, ceilings and MAP by SKU, imported from CSV: a preview first (each
// row's action, or what is wrong with it column by column), then the import (the Admin's title bar), with its
// progress; the outcome is a toast.
import { useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import { Badge, Banner, BlockStack, Button, Card, Checkbox, DataTable, DropZone, InlineStack, Layout, Page, Text, TextField } from '@shopify/polaris';
import { ErrorBanner } from '../components/ErrorBanner';
import { errorToast, toast } from '../components/frame/admin';
import { useBusyAction } from '../components/pricing/busy-action';
import { apiFetch, ApiProblem, downloadCsv, errorMessage } from '../components/pricing/format';
import { count } from '../components/pricing/outcome-text';
import { PushProgress, usePushProgress } from '../components/pricing/PushProgress';
import { consoleProject } from '../pricing/console.server';
import { pricingVersion } from '../pricing/live.server';
import { pushProgress } from '../pricing/progress.server';
import type { ImportPreview } from '../pricing/cost-import.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  // Read before the progress: its live refresh starts from it, so a push settling in between still shows.
  const live = await pricingVersion(projectId);
  return { live, progress: await pushProgress(projectId) };
};

const EXAMPLE = 'sku,currency,cost,floor,ceiling,map\nCAL-SHOE-9,USD,41.20,59.00,129.00,\n';

export default function CostsPage() {
  const initial = useLoaderData<typeof loader>();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useBusyAction();
  const { progress, watch } = usePushProgress(initial.progress, { since: initial.live, everyMs: 500 });

  const readFile = async (files: File[]) => {
    const file = files[0];
    if (!file) return;
    setFileName(file.name);
    setCsv(await file.text());
    setPreview(null);
  };

  const runPreview = async () => {
    setError(null);
    await run('preview', async () => {
      setPreview(await apiFetch<ImportPreview>('/api/pricing/costs/import', { body: { csv } }));
    });
  };

  const apply = async () => {
    setError(null);
    watch();
    await run('apply', async () => {
      const r = await apiFetch<{ written: number; skipped: number }>('/api/pricing/costs/import', { body: { csv, apply: true, skipInvalid } });
      toast(`Imported ${count(r.written, 'row')}${r.skipped ? `; ${count(r.skipped, 'bad row')} left out` : ''}`);
      setPreview(null);
      setCsv('');
      setFileName(null);
    }, (e) => {
      if (e instanceof ApiProblem && Array.isArray(e.problem?.errors)) {
        setError(`Nothing was imported: ${(e.problem!.errors as Array<{ path: string; message: string }>).slice(0, 5).map((x) => `${x.path.replace(/\..*$/, '')}: ${x.message}`).join('; ')}`);
      } else setError(errorMessage(e));
    });
  };

  const bad = preview?.counts.error ?? 0;
  // Importing needs a preview with something to write: no file error, and no bad row unless they are left out.
  const importable = preview !== null && preview.fileErrors.length === 0 && preview.counts.total > bad && (bad === 0 || skipInvalid);
  return (
    <Page>
      <TitleBar title="Costs">
        <button onClick={() => void downloadCsv('/api/pricing/export/costs', 'costs.csv').catch((e) => errorToast(errorMessage(e)))}>Export costs</button>
        <button variant="primary" onClick={() => void apply()} disabled={!importable || busy !== null} loading={busy === 'apply' ? '' : undefined}>
          Import costs
        </button>
      </TitleBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              Cost (for the minimum margin), floor, ceiling and MAP per SKU. They replace a rule’s floor, ceiling and MAP for that product.
            </Text>
            <PushProgress progress={progress} />
            <ErrorBanner error={error} onDismiss={() => setError(null)} />
            <Card>
              <BlockStack gap="300">
                <Text as="p">
                  Columns: sku, currency, cost, floor, ceiling, map. An empty cell keeps what is stored; <code>clear</code> removes a floor, ceiling or MAP. Preview the file, then import it from the
                  title bar.
                </Text>
                <DropZone accept=".csv,text/csv" allowMultiple={false} onDrop={(files) => void readFile(files)} label="CSV file">
                  {fileName ? <Text as="p" alignment="center">{fileName}</Text> : <DropZone.FileUpload actionHint="or paste the CSV below" />}
                </DropZone>
                <TextField label="CSV" labelHidden multiline={6} value={csv} onChange={(v) => { setCsv(v); setPreview(null); }} autoComplete="off" placeholder={EXAMPLE} monospaced />
                <InlineStack gap="200">
                  <Button onClick={() => void runPreview()} disabled={!csv.trim()} loading={busy === 'preview'}>
                    Preview
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            {preview && (
              <Card padding="0">
                <BlockStack gap="200">
                  <div style={{ padding: 'var(--p-space-400)' }} data-section="import-preview">
                    {preview.fileErrors.length > 0 ? (
                      <Banner tone="critical" title="The file can’t be imported">
                        <ul>
                          {preview.fileErrors.map((e) => (
                            <li key={e}>{e}</li>
                          ))}
                        </ul>
                      </Banner>
                    ) : (
                      <InlineStack gap="300" blockAlign="center">
                        <Text as="span">
                          {preview.counts.total} rows: {preview.counts.create} new, {preview.counts.update} changed, {preview.counts.unchanged} unchanged, {bad} with errors
                        </Text>
                        {bad > 0 && <Checkbox label="Import the good rows, leave the bad ones out" checked={skipInvalid} onChange={setSkipInvalid} />}
                      </InlineStack>
                    )}
                  </div>
                  {preview.rows.length > 0 && (
                    <DataTable
                      columnContentTypes={['numeric', 'text', 'text', 'text', 'text']}
                      headings={['Line', 'SKU', 'Action', 'Values', 'Problems']}
                      rows={preview.rows.map((r) => [
                        r.line,
                        r.sku ?? '—',
                        <Badge key={r.line} tone={r.action === 'error' ? 'critical' : r.action === 'unchanged' ? undefined : 'success'}>{r.action}</Badge>,
                        r.values ? `cost ${r.values.cost} ${r.values.currency}${r.values.floor ? ` · floor ${r.values.floor}` : ''}${r.values.ceiling ? ` · ceiling ${r.values.ceiling}` : ''}${r.values.map ? ` · MAP ${r.values.map}` : ''}` : '—',
                        [...r.errors.map((e) => e.message), ...r.warnings].join('; ') || '—',
                      ])}
                    />
                  )}
                  {preview.unlistedRows > 0 && (
                    <div style={{ padding: 'var(--p-space-400)' }}>
                      <Text as="p" tone="subdued">
                        {count(preview.unlistedRows, 'more row')} {preview.unlistedRows === 1 ? 'is' : 'are'} counted above but not listed.
                      </Text>
                    </div>
                  )}
                </BlockStack>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
