/**
 * Seeded randomness for the simulator, so a seed replays the same run ids, failures and faults.
 * Each concern draws from its own stream (see {@link Random.fork}) so that, e.g., turning faults on does
 * not change which runs fail.
 */

/** mulberry32: a tiny 32-bit PRNG, plenty for test data (not for anything secret). Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: turns a seed plus a label into an independent 32-bit seed. */
export function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A seeded random source with the few helpers the simulator needs. */
export class Random {
  private readonly next: () => number;

  /** @param seed any number; only its low 32 bits matter. */
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** True with probability `p` (clamped to 0..1); always consumes one draw so streams stay aligned. */
  chance(p: number): boolean {
    return this.next() < Math.min(1, Math.max(0, p));
  }

  /** `prefix` followed by `length` random lower-case alphanumerics, e.g. `run_k3j9x0a1b2c3`. */
  id(prefix: string, length = 16): string {
    let s = prefix;
    for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(this.next() * ALPHABET.length)];
    return s;
  }

  /** An independent stream derived from this one's seed and a label. */
  fork(label: string): Random {
    return new Random(hashSeed(this.seed, label));
  }
}
