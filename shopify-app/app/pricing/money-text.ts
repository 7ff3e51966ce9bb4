// Money problems in a merchant's words, for every page and API answer that shows them: "Cost must be a
// number, like 12.50", not the contracts' developer wording (amount "twelve" is not a plain decimal…).
import { getCurrency, type FieldError } from '@calibr/shared-contracts';

/** An example amount in the currency's minor units: 12.50 (USD), 1250 (JPY), 12.500 (KWD). */
function example(currency: string): string {
  const digits = getCurrency(currency)?.minorUnits ?? 2;
  return digits === 0 ? '1250' : `12.${'50'.padEnd(digits, '0').slice(0, digits)}`;
}

/** Upper-cases the first letter (messages are sentences), unless the message opens with a field's own name (maxStepPercent, filters.condition). */
export function sentence(text: string): string {
  const first = /^\S*/.exec(text)![0];
  return /[A-Z.[_]/.test(first) ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * What is wrong with an amount the merchant typed, from tryParseMoney's field error. `label` names the
 * field in a sentence ("Cost"); without one the message stands under its field ("Must be a number…").
 */
export function amountProblem(label: string | null, error: FieldError, currency: string): string {
  const subject = label ?? 'it';
  const say = (text: string) => sentence(label ? text : text.replace(/^it /, ''));
  if (error.path.endsWith('currency')) {
    if (error.code === 'unknown_currency' || error.code === 'invalid_type') return `Unknown currency ${JSON.stringify(currency)}: use a code such as USD or EUR`;
    return sentence(error.message);
  }
  switch (error.code) {
    case 'required':
      return label ? `${label} is required` : 'Enter an amount';
    case 'negative':
      return say(`${subject} can’t be negative`);
    case 'too_many_decimals': {
      const digits = getCurrency(currency)?.minorUnits ?? 2;
      return say(`${subject} has too many decimals: ${digits === 0 ? `${currency} uses whole amounts` : `${currency} allows ${digits}`}`);
    }
    case 'too_large':
      return say(`${subject} is too large`);
    default:
      return say(`${subject} must be a number, like ${example(currency)}`);
  }
}
