// A price typed by hand that moves far from the current price (3699 typed for 36.99) is approved only
// when the merchant confirms it: "far" is more than the governing rule's step limit, or
// DEFAULT_LARGE_CHANGE without one. The guardrails (floor, ceiling, MAP, margin) hold either way.
import { toMinorUnits, ValidationError, type FieldError, type Money } from '@calibr/shared-contracts';
import { percentChangeMinor, type CompiledRule, type Fraction } from './policy';

/** The bound for a rule without a step limit: 20 % of the current price. */
export const DEFAULT_LARGE_CHANGE: Fraction = { numerator: 1n, denominator: 5n, text: '20' };

export interface LargeChangeBound {
  fraction: Fraction;
  /** The rule's own step limit, or the default for rules without one (and products without a rule). */
  source: 'rule_step_limit' | 'default';
}

export function largeChangeBound(rule: CompiledRule | null): LargeChangeBound {
  return rule?.maxStep ? { fraction: rule.maxStep, source: 'rule_step_limit' } : { fraction: DEFAULT_LARGE_CHANGE, source: 'default' };
}

/** One edited price that needs the merchant's confirmation. */
export interface LargeChange {
  suggestionId: string;
  title: string;
  sku: string | null;
  currency: string;
  /** The current price the move is measured from. */
  from: string;
  to: string;
  /** Signed, two decimals; null when the current price is zero (any move is unbounded). */
  changePercent: string | null;
  limitPercent: string;
  limitSource: LargeChangeBound['source'];
}

/** The large change of `from → to` under `bound`, or null when the move stays within it (the bound itself included). */
export function largeChange(from: Money, to: Money, bound: LargeChangeBound, item: { suggestionId: string; title: string; sku: string | null }): LargeChange | null {
  const f = toMinorUnits(from);
  const t = toMinorUnits(to);
  const move = t > f ? t - f : f - t;
  if (move * bound.fraction.denominator <= f * bound.fraction.numerator) return null;
  return {
    ...item,
    currency: to.currency,
    from: from.amount,
    to: to.amount,
    changePercent: f === 0n ? null : percentChangeMinor(f, t),
    limitPercent: bound.fraction.text,
    limitSource: bound.source,
  };
}

/**
 * The approval is refused as a whole (nothing approved, nothing pushed): a 400 problem naming each
 * large edit (`items[i].amount`) and its bound. The same request with `confirmLargeChange: true` goes through.
 */
export class LargeChangeError extends ValidationError {
  readonly largeChanges: readonly LargeChange[];

  constructor(changes: ReadonlyArray<LargeChange & { path: string }>) {
    const errors: FieldError[] = changes.map((c) => ({
      path: c.path,
      code: 'large_change',
      message: `${c.to} ${c.currency} for “${c.title}” moves the price ${c.changePercent === null ? 'from zero' : `${signed(c.changePercent)} %`} from ${c.from}: more than ${c.limitSource === 'rule_step_limit' ? 'the rule’s step limit' : 'the default bound'} of ${c.limitPercent} %`,
    }));
    super(errors, {
      detail: `${changes.length === 1 ? 'An edited price moves' : `${changes.length} edited prices move`} more than ${boundsText(changes)} from the current price: nothing was approved. Send the same request with "confirmLargeChange": true to approve ${changes.length === 1 ? 'it' : 'them'}.`,
    });
    this.largeChanges = changes.map(({ path: _path, ...change }) => change);
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { ...super.problemExtensions(), largeChanges: this.largeChanges.map((c) => ({ ...c })) };
  }
}

function signed(percent: string): string {
  return percent.startsWith('-') ? percent : `+${percent}`;
}

function boundsText(changes: readonly LargeChange[]): string {
  const bounds = [...new Set(changes.map((c) => `${c.limitPercent} %${c.limitSource === 'rule_step_limit' ? ' (the rule’s step limit)' : ' (the default without a step limit)'}`))];
  return bounds.join(' / ');
}
