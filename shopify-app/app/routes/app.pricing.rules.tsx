// /app/pricing/rules: the pricing rules (per product, collection, tag, or the shop default) with their
// guardrails; a new rule can be tried across the catalog (dry run) before it is saved.
import { useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { Badge, Banner, BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from '@shopify/polaris';
import { apiFetch, ApiProblem, errorMessage } from '../components/pricing/format';
import { consoleProject } from '../pricing/console.server';
import { listRules, type RuleView } from '../pricing/rules.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  return { rules: await listRules(projectId) };
};

const KINDS = [
  { label: 'Match the Buy Box', value: 'match_buy_box' },
  { label: 'Beat the lowest offer by an amount', value: 'beat_lowest_amount' },
  { label: 'Beat the lowest offer by a percentage', value: 'beat_lowest_percent' },
  { label: 'Stay at a fixed price', value: 'fixed_price' },
];
const SCOPES = [
  { label: 'Shop default', value: 'shop' },
  { label: 'Collection', value: 'collection' },
  { label: 'Tag', value: 'tag' },
  { label: 'One product', value: 'product' },
];

interface Draft {
  name: string;
  scope: string;
  scopeValue: string;
  productLinkId: string;
  kind: string;
  param: string;
  currency: string;
  floorAmount: string;
  ceilingAmount: string;
  minMarginPercent: string;
  maxStepPercent: string;
  mapAmount: string;
  rounding: string;
  autoApproveMaxPercent: string;
  priority: string;
}

const EMPTY: Draft = { name: '', scope: 'shop', scopeValue: '', productLinkId: '', kind: 'beat_lowest_amount', param: '', currency: 'USD', floorAmount: '', ceilingAmount: '', minMarginPercent: '', maxStepPercent: '', mapAmount: '', rounding: '', autoApproveMaxPercent: '', priority: '0' };

function toBody(d: Draft) {
  const params = d.kind === 'beat_lowest_amount' ? { amount: d.param } : d.kind === 'beat_lowest_percent' ? { percent: d.param } : d.kind === 'fixed_price' ? { price: d.param } : {};
  const text = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    name: d.name,
    scope: d.scope,
    scopeValue: text(d.scopeValue),
    productLinkId: text(d.productLinkId),
    kind: d.kind,
    params,
    currency: text(d.currency),
    floorAmount: text(d.floorAmount),
    ceilingAmount: text(d.ceilingAmount),
    minMarginPercent: text(d.minMarginPercent),
    maxStepPercent: text(d.maxStepPercent),
    mapAmount: text(d.mapAmount),
    rounding: text(d.rounding),
    autoApproveMaxPercent: text(d.autoApproveMaxPercent),
    priority: Number(d.priority) || 0,
  };
}

function describe(rule: RuleView): string {
  const p = rule.params;
  switch (rule.kind) {
    case 'match_buy_box':
      return 'Match the Buy Box';
    case 'beat_lowest_amount':
      return `Beat the lowest offer by ${p.amount} ${rule.currency ?? ''}`;
    case 'beat_lowest_percent':
      return `Beat the lowest offer by ${p.percent} %`;
    case 'fixed_price':
      return `Fixed at ${p.price} ${rule.currency ?? ''}`;
    default:
      return rule.kind;
  }
}

function guardrails(rule: RuleView): string {
  return [
    rule.floorAmount && `floor ${rule.floorAmount}`,
    rule.ceilingAmount && `ceiling ${rule.ceilingAmount}`,
    rule.minMarginPercent && `margin ≥ ${rule.minMarginPercent} % over cost`,
    rule.maxStepPercent && `step ≤ ${rule.maxStepPercent} %`,
    rule.mapAmount && `MAP ${rule.mapAmount}`,
    rule.rounding && `ends in ${rule.rounding}`,
    rule.autoApproveMaxPercent && `auto-approve ≤ ${rule.autoApproveMaxPercent} %`,
  ]
    .filter(Boolean)
    .join(' · ');
}

export default function RulesPage() {
  const initial = useLoaderData<typeof loader>();
  const [rules, setRules] = useState<RuleView[]>(initial.rules as RuleView[]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [trial, setTrial] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  const handleProblem = (e: unknown) => {
    if (e instanceof ApiProblem && Array.isArray(e.problem?.errors)) {
      const errors = Object.fromEntries((e.problem!.errors as Array<{ path: string; message: string }>).map((x) => [x.path.replace(/^params\..*/, 'param'), x.message]));
      setFieldErrors(errors);
      setError('Fix the fields marked below.');
    } else setError(errorMessage(e));
  };

  const save = async () => {
    setBusy('save');
    setFieldErrors({});
    setError(null);
    try {
      await apiFetch('/api/pricing/rules', { body: toBody(draft) });
      setRules((await apiFetch<{ rules: RuleView[] }>('/api/pricing/rules')).rules);
      setDraft(EMPTY);
      setTrial(null);
    } catch (e) {
      handleProblem(e);
    } finally {
      setBusy(null);
    }
  };

  const tryIt = async () => {
    setBusy('try');
    setFieldErrors({});
    setError(null);
    try {
      const r = await apiFetch<{ counts: Record<string, number>; governedByDraft: number }>('/api/pricing/dry-run', { body: { rule: toBody(draft), onlyDraft: true, pageSize: 1 } });
      setTrial(`This rule would govern ${r.governedByDraft} product(s): ${r.counts.suggest} would get a new price (${r.counts.autoApprove} automatically), ${r.counts.no_change} keep theirs, ${r.counts.blocked} blocked by guardrails, ${r.counts.skipped} skipped. Nothing was created.`);
    } catch (e) {
      handleProblem(e);
    } finally {
      setBusy(null);
    }
  };

  const toggle = async (rule: RuleView) => {
    try {
      await apiFetch(`/api/pricing/rules/${rule.id}`, { method: 'PATCH', body: { isActive: !rule.isActive } });
      setRules((await apiFetch<{ rules: RuleView[] }>('/api/pricing/rules')).rules);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const remove = async (rule: RuleView) => {
    try {
      await apiFetch(`/api/pricing/rules/${rule.id}`, { method: 'DELETE' });
      setRules((r) => r.filter((x) => x.id !== rule.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const paramLabel = draft.kind === 'beat_lowest_amount' ? 'Amount to beat by' : draft.kind === 'beat_lowest_percent' ? 'Percent to beat by' : draft.kind === 'fixed_price' ? 'Fixed price' : null;

  return (
    <Page title="Pricing rules" subtitle="The most specific rule wins: a product’s own, then its collection’s or tag’s, then the shop default. Guardrails always win over the rule.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {error && (
              <Banner tone="critical" onDismiss={() => setError(null)}>
                <p>{error}</p>
              </Banner>
            )}
            <Card padding="0">
              <DataTable
                columnContentTypes={['text', 'text', 'text', 'text', 'text', 'text']}
                headings={['Rule', 'Applies to', 'Does', 'Guardrails', 'Status', '']}
                rows={rules.map((rule) => [
                  rule.name,
                  rule.scope === 'shop' ? 'Shop default' : `${rule.scope}${rule.scopeValue ? `: ${rule.scopeValue}` : ''}`,
                  describe(rule),
                  guardrails(rule) || '—',
                  <Badge key={rule.id} tone={rule.isActive ? 'success' : undefined}>{rule.isActive ? 'Active' : 'Paused'}</Badge>,
                  <InlineStack key={`${rule.id}-actions`} gap="200">
                    <Button size="slim" onClick={() => void toggle(rule)}>
                      {rule.isActive ? 'Pause' : 'Activate'}
                    </Button>
                    <Button size="slim" tone="critical" variant="plain" onClick={() => void remove(rule)}>
                      Delete
                    </Button>
                  </InlineStack>,
                ])}
              />
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  New rule
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField label="Name" value={draft.name} onChange={set('name')} autoComplete="off" error={fieldErrors.name} />
                    <Select label="Applies to" options={SCOPES} value={draft.scope} onChange={set('scope')} />
                    {(draft.scope === 'collection' || draft.scope === 'tag') && (
                      <TextField label={draft.scope === 'tag' ? 'Tag' : 'Collection ID'} value={draft.scopeValue} onChange={set('scopeValue')} autoComplete="off" error={fieldErrors.scopeValue} />
                    )}
                    {draft.scope === 'product' && <TextField label="Product link ID" value={draft.productLinkId} onChange={set('productLinkId')} autoComplete="off" error={fieldErrors.productLinkId} />}
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <Select label="Does" options={KINDS} value={draft.kind} onChange={set('kind')} />
                    {paramLabel && <TextField label={paramLabel} value={draft.param} onChange={set('param')} autoComplete="off" inputMode="decimal" error={fieldErrors.param} />}
                    <TextField label="Currency" value={draft.currency} onChange={set('currency')} autoComplete="off" error={fieldErrors.currency} />
                  </FormLayout.Group>
                  <FormLayout.Group condensed>
                    <TextField label="Floor" value={draft.floorAmount} onChange={set('floorAmount')} autoComplete="off" inputMode="decimal" error={fieldErrors.floorAmount} />
                    <TextField label="Ceiling" value={draft.ceilingAmount} onChange={set('ceilingAmount')} autoComplete="off" inputMode="decimal" error={fieldErrors.ceilingAmount} />
                    <TextField label="MAP" value={draft.mapAmount} onChange={set('mapAmount')} autoComplete="off" inputMode="decimal" error={fieldErrors.mapAmount} />
                  </FormLayout.Group>
                  <FormLayout.Group condensed>
                    <TextField label="Min margin over cost %" value={draft.minMarginPercent} onChange={set('minMarginPercent')} autoComplete="off" error={fieldErrors.minMarginPercent} />
                    <TextField label="Max step %" value={draft.maxStepPercent} onChange={set('maxStepPercent')} autoComplete="off" error={fieldErrors.maxStepPercent} />
                    <TextField label="Price ending" value={draft.rounding} onChange={set('rounding')} autoComplete="off" placeholder=".99" error={fieldErrors.rounding} />
                    <TextField label="Auto-approve up to %" value={draft.autoApproveMaxPercent} onChange={set('autoApproveMaxPercent')} autoComplete="off" error={fieldErrors.autoApproveMaxPercent} />
                  </FormLayout.Group>
                </FormLayout>
                {trial && (
                  <Banner tone="info" title="Dry run">
                    <p>{trial}</p>
                  </Banner>
                )}
                <InlineStack gap="200">
                  <Button onClick={() => void tryIt()} loading={busy === 'try'}>
                    Try it (dry run)
                  </Button>
                  <Button variant="primary" onClick={() => void save()} loading={busy === 'save'}>
                    Save rule
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
