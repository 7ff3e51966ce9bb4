// /app/pricing/history: the audit log of the pricing loop (who approved, rejected, retried or rolled back
// what, and when; what each push ended as; prices edited outside Calibrate), with CSV exports.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import { BlockStack, Card, DataTable, Layout, Page, Text } from '@shopify/polaris';
import { errorToast } from '../components/frame/admin';
import { downloadCsv, errorMessage, formatWhen } from '../components/pricing/format';
import { useShopZone } from '../components/frame/shop-zone';
import { listAudit } from '../pricing/audit.server';
import { consoleProject } from '../pricing/console.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  return { entries: await listAudit(projectId, { limit: 200 }) };
};

const ACTIONS: Record<string, string> = {
  'price_suggestion.approved': 'Approved a suggestion',
  'price_suggestion.auto_approved': 'Approved automatically',
  'price_suggestion.rejected': 'Rejected a suggestion',
  'price_change.applied': 'Price applied on every platform',
  'price_change.partially_applied': 'Price applied on some platforms',
  'price_change.failed': 'Price change failed',
  'price_change.retried': 'Retried a price change',
  'price_change.rollback_requested': 'Rolled back a price change',
  'pricing_rule.created': 'Created a rule',
  'pricing_rule.updated': 'Changed a rule',
  'pricing_rule.deleted': 'Deleted a rule',
  'product_cost.imported': 'Imported costs',
  'listing.price_changed_outside_calibrate': 'Price edited outside Calibrate',
};

function details(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const d = data as Record<string, unknown>;
  const parts: string[] = [];
  if (d.title) parts.push(String(d.title));
  if (d.from !== undefined && d.to !== undefined) parts.push(`${d.from} → ${d.to}${d.currency ? ` ${d.currency}` : ''}`);
  if (d.edited) parts.push('(price edited)');
  if (d.platforms && typeof d.platforms === 'object' && !Array.isArray(d.platforms)) {
    parts.push(Object.entries(d.platforms as Record<string, string>).map(([p, s]) => `${p}: ${s}`).join(', '));
  }
  if (typeof d.written === 'number') parts.push(`${d.written} written, ${d.skipped ?? 0} skipped`);
  return parts.join(' · ');
}

export default function AuditPage() {
  const { entries } = useLoaderData<typeof loader>();
  const zone = useShopZone();
  const download = (kind: string) => () => void downloadCsv(`/api/pricing/export/${kind}`, `${kind}.csv`).catch((e) => errorToast(errorMessage(e)));
  return (
    <Page>
      <TitleBar title="Audit log">
        <button onClick={download('history')}>Export price history</button>
        <button onClick={download('suggestions')}>Export suggestions</button>
        <button variant="primary" onClick={download('audit')}>
          Export audit log
        </button>
      </TitleBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              Who did what to prices, and when.
            </Text>
            <Card padding="0">
              {entries.length === 0 ? (
                <div style={{ padding: 'var(--p-space-400)' }}>
                  <Text as="p" tone="subdued">
                    Nothing yet.
                  </Text>
                </div>
              ) : (
                <DataTable
                  columnContentTypes={['text', 'text', 'text', 'text']}
                  headings={['When', 'Who', 'What', 'Details']}
                  rows={entries.map((e) => [formatWhen(e.createdAt, zone), e.actorName, ACTIONS[e.action] ?? e.action, details(e.data)])}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
