// /app/pricing/rules: the pricing rules (per product, collection, tag, or the shop default) with their
// guardrails and auto-approve threshold, each editable; a rule (new, edited or stored) can be tried
// across the catalog (dry run: what it would suggest for each product, nothing created) before saving.
// The form's unsaved changes raise the Admin's save bar (Save / Discard); outcomes are toasts.
import { useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { SaveBar, TitleBar } from '@shopify/app-bridge-react';
import { Badge, BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Select, Text, TextField, useBreakpoints } from '@shopify/polaris';
import { ErrorBanner } from '../components/ErrorBanner';
import { leaveConfirmation, toast } from '../components/frame/admin';
import { useBusyAction } from '../components/pricing/busy-action';
import { DryRunWhy, type WhyRow } from '../components/pricing/DryRunWhy';
import { competingBody, competingFromRule, describeCompeting, NEW_RULE_COMPETING, type CompetingDraft } from '../components/pricing/rule-competing';
import { RuleCompetingFields } from '../components/pricing/RuleCompetingFields';
import { apiFetch, ApiProblem, errorMessage, formatPercent, formatPrice, statusLabel } from '../components/pricing/format';
import { count } from '../components/pricing/outcome-text';
import { consoleProject } from '../pricing/console.server';
import { listRules, type RuleView } from '../pricing/rules.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  return { rules: await listRules(projectId) };
};

const KINDS = [
  { label: 'Win the Buy Box', value: 'win_buy_box' },
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
  /** Set while an existing rule is being edited. */
  id?: string;
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
  competing: CompetingDraft;
}

const EMPTY: Draft = {
  name: '',
  scope: 'shop',
  scopeValue: '',
  productLinkId: '',
  kind: 'win_buy_box',
  param: '',
  currency: 'USD',
  floorAmount: '',
  ceilingAmount: '',
  minMarginPercent: '',
  maxStepPercent: '',
  mapAmount: '',
  rounding: '',
  autoApproveMaxPercent: '',
  priority: '0',
  competing: NEW_RULE_COMPETING,
};

function fromRule(rule: RuleView): Draft {
  const p = rule.params;
  return {
    id: rule.id,
    name: rule.name,
    scope: rule.scope,
    scopeValue: rule.scopeValue ?? '',
    productLinkId: rule.productLinkId ?? '',
    kind: rule.kind,
    param: p.amount ?? p.percent ?? p.price ?? '',
    currency: rule.currency ?? '',
    floorAmount: rule.floorAmount ?? '',
    ceilingAmount: rule.ceilingAmount ?? '',
    minMarginPercent: rule.minMarginPercent ?? '',
    maxStepPercent: rule.maxStepPercent ?? '',
    mapAmount: rule.mapAmount ?? '',
    rounding: rule.rounding ?? '',
    autoApproveMaxPercent: rule.autoApproveMaxPercent ?? '',
    priority: String(rule.priority),
    competing: competingFromRule(rule),
  };
}

interface DryRunView {
  counts: { evaluated: number; suggest: number; no_change: number; skipped: number; blocked: number; autoApprove: number };
  governedByDraft: number | null;
  total: number;
  rows: Array<
    WhyRow & { itemId: string; title: string; sku: string | null; status: string; current: { amount: string; currency: string } | null; suggested: { amount: string; currency: string } | null; changePercent: string | null; autoApprove: boolean }
  >;
}

function toBody(d: Draft) {
  const params =
    d.kind === 'beat_lowest_amount' || (d.kind === 'win_buy_box' && d.param.trim() !== '')
      ? { amount: d.param }
      : d.kind === 'beat_lowest_percent'
        ? { percent: d.param }
        : d.kind === 'fixed_price'
          ? { price: d.param }
          : {};
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
    ...competingBody(d.competing),
  };
}

function describe(rule: RuleView): string {
  const p = rule.params;
  switch (rule.kind) {
    case 'win_buy_box':
      return p.amount ? `Win the Buy Box, ${p.amount} ${rule.currency ?? ''} under` : 'Win the Buy Box';
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
    describeCompeting(rule),
  ]
    .filter(Boolean)
    .join(' · ');
}

export default function RulesPage() {
  const initial = useLoaderData<typeof loader>();
  const [rules, setRules] = useState<RuleView[]>(initial.rules as RuleView[]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  /** The form as it was last loaded (a new rule, or the rule being edited): the save bar shows while it differs. */
  const [baseline, setBaseline] = useState<Draft>(EMPTY);
  const dirty = JSON.stringify(draft) !== JSON.stringify(baseline);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [trial, setTrial] = useState<{ name: string; result: DryRunView } | null>(null);
  const { busy, run } = useBusyAction();
  // Below Polaris' small breakpoint (a phone) the rules are a list, not a wide table.
  const condensed = useBreakpoints().smDown;
  const set = (key: Exclude<keyof Draft, 'competing'>) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const setCompeting = (patch: Partial<CompetingDraft>) => setDraft((d) => ({ ...d, competing: { ...d.competing, ...patch } }));

  const handleProblem = (e: unknown) => {
    if (e instanceof ApiProblem && Array.isArray(e.problem?.errors)) {
      const errors = Object.fromEntries((e.problem!.errors as Array<{ path: string; message: string }>).map((x) => [x.path.replace(/^params\..*/, 'param'), x.message]));
      setFieldErrors(errors);
      setError('The rule wasn’t saved: fix the fields marked below.');
    } else setError(errorMessage(e));
  };

  const save = async () => {
    setFieldErrors({});
    setError(null);
    await run('save', async () => {
      if (draft.id) await apiFetch(`/api/pricing/rules/${draft.id}`, { method: 'PATCH', body: toBody(draft) });
      else await apiFetch('/api/pricing/rules', { body: toBody(draft) });
      setRules((await apiFetch<{ rules: RuleView[] }>('/api/pricing/rules')).rules);
      toast(draft.id ? `“${draft.name.trim()}” saved` : `Rule “${draft.name.trim()}” created`);
      load(EMPTY);
      setTrial(null);
    }, handleProblem);
  };

  // A dry run of the form's rule (new or edited; an edited one stands in for the stored one), or of a
  // stored rule as it is: only the products it would govern, nothing created.
  const tryIt = async (rule?: RuleView) => {
    setFieldErrors({});
    setError(null);
    await run(rule ? `try:${rule.id}` : 'try', async () => {
      const body = rule ? { ...toBody(fromRule(rule)), id: rule.id, isActive: true } : { ...toBody(draft), ...(draft.id ? { id: draft.id } : {}) };
      const result = await apiFetch<DryRunView>('/api/pricing/dry-run', { body: { rule: body, onlyDraft: true, pageSize: 50 } });
      setTrial({ name: (rule ?? draft).name || 'This rule', result });
    }, rule ? undefined : handleProblem);
  };

  /** Puts a rule (or a blank one) in the form, as its unchanged state. */
  const load = (next: Draft) => {
    setDraft(next);
    setBaseline(next);
    setFieldErrors({});
  };

  // Another rule in the form: unsaved changes go only if the merchant says so (the Admin asks).
  const edit = async (rule: RuleView) => {
    if (dirty) await leaveConfirmation();
    load(fromRule(rule));
    setTrial(null);
  };

  const discard = () => {
    setDraft(baseline);
    setFieldErrors({});
    setError(null);
  };

  // "Create rule": a blank form (unsaved changes go only if the merchant says so), its name field ready.
  const create = async () => {
    if (dirty) await leaveConfirmation();
    load(EMPTY);
    requestAnimationFrame(() => document.getElementById('rule-name')?.focus());
  };

  // Busy while they run, like the other buttons: a second click does not send a second request.
  const toggle = (rule: RuleView) =>
    run(`toggle:${rule.id}`, async () => {
      await apiFetch(`/api/pricing/rules/${rule.id}`, { method: 'PATCH', body: { isActive: !rule.isActive } });
      setRules((await apiFetch<{ rules: RuleView[] }>('/api/pricing/rules')).rules);
      toast(`“${rule.name}” ${rule.isActive ? 'paused' : 'active again'}`);
    });

  const remove = (rule: RuleView) =>
    run(`remove:${rule.id}`, async () => {
      await apiFetch(`/api/pricing/rules/${rule.id}`, { method: 'DELETE' });
      setRules((r) => r.filter((x) => x.id !== rule.id));
      toast(`“${rule.name}” deleted`);
    });

  // A rule's buttons: in the table's last column, or under the rule on a phone (wrapping).
  const ruleActions = (rule: RuleView, wrap: boolean) => (
    <InlineStack gap="200" wrap={wrap}>
      <Button size="slim" onClick={() => void edit(rule)} accessibilityLabel={`Edit ${rule.name}`}>
        Edit
      </Button>
      <Button size="slim" onClick={() => void tryIt(rule)} loading={busy === `try:${rule.id}`} accessibilityLabel={`Dry run ${rule.name}`}>
        Dry run
      </Button>
      <Button size="slim" onClick={() => void toggle(rule)} loading={busy === `toggle:${rule.id}`}>
        {rule.isActive ? 'Pause' : 'Activate'}
      </Button>
      <Button size="slim" tone="critical" variant="plain" onClick={() => void remove(rule)} loading={busy === `remove:${rule.id}`}>
        Delete
      </Button>
    </InlineStack>
  );

  const paramLabel =
    draft.kind === 'beat_lowest_amount'
      ? 'Amount to beat by'
      : draft.kind === 'beat_lowest_percent'
        ? 'Percent to beat by'
        : draft.kind === 'fixed_price'
          ? 'Fixed price'
          : draft.kind === 'win_buy_box'
            ? 'Amount under the best competitor'
            : null;

  return (
    <Page>
      <TitleBar title="Rules">
        <button variant="primary" onClick={() => void create()}>
          Create rule
        </button>
      </TitleBar>
      <SaveBar id="rule-save-bar" open={dirty}>
        <button variant="primary" onClick={() => void save()} loading={busy === 'save' ? '' : undefined}></button>
        <button onClick={discard} disabled={busy === 'save'}></button>
      </SaveBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              The most specific rule wins: a product’s own, then its collection’s or tag’s, then the shop default. Guardrails always win over the rule.
            </Text>
            <ErrorBanner error={error} onDismiss={() => setError(null)} />
            {condensed ? (
              // A phone: each rule as a short block, its actions under it.
              <Card>
                <BlockStack gap="400">
                  {rules.map((rule) => (
                    <div key={rule.id} data-section="rule-compact" data-rule={rule.name}>
                      <BlockStack gap="150">
                        <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                          <Text as="h3" variant="headingSm">
                            {rule.name}
                          </Text>
                          <Badge tone={rule.isActive ? 'success' : undefined}>{rule.isActive ? 'Active' : 'Paused'}</Badge>
                        </InlineStack>
                        <Text as="p" variant="bodySm">
                          {rule.scope === 'shop' ? 'Shop default' : `${rule.scope}${rule.scopeValue ? `: ${rule.scopeValue}` : ''}`} · {describe(rule)}
                        </Text>
                        <Text as="p" variant="bodySm" tone="subdued">
                          {guardrails(rule) || 'No guardrails'} · {rule.autoApproveMaxPercent ? `auto-approves moves up to ${rule.autoApproveMaxPercent} %` : 'always waits for you'}
                        </Text>
                        {ruleActions(rule, true)}
                      </BlockStack>
                    </div>
                  ))}
                </BlockStack>
              </Card>
            ) : (
              <Card padding="0">
                <DataTable
                  columnContentTypes={['text', 'text', 'text', 'text', 'text', 'text', 'text']}
                  headings={['Rule', 'Applies to', 'Does', 'Guardrails', 'Auto-approve', 'Status', '']}
                  rows={rules.map((rule) => [
                    rule.name,
                    rule.scope === 'shop' ? 'Shop default' : `${rule.scope}${rule.scopeValue ? `: ${rule.scopeValue}` : ''}`,
                    describe(rule),
                    guardrails(rule) || '—',
                    <span key={`${rule.id}-auto`} data-auto-approve={rule.autoApproveMaxPercent ?? ''}>
                      {rule.autoApproveMaxPercent ? `Moves up to ${rule.autoApproveMaxPercent} %` : 'Always waits'}
                    </span>,
                    <Badge key={rule.id} tone={rule.isActive ? 'success' : undefined}>{rule.isActive ? 'Active' : 'Paused'}</Badge>,
                    <span key={`${rule.id}-actions`}>{ruleActions(rule, false)}</span>,
                  ])}
                />
              </Card>
            )}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {draft.id ? `Edit “${rules.find((r) => r.id === draft.id)?.name ?? draft.name}”` : 'New rule'}
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField id="rule-name" label="Name" value={draft.name} onChange={set('name')} autoComplete="off" error={fieldErrors.name} />
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
                    <TextField
                      label="Price ending"
                      value={draft.rounding}
                      onChange={set('rounding')}
                      autoComplete="off"
                      helpText="Such as .99 or 9.99; empty: prices aren’t rounded"
                      error={fieldErrors.rounding}
                    />
                    <TextField
                      label="Auto-approve up to %"
                      value={draft.autoApproveMaxPercent}
                      onChange={set('autoApproveMaxPercent')}
                      autoComplete="off"
                      helpText="Moves this small go through without waiting; empty: every suggestion waits"
                      error={fieldErrors.autoApproveMaxPercent}
                    />
                  </FormLayout.Group>
                </FormLayout>
                <RuleCompetingFields draft={draft.competing} onChange={setCompeting} errors={fieldErrors} />
                <InlineStack gap="200">
                  <Button onClick={() => void tryIt()} loading={busy === 'try'}>
                    Try it (dry run)
                  </Button>
                  {draft.id && !dirty && (
                    <Button variant="plain" onClick={() => load(EMPTY)}>
                      Close
                    </Button>
                  )}
                </InlineStack>
              </BlockStack>
            </Card>
            {trial && (
              <Card padding="0">
                <div style={{ padding: 'var(--p-space-400)' }} data-section="rule-dry-run">
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Dry run: {trial.name}
                    </Text>
                    <Text as="p">
                      Would govern {count(trial.result.governedByDraft ?? trial.result.counts.evaluated, 'product')}: {trial.result.counts.suggest} would get a new price ({trial.result.counts.autoApprove} automatically),{' '}
                      {trial.result.counts.no_change} keep theirs, {trial.result.counts.blocked} blocked by guardrails, {trial.result.counts.skipped} skipped. Nothing was created.
                    </Text>
                  </BlockStack>
                </div>
                {trial.result.rows.length > 0 && (
                  <DataTable
                    columnContentTypes={['text', 'text', 'text', 'text']}
                    headings={['Product', 'Outcome', 'Price', 'Why']}
                    rows={trial.result.rows.map((r) => [
                      `${r.title}${r.sku ? ` (${r.sku})` : ''}`,
                      `${statusLabel(r.status)}${r.autoApprove ? ' · automatic' : ''}`,
                      r.suggested ? `${formatPrice(r.current)} → ${formatPrice(r.suggested)} (${formatPercent(r.changePercent)})` : formatPrice(r.current),
                      <DryRunWhy key={`${r.itemId}-why`} row={r} />,
                    ])}
                  />
                )}
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
