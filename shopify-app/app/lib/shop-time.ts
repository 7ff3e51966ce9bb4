// Times as a merchant reads them: on the shop's clock (Project.timezone, IANA), as Shopify Admin shows
// times in the store's zone, and named ("Dec 8, 04:20 Japan Time", "Nov 1, 01:30 PST"); in UTC when the
// shop has no zone or one Intl doesn't know. Used by the server's sentences (the policy's "held until")
// and the browser's pages alike, so both say the same; en-US and a 24-hour clock on both sides, so a
// server-rendered page hydrates with the same text.
import { ianaZone } from './shop-day';

interface ZoneFormats {
  readonly time: Intl.DateTimeFormat;
  readonly dateTime: Intl.DateTimeFormat;
  readonly date: Intl.DateTimeFormat;
  readonly clock: Intl.DateTimeFormat;
  readonly clockSeconds: Intl.DateTimeFormat;
  readonly shortName: Intl.DateTimeFormat;
  readonly genericName: Intl.DateTimeFormat | null;
}

// Building a DateTimeFormat costs far more than using one: one set per zone, kept.
const byZone = new Map<string, ZoneFormats>();

function formatsOf(timeZone: string | null | undefined): ZoneFormats {
  const zone = ianaZone(timeZone) ?? 'UTC';
  let f = byZone.get(zone);
  if (!f) {
    const base = { timeZone: zone, hourCycle: 'h23' } as const;
    f = {
      time: new Intl.DateTimeFormat('en-US', { ...base, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
      dateTime: new Intl.DateTimeFormat('en-US', { ...base, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
      date: new Intl.DateTimeFormat('en-US', { timeZone: zone, month: 'short', day: 'numeric' }),
      clock: new Intl.DateTimeFormat('en-US', { ...base, hour: '2-digit', minute: '2-digit' }),
      clockSeconds: new Intl.DateTimeFormat('en-US', { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' }),
      shortName: new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }),
      genericName: genericNameFormat(zone),
    };
    byZone.set(zone, f);
  }
  return f;
}

/** "Japan Time", "Germany Time" (older engines without `shortGeneric`: none). */
function genericNameFormat(timeZone: string): Intl.DateTimeFormat | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortGeneric' });
  } catch {
    return null;
  }
}

function zonePart(format: Intl.DateTimeFormat, at: number): string {
  return format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/**
 * The zone's name at `at` as a merchant reads it: its abbreviation where English has one ("PST", "PDT",
 * "EST", "GMT", "UTC"), else its everyday name ("Japan Time", "Sydney Time"), else the offset ("GMT+9").
 * At an instant, because the abbreviation changes with daylight saving time.
 */
export function zoneName(timeZone: string | null | undefined, at: number | Date | string): string {
  const f = formatsOf(timeZone);
  const ms = instant(at);
  const short = zonePart(f.shortName, ms);
  if (/^[A-Z]{2,5}$/.test(short)) return short;
  const generic = f.genericName ? zonePart(f.genericName, ms) : '';
  return generic && !generic.startsWith('GMT') ? generic : short || 'UTC';
}

/** "Dec 8, 04:20 Japan Time": a time within the next days, in a sentence. */
export function shopTimeText(at: number | Date | string, timeZone: string | null | undefined): string {
  const ms = instant(at);
  return `${formatsOf(timeZone).time.format(ms)} ${zoneName(timeZone, ms)}`;
}

/** "Dec 8, 2026, 04:20 Japan Time": a time in a list or a log (the console's dates). */
export function shopDateTimeText(at: number | Date | string, timeZone: string | null | undefined): string {
  const ms = instant(at);
  return `${formatsOf(timeZone).dateTime.format(ms)} ${zoneName(timeZone, ms)}`;
}

/** "Dec 8": the shop's calendar day of an instant. */
export function shopDateText(at: number | Date | string, timeZone: string | null | undefined): string {
  return formatsOf(timeZone).date.format(instant(at));
}

/** "04:20" (or "04:20:05" with seconds): the shop's wall clock, for a chart's axis whose zone is named once. */
export function shopClockText(at: number | Date | string, timeZone: string | null | undefined, seconds = false): string {
  const f = formatsOf(timeZone);
  return (seconds ? f.clockSeconds : f.clock).format(instant(at));
}

function instant(at: number | Date | string): number {
  return typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
}
