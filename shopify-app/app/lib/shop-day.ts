// "Today" for a shop: from midnight in the shop's time zone (Project.timezone, IANA), UTC when the shop
// has none or an unknown one. Intl gives the zone's offset at an instant; no date library needed.

/** The zone's offset from UTC at `at`, in ms (positive east of Greenwich). */
function offsetMs(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The zone's IANA name as given when Intl knows it ("Asia/Tokyo"), else null: an offset ("+09:00"), an
 * empty or unknown name. Kept as given: ICU would rename some (America/Argentina/Buenos_Aires).
 */
export function ianaZone(timeZone: string | null | undefined): string | null {
  if (!timeZone || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timeZone)) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return null;
  }
}

/** The instant the shop's current day began. */
export function startOfShopDay(timeZone: string | null | undefined, now: Date = new Date()): Date {
  const zone = ianaZone(timeZone) ?? 'UTC';
  const local = new Date(now.getTime() + offsetMs(zone, now.getTime()));
  const midnightWall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  // The offset at midnight itself (it differs from now's on a day the clocks change).
  const guess = midnightWall - offsetMs(zone, midnightWall);
  return new Date(midnightWall - offsetMs(zone, guess));
}
