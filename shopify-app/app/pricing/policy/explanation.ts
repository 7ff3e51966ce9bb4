// The one-line summary a merchant reads beside each suggestion: what moved, which rule, which guardrail.
import { guardrailLabel } from './guardrails';
import type { CompiledRule, Explanation, Trigger } from './types';

const TRIGGER_TEXT: Record<Trigger['kind'], string> = {
  buy_box_moved: 'The Buy Box moved',
  buy_box_lost: 'We lost the Buy Box',
  buy_box_won: 'We won the Buy Box',
  lowest_offer_moved: 'The lowest offer moved',
  own_price_edited: 'Our price was edited outside Calibrate',
  cost_changed: 'The cost changed',
  rule_changed: 'The rule changed',
  scheduled: 'Scheduled review',
  manual: 'Requested by the merchant',
};

export function describeTrigger(trigger: Trigger | null | undefined): string | null {
  if (!trigger) return null;
  const base = TRIGGER_TEXT[trigger.kind];
  const where = trigger.platform ? ` on ${platformName(trigger.platform)}` : '';
  const move = trigger.from != null || trigger.to != null ? ` (${trigger.from ?? 'none'} → ${trigger.to ?? 'none'})` : '';
  return `${base}${where}${move}.`;
}

export function describeRule(rule: CompiledRule): string {
  const scope =
    rule.scope === 'shop' ? 'shop default' : rule.scope === 'product' ? 'this product' : `${rule.scope} ${rule.scopeValue ?? ''}`.trim();
  return `Rule “${rule.name}” (${scope})`;
}

type Parts = Pick<Explanation, 'trigger' | 'target' | 'clamp' | 'rounding' | 'conflict' | 'result'> & {
  readonly rule: CompiledRule | null;
  readonly skipMessage?: string;
  readonly currency: string | null;
};

export function summarize(parts: Parts): string {
  const out: string[] = [];
  const trigger = describeTrigger(parts.trigger);
  if (trigger) out.push(trigger);
  if (!parts.rule) {
    out.push(parts.skipMessage ?? 'No rule applies.');
    return out.join(' ');
  }
  const rule = describeRule(parts.rule);
  if (parts.target) out.push(`${rule} asks to ${parts.target.reason}: ${parts.target.amount}.`);
  else out.push(`${rule}: ${parts.skipMessage ?? 'no target price'}.`);
  if (!parts.target) return out.join(' ');
  if (parts.conflict) {
    out.push(`Blocked: ${parts.conflict.message}.`);
    return out.join(' ');
  }
  if (parts.skipMessage && parts.target) out.push(sentence(parts.skipMessage));
  if (parts.clamp) out.push(`${capitalize(guardrailLabel(parts.clamp.guardrail))} moved it to ${parts.clamp.to}.`);
  if (parts.rounding) {
    if ('skipped' in parts.rounding) out.push(`Not rounded to ${parts.rounding.ending}: ${parts.rounding.reason}.`);
    else if (parts.rounding.from !== parts.rounding.to) {
      out.push(`Rounded ${parts.rounding.direction} to ${parts.rounding.to}${parts.rounding.note ? ` (${parts.rounding.note})` : ''}.`);
    }
  }
  if (parts.result) {
    const sign = parts.result.changePercent.startsWith('-') ? '' : '+';
    out.push(`Suggested ${parts.result.amount} ${parts.currency ?? ''} (${sign}${parts.result.changePercent} %).`.replace('  ', ' '));
  }
  return out.join(' ');
}

function sentence(text: string): string {
  const t = capitalize(text.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function platformName(platform: string): string {
  return platform === 'amazon' ? 'Amazon' : platform === 'shopify' ? 'Shopify' : platform;
}
