import { describe, expect, it } from 'vitest';
import { nextInt, nextRandom, shuffle } from './rng.js';

describe('seeded rng', () => {
  it('is a pure function of its state', () => {
    expect(nextRandom(42)).toEqual(nextRandom(42));
    const [a, s1] = nextRandom(42);
    const [b] = nextRandom(s1);
    expect(a).not.toBe(b);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
  });

  it('draws integers in range, roughly uniformly', () => {
    const counts = [0, 0, 0, 0];
    let s = 7;
    for (let i = 0; i < 4000; i++) {
      const [v, next] = nextInt(s, 4);
      counts[v] = (counts[v] ?? 0) + 1;
      s = next;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('shuffles reproducibly without touching its input', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const [one, stateOne] = shuffle(items, 99);
    const [two, stateTwo] = shuffle(items, 99);
    expect(one).toEqual(two);
    expect(stateOne).toBe(stateTwo);
    expect([...one].sort((x, y) => x - y)).toEqual(items);
    expect(one).not.toEqual(items);
    expect(items[0]).toBe(0);
    expect(shuffle(items, 100)[0]).not.toEqual(one);
  });
});
