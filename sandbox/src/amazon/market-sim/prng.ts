// A small seeded PRNG (mulberry32: 32-bit state, good enough for a simulation, fully repeatable) and a
// string hash (FNV-1a) to derive one independent stream per bot from the run's seed, so a bot's moves
// don't depend on the order other bots were stepped in.

/** One step of mulberry32: the next state and a float in [0, 1). State is a uint32 kept in JSON. */
export function mulberry32(state: number): { state: number; value: number } {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: next, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

/** FNV-1a over a string: a uint32 seed for a stream named by `text`. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A stream over a mutable holder of the state (a bot, the generator). */
export class Rng {
  constructor(public state: number) {}

  next(): number {
    const r = mulberry32(this.state);
    this.state = r.state;
    return r.value;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}
