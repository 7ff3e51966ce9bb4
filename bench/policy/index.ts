// bench:policy — the policy engine over a 100,000-listing catalog, as the dry run and the monitor use it:
// rules compiled from stored rows, listings built from stored decimal strings (parsed into Money),
// the governing rule selected (product > collection/tag > shop), target, guardrails, rounding and the
// explanation computed for each. Prints the time and the process's peak memory; the last line is JSON.
//
// Env: BENCH_LISTINGS (default 100000), BENCH_SEED (default 1).
import { compileRule, evaluateCatalog, storedMoney, type ListingContext, type PricingRuleInput } from '../../shopify-app/app/pricing/policy';
import { generateCatalog } from './catalog';

const listingCount = Number(process.env.BENCH_LISTINGS ?? 100_000);
const seed = Number(process.env.BENCH_SEED ?? 1);

const { rules: ruleRows, listings: rows } = generateCatalog(listingCount, seed);

const started = performance.now();
const cpuStarted = process.cpuUsage();
const rules = ruleRows.map((row: PricingRuleInput) => compileRule(row));
const contexts: ListingContext[] = rows.map((row) => ({
  id: row.id,
  productLinkId: row.productLinkId,
  tags: row.tags,
  collectionIds: row.collectionIds,
  currentPrice: storedMoney(row.priceAmount, row.currency),
  cost: row.costAmount ? storedMoney(row.costAmount, row.currency) : null,
  bounds: row.floorAmount ? { floor: storedMoney(row.floorAmount, row.currency) } : null,
  competition: {
    buyBox: row.buyBoxAmount ? storedMoney(row.buyBoxAmount, row.currency) : null,
    buyBoxIsOurs: row.buyBoxIsOurs,
    lowestOffer: row.lowestOfferAmount ? storedMoney(row.lowestOfferAmount, row.currency) : null,
  },
  trigger: { kind: 'lowest_offer_moved', platform: 'amazon' },
}));
const outcomes = evaluateCatalog(rules, contexts);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
// CPU seconds beside wall seconds: on a shared machine the gap is time spent waiting for a core.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const counts: Record<string, number> = {};
for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
// maxRSS is the process's high-water mark in KiB: the honest peak, not a sample.
const peakMb = process.resourceUsage().maxRSS / 1024;

console.log(`policy engine: ${outcomes.length.toLocaleString('en-US')} listings, ${rules.length} rules`);
console.log(`outcomes: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`time ${seconds.toFixed(3)} s wall, ${cpuSeconds.toFixed(3)} s CPU (${Math.round(outcomes.length / seconds).toLocaleString('en-US')} listings/s), peak RSS ${peakMb.toFixed(1)} MB`);
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).availableParallelism()} cores`);
console.log(`target: < 1 s — ${seconds < 1 ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({ listings: outcomes.length, seconds: Number(seconds.toFixed(3)), peak_mb: Number(peakMb.toFixed(1)) }));
