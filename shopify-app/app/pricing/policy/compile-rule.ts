// Validate a rule as the merchant wrote it and turn it into minor units, once. Every problem is a
// field error; guardrails that contradict each other inside one rule (floor above ceiling, MAP above
// ceiling, a fixed price outside its own bounds) are refused here, not discovered later per listing.
import {
  ValidationError,
  getCurrency,
  parsePercent,
  roundToEnding,
  toMinorUnits,
  tryParseMoney,
  zeroMoney,
  type FieldError,
} from '@calibr/shared-contracts';
import {
  RULE_KINDS,
  RULE_SCOPES,
  type CompiledRule,
  type Fraction,
  type PricingRuleInput,
  type RuleKind,
  type RuleScope,
} from './types';


/** Validate and compile; throws ValidationError with every invalid field. */
export function compileRule(input: PricingRuleInput): CompiledRule {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string, code = 'invalid'): null => {
    errors.push({ path, message, code });
    return null;
  };

  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') fail('name', 'name is required', 'required');

  const scope = (RULE_SCOPES as readonly string[]).includes(input.scope) ? (input.scope as RuleScope) : null;
  if (!scope) fail('scope', `scope must be one of ${RULE_SCOPES.join(', ')}`, 'invalid_enum');
  const scopeValue = nonEmpty(input.scopeValue);
  const productLinkId = nonEmpty(input.productLinkId);
  if ((scope === 'collection' || scope === 'tag') && !scopeValue) {
    fail('scopeValue', `a ${scope} rule needs the ${scope === 'tag' ? 'tag' : 'collection'} it applies to`, 'required');
  }
  if (scope === 'product' && !productLinkId) fail('productLinkId', 'a product rule needs its product', 'required');

  const kind = (RULE_KINDS as readonly string[]).includes(input.kind) ? (input.kind as RuleKind) : null;
  if (!kind) fail('kind', `kind must be one of ${RULE_KINDS.join(', ')}`, 'invalid_enum');

  const currencyText = nonEmpty(input.currency);
  const currency = currencyText && getCurrency(currencyText) ? currencyText : null;
  if (currencyText && !currency) fail('currency', `unknown ISO 4217 currency ${JSON.stringify(currencyText)}`, 'unknown_currency');

  const params = isRecord(input.params) ? input.params : input.params == null ? {} : null;
  if (!params) fail('params', 'params must be an object', 'invalid_type');

  // Amounts need a currency; ask for it once, not per field.
  let missingCurrencyReported = false;
  const amount = (path: string, value: unknown, { positive }: { positive: boolean }): bigint | null => {
    if (value === undefined || value === null || value === '') return null;
    if (!currency) {
      if (!currencyText && !missingCurrencyReported) {
        missingCurrencyReported = true;
        fail('currency', 'currency is required when the rule holds an amount', 'required');
      }
      return null;
    }
    const parsed = tryParseMoney(value, currency);
    if (!parsed.ok) return fail(path, parsed.errors.find((e) => e.path === 'amount')?.message ?? 'invalid amount', 'invalid_amount');
    const minor = toMinorUnits(parsed.money);
    if (positive && minor === 0n) return fail(path, 'must be greater than zero', 'not_positive');
    return minor;
  };
  // `maxPercent` is whole percent ("at most 100 %"); parsePercent gives a fraction of one (2.5 % = 25/1000).
  const percent = (path: string, value: unknown, min: 'zero' | 'positive', maxPercent: bigint, inclusiveMax = true) => {
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') return fail(path, 'percent must be a decimal string such as "2.5"', 'invalid_type');
    let f: { numerator: bigint; denominator: bigint };
    try {
      f = parsePercent(value, path);
    } catch (error) {
      return fail(path, error instanceof ValidationError ? (error.errors[0]?.message ?? 'invalid percent') : 'invalid percent', 'invalid_percent');
    }
    if (f.numerator < 0n || (min === 'positive' && f.numerator === 0n)) {
      return fail(path, min === 'positive' ? 'must be greater than 0 %' : 'must not be negative', 'out_of_range');
    }
    const lhs = f.numerator * 100n;
    const rhs = maxPercent * f.denominator;
    if (inclusiveMax ? lhs > rhs : lhs >= rhs) {
      return fail(path, `must be ${inclusiveMax ? 'at most' : 'below'} ${maxPercent} %`, 'out_of_range');
    }
    return { ...f, text: value } satisfies Fraction;
  };

  let ruleAmount: bigint | null = null;
  let rulePercent: Fraction | null = null;
  const normalizedParams: Record<string, string> = {};
  if (kind && params) {
    if (kind === 'beat_lowest_amount') {
      if (params.amount === undefined || params.amount === null || params.amount === '') {
        fail('params.amount', 'how much to beat the lowest offer by is required', 'required');
      } else {
        ruleAmount = amount('params.amount', params.amount, { positive: true });
        if (typeof params.amount === 'string') normalizedParams.amount = params.amount;
      }
    } else if (kind === 'beat_lowest_percent') {
      if (params.percent === undefined || params.percent === null || params.percent === '') {
        fail('params.percent', 'the percentage to beat the lowest offer by is required', 'required');
      } else {
        rulePercent = percent('params.percent', params.percent, 'positive', 100n, false);
        if (typeof params.percent === 'string') normalizedParams.percent = params.percent;
      }
    } else if (kind === 'fixed_price') {
      if (params.price === undefined || params.price === null || params.price === '') {
        fail('params.price', 'the fixed price is required', 'required');
      } else {
        ruleAmount = amount('params.price', params.price, { positive: true });
        if (typeof params.price === 'string') normalizedParams.price = params.price;
      }
    }
  }

  const floor = amount('floorAmount', input.floorAmount, { positive: false });
  const ceiling = amount('ceilingAmount', input.ceilingAmount, { positive: true });
  const map = amount('mapAmount', input.mapAmount, { positive: false });
  const minMargin = percent('minMarginPercent', input.minMarginPercent, 'zero', 1000n);
  const maxStep = percent('maxStepPercent', input.maxStepPercent, 'positive', 100n);
  const autoApproveMax = percent('autoApproveMaxPercent', input.autoApproveMaxPercent, 'zero', 100n);

  // Guardrails that contradict each other within the rule.
  if (floor !== null && ceiling !== null && floor > ceiling) fail('floorAmount', 'floor is above the ceiling', 'floor_above_ceiling');
  if (map !== null && ceiling !== null && map > ceiling) fail('mapAmount', 'MAP is above the ceiling: no price could respect both', 'map_above_ceiling');
  if (kind === 'fixed_price' && ruleAmount !== null) {
    if (floor !== null && ruleAmount < floor) fail('params.price', 'the fixed price is below the rule\'s floor', 'outside_bounds');
    if (ceiling !== null && ruleAmount > ceiling) fail('params.price', 'the fixed price is above the rule\'s ceiling', 'outside_bounds');
    if (map !== null && ruleAmount < map) fail('params.price', 'the fixed price is below the MAP', 'outside_bounds');
  }

  const rounding = nonEmpty(input.rounding);
  if (rounding) {
    try {
      // Checks the ending's shape and that it fits the currency's minor units.
      roundToEnding(zeroMoney(currency ?? 'USD'), rounding, 'up');
    } catch (error) {
      fail('rounding', error instanceof ValidationError ? (error.errors[0]?.message ?? 'invalid ending') : 'invalid ending', 'invalid_rounding');
    }
  }

  const priority = input.priority ?? 0;
  if (!Number.isSafeInteger(priority)) fail('priority', 'priority must be an integer', 'invalid_type');

  if (errors.length > 0) throw new ValidationError(errors);

  const frozenParams = Object.freeze(normalizedParams);
  return Object.freeze({
    id: input.id,
    name,
    scope: scope as RuleScope,
    scopeValue: scope === 'collection' || scope === 'tag' ? scopeValue : null,
    productLinkId: scope === 'product' ? productLinkId : null,
    kind: kind as RuleKind,
    currency,
    amount: ruleAmount,
    percent: rulePercent,
    floor,
    ceiling,
    minMargin,
    maxStep,
    map,
    rounding,
    autoApproveMax,
    priority,
    createdAtMs: toMs(input.createdAt),
    params: frozenParams,
    info: Object.freeze({ id: input.id, name, scope: scope as RuleScope, kind: kind as RuleKind, params: frozenParams }),
  });
}

/** Field errors for a rule, or an empty list: for forms that show every problem at once. */
export function validateRule(input: PricingRuleInput): readonly FieldError[] {
  try {
    compileRule(input);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
}

function nonEmpty(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toMs(value: Date | string | null | undefined): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? 0 : ms;
  }
  return 0;
}
