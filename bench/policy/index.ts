// bench:policy — the policy engine over a 100,000-listing catalog, as suggestion generation uses it:
// rules compiled from stored rows, listings built from stored decimal strings (checked canonical, read as
// Money), and for each the governing rule selected (product > collection/tag > shop), the target, every
// guardrail, rounding and the outcome (suggest / no change / skipped / blocked, auto-approve) — and its
// explanation put into words, as it is stored with a PriceSuggestion (summary, limits, clamp, rounding).
// All of that is inside the timed section and every outcome is kept until the end, as generation keeps
// the suggestions it is about to write. Serializing the explanations to JSON (what Prisma sends to the
// database) is timed separately afterwards, so the engine's own figure stays comparable.
// Prints wall and CPU time, the process's peak memory and the load average; the last line is JSON.
//
// Env: BENCH_LISTINGS (default 100000), BENCH_SEED (default 1).
import { compileRule, evaluateListing, RuleIndex, storedMoney, type ListingContext, type PolicyOutcome, type PricingRuleInput } from '../../shopify-app/app/pricing/policy';
import os from 'node:os';
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
const index = new RuleIndex(rules);
const outcomes: PolicyOutcome[] = [];
let words = 0;
for (const context of contexts) {
  const outcome = evaluateListing(index, context);
  // Reading the explanation words it (engine.ts): the summary, limits, clamp, rounding and result that
  // a stored PriceSuggestion carries.
  words += outcome.explanation.summary.length;
  outcomes.push(outcome);
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
// CPU seconds beside wall seconds: on a shared machine the gap is time spent waiting for a core (and,
// the other way, the garbage collector's helper threads count as CPU while the main thread runs).
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// maxRSS is the process's high-water mark in KiB: the honest peak, not a sample.
const peakMb = process.resourceUsage().maxRSS / 1024;
const load = os.loadavg();

// The stored form: PriceSuggestion.explanation as JSON, what Prisma sends to the database on write.
const jsonStarted = performance.now();
let jsonBytes = 0;
for (const o of outcomes) jsonBytes += JSON.stringify(o.explanation).length;
const jsonSeconds = (performance.now() - jsonStarted) / 1000;

const counts: Record<string, number> = {};
for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;

console.log(`policy engine: ${outcomes.length.toLocaleString('en-US')} listings, ${rules.length} rules`);
console.log(`outcomes: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`decided and worded: ${seconds.toFixed(3)} s wall, ${cpuSeconds.toFixed(3)} s CPU (${Math.round(outcomes.length / seconds).toLocaleString('en-US')} listings/s), peak RSS ${peakMb.toFixed(1)} MB`);
console.log(`explanations: ${(words / outcomes.length).toFixed(0)} characters of summary per listing; as JSON ${(jsonBytes / outcomes.length).toFixed(0)} characters, serialized in ${jsonSeconds.toFixed(3)} s more (not in the time above)`);
console.log(`load average during the run: ${load.map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
console.log(`target: < 1 s — ${seconds < 1 ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({ listings: outcomes.length, seconds: Number(seconds.toFixed(3)), peak_mb: Number(peakMb.toFixed(1)) }));
