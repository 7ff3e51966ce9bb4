// Times as a merchant reads them (app/lib/shop-time.ts): on the shop's clock, the zone named, UTC without a
// zone. Fixed instants in Tokyo (no daylight saving time, across the date line from UTC) and Los Angeles
// (both ends of daylight saving time in 2026: Mar 8 at 02:00 PST, Nov 1 at 02:00 PDT).
import { describe, expect, it } from 'vitest';
import { defaultTimeLabel } from '../app/components/listings/step-chart';
import { freshnessLabel } from '../app/components/listings/labels';
import { formatWhen } from '../app/components/platforms/api-client';
import { shopDateText, shopDateTimeText, shopTimeText, zoneName } from '../app/lib/shop-time';

const AT = Date.UTC(2026, 11, 7, 19, 20); // Dec 7, 19:20 UTC
const TOKYO = 'Asia/Tokyo';
const LA = 'America/Los_Angeles';

describe('a time on the shop’s clock', () => {
  it('names the zone as a merchant reads it, on the shop’s side of the date line', () => {
    expect(shopTimeText(AT, TOKYO)).toBe('Dec 8, 04:20 Japan Time');
    expect(shopTimeText(AT, LA)).toBe('Dec 7, 11:20 PST');
    expect(shopTimeText(new Date(AT), 'America/New_York')).toBe('Dec 7, 14:20 EST');
    expect(shopTimeText(new Date(AT).toISOString(), 'Europe/London')).toBe('Dec 7, 19:20 GMT');
    expect(shopDateTimeText(AT, TOKYO)).toBe('Dec 8, 2026, 04:20 Japan Time');
    expect(shopDateText(AT, TOKYO)).toBe('Dec 8');
    expect(shopDateText(AT, LA)).toBe('Dec 7');
  });

  it('is UTC when the shop has no zone, or one Intl doesn’t know', () => {
    for (const zone of [null, undefined, '', 'Mars/Olympus_Mons', '+09:00']) {
      expect(shopTimeText(AT, zone)).toBe('Dec 7, 19:20 UTC');
    }
    expect(zoneName(null, AT)).toBe('UTC');
  });

  it('follows daylight saving time in Los Angeles: the clock and its name change together', () => {
    // Spring forward: 01:59 PST is followed by 03:00 PDT.
    expect(shopTimeText(Date.UTC(2026, 2, 8, 9, 59), LA)).toBe('Mar 8, 01:59 PST');
    expect(shopTimeText(Date.UTC(2026, 2, 8, 10, 0), LA)).toBe('Mar 8, 03:00 PDT');
    // Fall back: 01:30 happens twice, told apart by the name.
    expect(shopTimeText(Date.UTC(2026, 10, 1, 8, 30), LA)).toBe('Nov 1, 01:30 PDT');
    expect(shopTimeText(Date.UTC(2026, 10, 1, 9, 30), LA)).toBe('Nov 1, 01:30 PST');
    // Tokyo keeps its clock all year.
    expect(shopTimeText(Date.UTC(2026, 6, 1, 0, 0), TOKYO)).toBe('Jul 1, 09:00 Japan Time');
  });

  it('is what the console’s pages show: dates in lists, the reading’s day, the chart’s axis', () => {
    expect(formatWhen(new Date(AT).toISOString(), TOKYO)).toBe('Dec 8, 2026, 04:20 Japan Time');
    expect(formatWhen(new Date(AT).toISOString(), null)).toBe('Dec 7, 2026, 19:20 UTC');
    expect(formatWhen(null, TOKYO)).toBe('—');
    expect(formatWhen('not a time', TOKYO)).toBe('—');
    // Older than a week: the day it was read, the shop's day.
    const later = AT + 10 * 24 * 3_600_000;
    expect(freshnessLabel(new Date(AT).toISOString(), later, 'read ', TOKYO)).toBe('read on Dec 8');
    expect(freshnessLabel(new Date(AT).toISOString(), later, 'read ', LA)).toBe('read on Dec 7');
    expect(defaultTimeLabel(AT, 3_600_000, TOKYO)).toBe('04:20');
    expect(defaultTimeLabel(AT, 60_000, LA)).toBe('11:20:00');
    expect(defaultTimeLabel(AT, 7 * 24 * 3_600_000, TOKYO)).toBe('Dec 8');
    expect(defaultTimeLabel(AT, 3_600_000)).toBe('19:20');
  });
});
