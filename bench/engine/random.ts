/** Seeded randomness for the engine benchmark: every run draws the same results. */

/** mulberry32: small, fast, good enough to draw match results. */
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

/**
 * Runs `fn` with Math.random replaced by a seeded generator. tournament-organizer
 * (through tournament-pairings) shuffles players with Math.random before each
 * Swiss round; pinning it makes the peer's run as reproducible as ours.
 */
export async function withSeededMathRandom<T>(seed: number, fn: () => Promise<T> | T): Promise<T> {
  const original = Math.random;
  Math.random = mulberry32(seed ^ 0x9e3779b9);
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}
