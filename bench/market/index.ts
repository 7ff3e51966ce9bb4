// bench:market — 1,000 ASINs for 24 market hours against the sandbox's competitor bots (a seeded mix:
// fixed, beat-lowest, match-Buy-Box, random walk, low-feedback undercutter, reactive), three times on the
// same seed: holding the starting prices (the baseline), Calibrate's default strategy, and a naive
// repricer (beat the lowest offer by 1 % at every reading, floor only). Each reading goes over HTTP to
// the sandbox's SP-API; prices go back as JSON_LISTINGS_FEEDs; the sandbox's ledger credits the Buy Box
// holder at a constant rate per ASIN with price − cost − fees. The last line is JSON.
//
// Env: BENCH_ASINS (1000), BENCH_HOURS (24), BENCH_READING_MINUTES (10), BENCH_SEED (1),
// BENCH_TIME_SCALE (20000: Amazon's usage plans run that much faster in real time).
import os from 'node:os';
import { startSandboxProcess } from '../support/sandbox-process';
import { CalibrateRepricer, CALIBRATE_RULE, FLOOR_MARGIN_PERCENT } from './calibrate-repricer';
import { runMarket, type RunResult } from './market-run';
import { NaiveRepricer } from './naive-repricer';

const asins = Number(process.env.BENCH_ASINS ?? 1_000);
const hours = Number(process.env.BENCH_HOURS ?? 24);
const readingMinutes = Number(process.env.BENCH_READING_MINUTES ?? 10);
const seed = Number(process.env.BENCH_SEED ?? 1);
const timeScale = Number(process.env.BENCH_TIME_SCALE ?? 20_000);

const profitMinor = (r: RunResult) => {
  const usd = r.total.byCurrency.USD;
  if (!usd) return 0n;
  const negative = usd.profit.startsWith('-');
  const m = BigInt(usd.profit.replace('-', '').replace('.', ''));
  return negative ? -m : m;
};
/** A ratio of two minor-unit sums, as a figure with three decimals. */
const ratio = (a: bigint, b: bigint) => (b === 0n ? 0 : Number((a * 1000n) / b) / 1000);

const started = performance.now();
// Access tokens and pre-signed URLs last a real hour / five real minutes whatever the time scale: their
// expiry is not what this bench measures.
const sandbox = await startSandboxProcess({ seed: 'demo', timeScale, accessTokenTtlSeconds: 3_600 * timeScale, presignedUrlTtlSeconds: 300 * timeScale });
try {
  const common = { sandboxUrl: sandbox.url, timeScale, seed, asins, hours, readingMinutes };
  const hold = await runMarket({ ...common, repricer: null });
  const calibrate = await runMarket({ ...common, repricer: new CalibrateRepricer() });
  const naive = await runMarket({ ...common, repricer: new NaiveRepricer() });
  const seconds = (performance.now() - started) / 1000;

  const line = (r: RunResult) =>
    `${r.name.padEnd(9)} profit ${r.total.byCurrency.USD?.profit ?? '0'} USD (${r.total.byCurrency.USD?.units ?? '0'} units), Buy Box ${(r.total.buyBoxShare * 100).toFixed(1)} %, floor hits ${r.total.floorHits}, ` +
    `changes/listing/day ${r.total.changesPerListingDay}, ${r.readings} readings, ${r.pushed} prices pushed in ${r.feeds} feeds (${r.refused} refused), ${r.seconds.toFixed(1)} s (read ${r.split.read.toFixed(1)}, push ${r.split.push.toFixed(1)}, advance ${r.split.advance.toFixed(1)})`;
  console.log(`market: ${asins} ASINs, ${hours} h, a reading every ${readingMinutes} market minutes, seed ${seed}, time scale ${timeScale}`);
  console.log(`Calibrate's rule: ${CALIBRATE_RULE.kind}${CALIBRATE_RULE.raiseWhenWinning ? ', raise when winning' : ''}${CALIBRATE_RULE.filters ? ', filters ' + JSON.stringify(CALIBRATE_RULE.filters) : ''}, step ${CALIBRATE_RULE.maxStepPercent} %, auto-approve ${CALIBRATE_RULE.autoApproveMaxPercent} %, fee-aware floor (cost + fees + ${FLOOR_MARGIN_PERCENT} % of the price)${CALIBRATE_RULE.maxChangesPerDay ? ', at most ' + CALIBRATE_RULE.maxChangesPerDay + ' changes a day' : ''}`);
  for (const r of [hold, calibrate, naive]) console.log(line(r));
  const calls = Math.ceil(asins / 20);
  const perSecond = calls / (readingMinutes * 60);
  console.log(`reading cadence: ${calls} getItemOffersBatch calls per ${readingMinutes} market minutes = ${perSecond.toFixed(3)}/s of market time (Amazon's plan: 0.1/s, burst 1): ${perSecond <= 0.1 ? 'within' : 'OVER'} the plan`);
  const base = profitMinor(hold);
  const profitIndex = ratio(profitMinor(calibrate), base);
  const naiveIndex = ratio(profitMinor(naive), base);
  console.log(`targets: profit_index ≥ 1.25 × naive (${profitIndex} vs ${naiveIndex}): ${profitIndex >= 1.25 * naiveIndex ? 'met' : 'NOT met'}; floor_hits ≤ 1 % of ASINs: ${calibrate.total.floorHits <= asins / 100 ? 'met' : 'NOT met'}; under 5 minutes: ${seconds < 300 ? 'met' : 'NOT met'}`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
  console.log(
    JSON.stringify({
      asins,
      hours,
      profit_index: profitIndex,
      buybox_share: calibrate.total.buyBoxShare,
      floor_hits: calibrate.total.floorHits,
      changes_per_listing_day: calibrate.total.changesPerListingDay,
      naive_profit_index: naiveIndex,
      naive_buybox_share: naive.total.buyBoxShare,
      naive_floor_hits: naive.total.floorHits,
      seconds: Number(seconds.toFixed(1)),
    }),
  );
} finally {
  await sandbox.stop();
}
