/**
 * Seeded randomness for the pure core. The generator's whole state is one
 * unsigned 32-bit number that the tournament stores (STYLE: "a seeded RNG whose
 * state lives in the tournament"), so a replay draws the same numbers.
 * The generator is mulberry32 (Tommy Ettinger, public domain): tiny, fast and
 * good enough for shuffling a seeding; nothing here is security sensitive.
 */

/** Returns a float in [0, 1) and the generator's next state. */
export function nextRandom(state: number): [value: number, state: number] {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next];
}

/** Returns an integer in [0, bound) and the next state. */
export function nextInt(state: number, bound: number): [value: number, state: number] {
  const [value, next] = nextRandom(state);
  return [Math.floor(value * bound), next];
}

/** Fisher-Yates shuffle into a new array; the input is left untouched. */
export function shuffle<T>(items: readonly T[], state: number): [shuffled: T[], state: number] {
  const out = [...items];
  let s = state >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    const [j, next] = nextInt(s, i + 1);
    s = next;
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return [out, s];
}
