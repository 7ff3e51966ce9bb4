// What the console tells the merchant after an action, in plain sentences: a toast for what was done, a
// banner for what wasn't (with each item's reason). Counts read right for 0, 1 and many.

/** "1 suggestion", "2 suggestions", "no suggestions". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return n === 0 ? `no ${plural}` : `${n.toLocaleString('en')} ${n === 1 ? singular : plural}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The outcome of approving or rejecting suggestions: a toast when some were decided, a warning banner
 * title when some were refused (the banner lists each one's reason).
 */
export function decisionOutcome(action: 'approve' | 'reject', done: number, refused: number): { toast: string | null; warning: string | null } {
  const toast =
    done === 0
      ? null
      : action === 'approve'
        ? `${capitalized(count(done, 'price'))} approved. Pushing ${done === 1 ? 'it' : 'them'} to every linked platform.`
        : `${capitalized(count(done, 'suggestion'))} rejected`;
  const verb = action === 'approve' ? 'approved' : 'rejected';
  const warning =
    refused === 0
      ? null
      : done === 0
        ? refused === 1
          ? `The suggestion couldn’t be ${verb}`
          : `None of the ${refused} suggestions could be ${verb}`
        : `${capitalized(count(refused, 'suggestion'))} couldn’t be ${verb}`;
  return { toast, warning };
}

/** After "Generate suggestions": what the rules made of the catalog, in one toast. */
export function generateOutcome(r: { created: number; kept: number; autoApproved: number; blocked: number; evaluated: number }): string {
  if (r.evaluated === 0) return 'No products to evaluate yet';
  const parts = [`${capitalized(count(r.created, 'new suggestion'))} from ${count(r.evaluated, 'product')}`];
  if (r.autoApproved > 0) parts.push(`${r.autoApproved} approved automatically`);
  if (r.blocked > 0) parts.push(`${r.blocked} held by ${r.blocked === 1 ? 'its' : 'their'} guardrails`);
  return parts.join(', ');
}
