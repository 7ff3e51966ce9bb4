// The naive repricer the issue measures against: at every reading, beat the lowest offer seen by 1 %,
// down to a floor and nothing else (no filters, no Buy Box logic, never raises on purpose, fees unknown).
// Its floor is what a merchant types without fees in mind: cost + 10 %.
import { toMinorUnits, type CompetitiveListing } from '@calibr/shared-contracts';
import type { OurListing, Repricer } from './repricer';

export class NaiveRepricer implements Repricer {
  readonly name = 'naive';

  floor(listing: OurListing): bigint {
    return (listing.cost * 110n + 99n) / 100n;
  }

  decide(listing: OurListing, reading: CompetitiveListing): bigint | null {
    let lowest: bigint | null = null;
    for (const offer of reading.offers) {
      if (offer.isOurs) continue;
      const landed = toMinorUnits(offer.landed);
      if (lowest === null || landed < lowest) lowest = landed;
    }
    if (lowest === null) return null;
    const floor = this.floor(listing);
    const target = (lowest * 99n) / 100n;
    const next = target < floor ? floor : target;
    return next === listing.current ? null : next;
  }
}
