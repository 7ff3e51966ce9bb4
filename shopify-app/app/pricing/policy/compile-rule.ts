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
import { amountProblem, sentence } from '../money-text';
import { DEFAULT_FILTERS } from './competition';
import {
  FLOOR_FORMULAS,
  RULE_CHANNELS,
  RULE_KINDS,
  RULE_SCOPES,
  SHOPIFY_PRICE_MODES,
  type CompiledFilters,
  type CompiledRule,
  type FloorFormula,
  type RuleChannel,
  type ShopifyPriceMode,
  type Fraction,
  type PricingRuleInput,
  type RuleKind,
  type RuleScope,
} from './types';


/** Validate and compile; throws ValidationError with every invalid field. */
export function compileRule(input: PricingRuleInput): CompiledRule {
  const errors: FieldError[] = [];
  // Messages are sentences a merchant reads under the field (and after the path in the API's detail).
  const fail = (path: string, message: string, code = 'invalid'): null => {
    errors.push({ path, message: sentence(message), code });
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
    const problem = parsed.ok ? undefined : parsed.errors.find((e) => e.path === 'amount');
    if (!parsed.ok) return fail(path, problem ? amountProblem(null, problem, currency) : 'invalid amount', 'invalid_amount');
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

  // Whole numbers of at least one (changes, minutes, moves).
  const count = (path: string, value: unknown): number | null => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(path, 'must be a whole number', 'invalid_type');
    if (value < 1) return fail(path, 'must be at least 1', 'out_of_range');
    return value;
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
    } else if (kind === 'win_buy_box') {
      // How far under the best eligible offer to go: an amount, a percentage, or (neither) one minor unit.
      const hasAmount = !(params.amount === undefined || params.amount === null || params.amount === '');
      const hasPercent = !(params.percent === undefined || params.percent === null || params.percent === '');
      if (hasAmount && hasPercent) fail('params', 'give either params.amount or params.percent, not both', 'invalid');
      else if (hasAmount) {
        ruleAmount = amount('params.amount', params.amount, { positive: true });
        if (typeof params.amount === 'string') normalizedParams.amount = params.amount;
      } else if (hasPercent) {
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

  const filters = compileFilters(input.filters, fail);
  const raiseWhenWinning = input.raiseWhenWinning ?? false;
  if (typeof raiseWhenWinning !== 'boolean') fail('raiseWhenWinning', 'raiseWhenWinning must be true or false', 'invalid_type');
  const noCompetition = amount('noCompetitionAmount', input.noCompetitionAmount, { positive: true });
  if (noCompetition !== null && ceiling !== null && noCompetition > ceiling) fail('noCompetitionAmount', 'the no-competition price is above the ceiling', 'outside_bounds');
  if (noCompetition !== null && floor !== null && noCompetition < floor) fail('noCompetitionAmount', 'the no-competition price is below the floor', 'outside_bounds');
  if (noCompetition !== null && map !== null && noCompetition < map) fail('noCompetitionAmount', 'the no-competition price is below the MAP', 'outside_bounds');

  const floorFormulaText = nonEmpty(input.floorFormula);
  const floorFormula = floorFormulaText === null ? null : (FLOOR_FORMULAS as readonly string[]).includes(floorFormulaText) ? (floorFormulaText as FloorFormula) : null;
  if (floorFormulaText !== null && floorFormula === null) fail('floorFormula', `floorFormula must be one of ${FLOOR_FORMULAS.join(', ')}`, 'invalid_enum');
  // The margin is a share of the price: 100 % or more leaves nothing for cost and fees.
  const floorMargin = percent('floorMarginPercent', input.floorMarginPercent, 'zero', 100n, false);
  const floorMarginGiven = !(input.floorMarginPercent === undefined || input.floorMarginPercent === null || input.floorMarginPercent === '');
  if (floorFormula !== null && !floorMarginGiven) fail('floorMarginPercent', 'the margin is required with floorFormula cost_fees_margin ("0" for none)', 'required');
  if (floorFormulaText === null && floorMarginGiven) fail('floorMarginPercent', 'floorMarginPercent applies only with floorFormula cost_fees_margin', 'invalid');

  const maxChangesPerDay = count('maxChangesPerDay', input.maxChangesPerDay);
  const minIntervalMinutes = count('minIntervalMinutes', input.minIntervalMinutes);
  const priceWarMoves = count('priceWarMoves', input.priceWarMoves);
  const priceWarWindowMinutes = count('priceWarWindowMinutes', input.priceWarWindowMinutes);
  if (priceWarMoves !== null && priceWarWindowMinutes === null && input.priceWarWindowMinutes == null) fail('priceWarWindowMinutes', 'the price-war guard needs its window in minutes', 'required');
  if (priceWarWindowMinutes !== null && priceWarMoves === null && input.priceWarMoves == null) fail('priceWarMoves', 'the price-war guard needs its number of moves', 'required');

  const channelText = nonEmpty(input.channel) ?? 'both';
  const channel = (RULE_CHANNELS as readonly string[]).includes(channelText) ? (channelText as RuleChannel) : null;
  if (!channel) fail('channel', `channel must be one of ${RULE_CHANNELS.join(', ')}`, 'invalid_enum');
  const modeText = nonEmpty(input.shopifyPriceMode) ?? 'same';
  const shopifyPriceMode = (SHOPIFY_PRICE_MODES as readonly string[]).includes(modeText) ? (modeText as ShopifyPriceMode) : null;
  if (!shopifyPriceMode) fail('shopifyPriceMode', `shopifyPriceMode must be one of ${SHOPIFY_PRICE_MODES.join(', ')}`, 'invalid_enum');
  const shopifyOffset = percent('shopifyOffsetPercent', input.shopifyOffsetPercent, 'zero', 1000n);
  if (shopifyPriceMode === 'offset' && (input.shopifyOffsetPercent === undefined || input.shopifyOffsetPercent === null || input.shopifyOffsetPercent === '')) {
    fail('shopifyOffsetPercent', 'the offset is required with shopifyPriceMode offset', 'required');
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
    filters: filters as CompiledFilters,
    raiseWhenWinning: raiseWhenWinning === true,
    noCompetition,
    floorFormula,
    floorMargin: floorFormula ? floorMargin : null,
    maxChangesPerDay,
    minIntervalMinutes,
    priceWarMoves,
    priceWarWindowMinutes,
    channel: channel as RuleChannel,
    shopifyPriceMode: shopifyPriceMode as ShopifyPriceMode,
    shopifyOffset: shopifyPriceMode === 'offset' ? shopifyOffset : null,
  });
}

const FILTER_KEYS = ['condition', 'fulfillment', 'primeOnly', 'minFeedbackPercent', 'minFeedbackCount', 'buyBoxEligibleOnly', 'excludedSellerIds', 'ignoreBelowFloor'] as const;

/** The rule's competitor filters with their defaults; each bad key is a `filters.<key>` error. */
function compileFilters(value: unknown, fail: (path: string, message: string, code?: string) => null): CompiledFilters | null {
  if (value === undefined || value === null) return DEFAULT_FILTERS;
  if (!isRecord(value)) return fail('filters', 'filters must be an object', 'invalid_type');
  let ok = true;
  const bad = (key: string, message: string, code = 'invalid'): undefined => {
    ok = false;
    fail(`filters.${key}`, message, code);
    return undefined;
  };
  for (const key of Object.keys(value)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key)) bad(key, `unknown filter ${JSON.stringify(key)}; filters are ${FILTER_KEYS.join(', ')}`, 'unknown_field');
  }
  const oneOf = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
    const v = value[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
    bad(key, `${key} must be one of ${options.join(', ')}`, 'invalid_enum');
    return fallback;
  };
  const flag = (key: string): boolean => {
    const v = value[key];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    bad(key, `${key} must be true or false`, 'invalid_type');
    return false;
  };
  const number = (key: string, max: number | null, integer: boolean): number | null => {
    const v = value[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v))) {
      bad(key, integer ? `${key} must be a whole number` : `${key} must be a number`, 'invalid_type');
      return null;
    }
    if (v < 0) bad(key, `${key} must not be negative`, 'out_of_range');
    else if (max !== null && v > max) bad(key, `${key} is above ${max}`, 'out_of_range');
    return v;
  };
  const condition = oneOf('condition', ['new', 'any'] as const, 'new');
  const fulfillment = oneOf('fulfillment', ['any', 'AFN', 'MFN'] as const, 'any');
  const primeOnly = flag('primeOnly');
  const minFeedbackPercent = number('minFeedbackPercent', 100, false);
  const minFeedbackCount = number('minFeedbackCount', null, true);
  const buyBoxEligibleOnly = flag('buyBoxEligibleOnly');
  const ignoreBelowFloor = flag('ignoreBelowFloor');
  const ids = value.excludedSellerIds;
  const excluded = new Set<string>();
  if (ids !== undefined && ids !== null) {
    if (!Array.isArray(ids)) bad('excludedSellerIds', 'excludedSellerIds must be a list of seller ids', 'invalid_type');
    else {
      ids.forEach((id, i) => {
        if (typeof id !== 'string' || id.trim() === '') bad(`excludedSellerIds[${i}]`, 'a seller id must be a non-empty string', 'invalid_type');
        else excluded.add(id.trim());
      });
    }
  }
  if (!ok) return null;
  return Object.freeze({ condition, fulfillment, primeOnly, minFeedbackPercent, minFeedbackCount, buyBoxEligibleOnly, excludedSellerIds: excluded, ignoreBelowFloor });
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
