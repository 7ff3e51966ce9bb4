// GET /api/pricing/suggestions?status=&q=&platform=&rule=&sort=&direction=&page=&pageSize=: the shop's
//   suggestions, filtered, searched, sorted and paged in the database, with counts per status.
// POST /api/pricing/suggestions {action: "approve", items: [{id, amount?}]} | {action: "reject", ids: [...]}:
//   decide in bulk; `amount` edits the price before approving (it must keep the guardrails). Each id gets
//   its own outcome: approved (with the price change created), rejected, or refused with the reason.
//   An edited price that moves more than the rule's step limit (20 % without one) from the current price
//   refuses the whole approval with a 400 problem naming each such item and its bound (`largeChanges`),
//   unless the body says `confirmLargeChange: true`.
//   `matching: {q?, platform?, rule?}` adds every pending suggestion under those filters ("select all N"
//   across pages), resolved by the server; `items` then carries only the edited prices. One decision
//   decides at most 10,000 suggestions (listed and matching together).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { ValidationError } from '@calibr/shared-contracts';
import { json, methodNotAllowed, pricingApi, searchParams } from '../pricing/api.server';
import { readJsonBody } from '../lib/request-body.server';
import { createChangesForSuggestions, rejectSuggestions, type Decision } from '../pricing/changes.server';
import { MAX_BULK_DECISIONS, listOptionsFrom, listSuggestions, matchingFrom, pendingIdsMatching } from '../pricing/suggestions.server';

export function loader({ request }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => json(await listSuggestions(projectId, listOptionsFrom(searchParams(request)))));
}

export function action({ request }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId, actor }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'GET, POST');
    const body = await readJsonBody(request, { limitBytes: 2 * 1024 * 1024 });
    if (body.action !== 'approve' && body.action !== 'reject') throw ValidationError.field('action', 'action must be "approve" or "reject"', 'invalid_enum');
    const matching = body.matching === undefined ? null : await pendingIdsMatching(projectId, matchingFrom(body.matching));
    if (body.action === 'approve') {
      const items = Array.isArray(body.items) ? body.items : Array.isArray(body.ids) ? body.ids.map((id: unknown) => ({ id })) : matching ? [] : null;
      if (!items || (items.length === 0 && !matching)) throw ValidationError.field('items', 'items must list the suggestions to approve: [{id, amount?}]', 'required');
      if (items.length > MAX_BULK_DECISIONS) throw tooMany('items');
      const decisions: Decision[] = items.map((item: unknown, i: number) => {
        const entry = item as { id?: unknown; amount?: unknown };
        if (typeof entry?.id !== 'string') throw ValidationError.field(`items[${i}].id`, 'id must be a string', 'invalid_type');
        if (entry.amount !== undefined && typeof entry.amount !== 'string') {
          throw ValidationError.field(`items[${i}].amount`, 'amount must be a decimal string such as "19.99", not a number', 'invalid_type');
        }
        return entry.amount === undefined ? { id: entry.id } : { id: entry.id, amount: entry.amount as string };
      });
      const listed = new Set(decisions.map((d) => d.id));
      for (const id of matching ?? []) if (!listed.has(id)) decisions.push({ id });
      if (decisions.length > MAX_BULK_DECISIONS) throw tooMany('items');
      if (body.confirmLargeChange !== undefined && typeof body.confirmLargeChange !== 'boolean') {
        throw ValidationError.field('confirmLargeChange', 'confirmLargeChange must be true or false', 'invalid_type');
      }
      return json(await createChangesForSuggestions(projectId, decisions, { actor, confirmLargeChange: body.confirmLargeChange === true }));
    }
    // action is "reject" (checked above)
    const ids = [...new Set([...(Array.isArray(body.ids) ? body.ids.filter((id): id is string => typeof id === 'string') : []), ...(matching ?? [])])];
    if (ids.length === 0 && !matching) throw ValidationError.field('ids', 'ids must list the suggestions to reject', 'required');
    if (ids.length > MAX_BULK_DECISIONS) throw tooMany('ids');
    return json(await rejectSuggestions(projectId, ids, actor));
  });
}

/** One decision decides at most MAX_BULK_DECISIONS suggestions, listed and "select all" together. */
function tooMany(field: 'items' | 'ids'): ValidationError {
  return ValidationError.field(field, `at most ${MAX_BULK_DECISIONS.toLocaleString('en')} suggestions at once`, 'too_many');
}
