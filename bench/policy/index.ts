// bench:policy — the policy engine over a 100,000-listing catalog, as the dry run and the monitor use it:
// rules compiled from stored rows, listings built from stored decimal strings (checked canonical, read as
// Money), and for each the governing rule selected (product > collection/tag > shop), the target, every
// guardrail, rounding and the outcome (suggest / no change / skipped / blocked, auto-approve). Each
// outcome's explanation is worded when first read (engine.ts); the time to word all of them is measured
// and printed separately, after the timed run. Prints the time and the process's peak memory; the last
// line is JSON.
//
// Env: BENCH_LISTINGS (default 100000), BENCH_SEED (default 1).
import { compileRule, evaluateCatalog, storedMoney, type ListingContext, type PricingRuleInput } from '../../shopify-app/app/pricing/policy';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateCatalog } from './catalog';

const listingCount = Number(process.env.BENCH_LISTINGS ?? 100_000);
const seed = Number(process.env.BENCH_SEED ?? 1);

const { rules: ruleRows, listings: rows } = generateCatalog(listingCount, seed);
// Start the clock on a clean heap: the generator's garbage is not the engine's work.
v8.setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();

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

// maxRSS is the process's high-water mark in KiB: the honest peak, not a sample (read before the wording).
const peakMb = process.resourceUsage().maxRSS / 1024;
const wordingStarted = performance.now();
let words = 0;
for (const o of outcomes) words += o.explanation.summary.length;
const wordingSeconds = (performance.now() - wordingStarted) / 1000;

const counts: Record<string, number> = {};
for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;

console.log(`policy engine: ${outcomes.length.toLocaleString('en-US')} listings, ${rules.length} rules`);
console.log(`outcomes: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`time ${seconds.toFixed(3)} s wall, ${cpuSeconds.toFixed(3)} s CPU (${Math.round(outcomes.length / seconds).toLocaleString('en-US')} listings/s), peak RSS ${peakMb.toFixed(1)} MB`);
console.log(`wording every explanation afterwards (not in the time above): ${wordingSeconds.toFixed(3)} s, ${(words / outcomes.length).toFixed(0)} characters of summary per listing`);
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).availableParallelism()} cores`);
console.log(`target: < 1 s — ${seconds < 1 ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({ listings: outcomes.length, seconds: Number(seconds.toFixed(3)), peak_mb: Number(peakMb.toFixed(1)) }));
