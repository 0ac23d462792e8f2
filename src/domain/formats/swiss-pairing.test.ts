import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairSwissRound, type SwissPairing, type SwissPlayer } from './swiss-pairing.js';

// ---- builders ------------------------------------------------------------

function player(
  id: string,
  opts: { score?: number; seed?: number; opponents?: string[]; bye?: boolean } = {},
): SwissPlayer {
  return {
    id,
    score: opts.score ?? 0,
    seed: opts.seed ?? Number(id.replace(/\D/g, '') || 0),
    opponents: new Set(opts.opponents ?? []),
    had_bye: opts.bye ?? false,
  };
}

/** Players t1..tn, seeded in order, with the given games already played. */
function field(n: number, games: [number, number][] = [], scores: number[] = []): SwissPlayer[] {
  const opp = Array.from({ length: n }, () => [] as string[]);
  for (const [a, b] of games) {
    opp[a - 1]?.push(`t${b}`);
    opp[b - 1]?.push(`t${a}`);
  }
  return opp.map((o, i) => player(`t${i + 1}`, { opponents: o, score: scores[i] ?? 0 }));
}

// ---- checks ----------------------------------------------------------------

function rank(players: readonly SwissPlayer[]): SwissPlayer[] {
  return [...players].sort((x, y) => y.score - x.score || x.seed - y.seed);
}

function rematches(players: readonly SwissPlayer[], pairing: SwissPairing): number {
  const byId = new Map(players.map((p) => [p.id, p]));
  return pairing.pairs.filter(([a, b]) => byId.get(a)?.opponents.has(b)).length;
}

/** Everyone exactly once; a bye only for odd fields, never a second one while avoidable. */
function expectWellFormed(players: readonly SwissPlayer[], pairing: SwissPairing): void {
  const seen = [...pairing.pairs.flat(), ...(pairing.bye === null ? [] : [pairing.bye])];
  expect(new Set(seen).size).toBe(seen.length);
  expect(new Set(seen)).toEqual(new Set(players.map((p) => p.id)));
  expect(pairing.bye !== null).toBe(players.length % 2 === 1);
  const anyFresh = players.some((p) => !p.had_bye);
  if (pairing.bye !== null && anyFresh) {
    expect(players.find((p) => p.id === pairing.bye)?.had_bye).toBe(false);
  }
}

/**
 * Objective of a pairing, smaller is better, in the pairer's priority order:
 * rematches, bye rank (negated: lower-ranked is better), score gaps, rank gaps.
 */
function cost(ranked: readonly SwissPlayer[], pairs: [string, string][], bye: string | null) {
  const pos = new Map(ranked.map((p, i) => [p.id, i]));
  const at = (id: string) => ranked[pos.get(id) as number] as SwissPlayer;
  let rem = 0;
  let score = 0;
  let gap = 0;
  for (const [a, b] of pairs) {
    if (at(a).opponents.has(b)) rem++;
    score += Math.abs(at(a).score - at(b).score);
    gap += Math.abs((pos.get(a) as number) - (pos.get(b) as number));
  }
  return [rem, bye === null ? 0 : -(pos.get(bye) as number), score, gap];
}

/** Lexicographically best cost over every possible pairing (small fields only). */
function bruteForceBest(players: readonly SwissPlayer[]): number[] {
  const ranked = rank(players);
  const fresh = ranked.some((p) => !p.had_bye);
  let best: number[] | null = null;
  const consider = (pairs: [string, string][], bye: string | null) => {
    const c = cost(ranked, pairs, bye);
    const diff = best === null ? -1 : c.findIndex((x, i) => x !== best?.[i]);
    if (best === null || (diff >= 0 && (c[diff] as number) < (best[diff] as number))) best = c;
  };
  const match = (rest: string[], pairs: [string, string][], bye: string | null): void => {
    if (rest.length === 0) {
      consider(pairs, bye);
      return;
    }
    const [a, ...others] = rest as [string, ...string[]];
    for (let i = 0; i < others.length; i++) {
      const b = others[i] as string;
      match(others.toSpliced(i, 1), [...pairs, [a, b]], bye);
    }
  };
  const ids = ranked.map((p) => p.id);
  if (ids.length % 2 === 0) match(ids, [], null);
  else {
    for (const p of ranked) {
      if (fresh && p.had_bye) continue;
      match(
        ids.filter((id) => id !== p.id),
        [],
        p.id,
      );
    }
  }
  return best ?? [0, 0, 0, 0];
}

/** The pairer this module replaces: top-down, nearest fresh opponent, no look-ahead. */
function greedyTopDown(players: readonly SwissPlayer[]): SwissPairing {
  const ranked = rank(players);
  const bye = ranked.length % 2 === 1 ? (ranked.pop()?.id ?? null) : null;
  const pairs: [string, string][] = [];
  while (ranked.length > 0) {
    const a = ranked.shift() as SwissPlayer;
    const i = Math.max(
      0,
      ranked.findIndex((b) => !a.opponents.has(b.id)),
    );
    const [b] = ranked.splice(i, 1) as [SwissPlayer];
    pairs.push([a.id, b.id]);
  }
  return { pairs, bye };
}

// ---- a seeded tournament simulator ----------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plays `rounds` rounds with random results (1/½/0), calling `check` before each result. */
function simulate(
  n: number,
  rounds: number,
  seed: number,
  check: (players: SwissPlayer[], pairing: SwissPairing, round: number) => void,
): void {
  const rnd = mulberry32(seed);
  const players = Array.from({ length: n }, (_, i) => ({
    ...player(`t${i + 1}`, { seed: i + 1 }),
    opponents: new Set<string>(),
  }));
  const byId = new Map(players.map((p) => [p.id, p]));
  for (let round = 1; round <= rounds; round++) {
    const snapshot = players.map((p) => ({ ...p, opponents: new Set(p.opponents) }));
    const pairing = pairSwissRound(snapshot);
    check(snapshot, pairing, round);
    for (const [a, b] of pairing.pairs) {
      const pa = byId.get(a) as (typeof players)[number];
      const pb = byId.get(b) as (typeof players)[number];
      pa.opponents.add(b);
      pb.opponents.add(a);
      const r = rnd();
      pa.score += r < 0.45 ? 1 : r < 0.55 ? 0.5 : 0;
      pb.score += r < 0.45 ? 0 : r < 0.55 ? 0.5 : 1;
    }
    if (pairing.bye !== null) {
      const p = byId.get(pairing.bye) as (typeof players)[number];
      p.score += 1;
      p.had_bye = true;
    }
  }
}

// ---- tests -------------------------------------------------------------------

describe('pairSwissRound', () => {
  it('pairs nobody, gives a lone team the bye', () => {
    expect(pairSwissRound([])).toEqual({ pairs: [], bye: null });
    expect(pairSwissRound([player('t1')])).toEqual({ pairs: [], bye: 't1' });
  });

  it('pairs neighbours in rank within a score group, higher-ranked first', () => {
    expect(pairSwissRound(field(4).reverse())).toEqual({
      pairs: [
        ['t1', 't2'],
        ['t3', 't4'],
      ],
      bye: null,
    });
  });

  it('keeps score groups together and floats the odd one down to the next group', () => {
    // t1..t3 on 1 point, t4..t6 on 0: t3 floats to t4.
    const pairing = pairSwissRound(field(6, [], [1, 1, 1, 0, 0, 0]));
    expect(pairing.pairs).toEqual([
      ['t1', 't2'],
      ['t3', 't4'],
      ['t5', 't6'],
    ]);
  });

  it('gives the bye to the lowest-ranked team that has not had one', () => {
    const players = field(5, [], [2, 2, 1, 1, 0]);
    expect(pairSwissRound(players).bye).toBe('t5');
    (players[4] as { had_bye: boolean }).had_bye = true;
    expect(pairSwissRound(players).bye).toBe('t4');
    for (const p of players) (p as { had_bye: boolean }).had_bye = true;
    expect(pairSwissRound(players).bye).toBe('t5');
  });

  it('avoids a rematch that a greedy top-down pairer walks into', () => {
    // Greedy: t1 skips t2 (played) and takes t3; then t2-t4 is a rematch.
    const players = field(4, [
      [1, 2],
      [2, 4],
    ]);
    expect(rematches(players, greedyTopDown(players))).toBe(1);
    const pairing = pairSwissRound(players);
    expect(rematches(players, pairing)).toBe(0);
    expect(pairing.pairs).toEqual([
      ['t1', 't4'],
      ['t2', 't3'],
    ]);
  });

  it('moves the bye up when the lowest eligible teams would force a rematch', () => {
    // t4 and t5 have each met t1..t3, so they must meet each other: neither can sit out.
    const players = field(5, [
      [4, 1],
      [4, 2],
      [4, 3],
      [5, 1],
      [5, 2],
      [5, 3],
    ]);
    const pairing = pairSwissRound(players);
    expect(rematches(players, pairing)).toBe(0);
    expect(pairing).toEqual({
      pairs: [
        ['t1', 't2'],
        ['t4', 't5'],
      ],
      bye: 't3',
    });
  });

  it('finds the only rematch-free pairing of a ten-team field that greedy misses', () => {
    // Round robins inside {t1..t5} and {t6..t10}; t5 has also met t7..t10, so t6 is
    // its only fresh opponent, and greedy hands t6 to t1.
    const games: [number, number][] = [];
    for (let a = 1; a <= 10; a++) {
      for (let b = a + 1; b <= 10; b++) {
        const sameHalf = (a <= 5 && b <= 5) || (a > 5 && b > 5);
        if (sameHalf || (a === 5 && b >= 7)) games.push([a, b]);
      }
    }
    const players = field(10, games);
    expect(rematches(players, greedyTopDown(players))).toBeGreaterThan(0);
    const pairing = pairSwissRound(players);
    expectWellFormed(players, pairing);
    expect(rematches(players, pairing)).toBe(0);
    expect(pairing.pairs).toContainEqual(['t5', 't6']);
  });

  it('minimises rematches when none can be avoided', () => {
    // Three teams have all met; the two who pair must meet again.
    const players = field(3, [
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    const pairing = pairSwissRound(players);
    expectWellFormed(players, pairing);
    expect(pairing).toEqual({ pairs: [['t1', 't2']], bye: 't3' });
  });

  it('is deterministic and independent of input order', () => {
    simulate(21, 4, 7, (players, pairing) => {
      expect(pairSwissRound([...players].reverse())).toEqual(pairing);
      expect(pairSwissRound(players)).toEqual(pairing);
    });
  });

  it('is optimal against brute force on fields of up to 10 teams (seeded)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        (n, rounds, seed) => {
          simulate(n, rounds, seed, (players, pairing) => {
            expectWellFormed(players, pairing);
            const ranked = rank(players);
            expect(cost(ranked, pairing.pairs, pairing.bye)).toEqual(bruteForceBest(players));
          });
        },
      ),
      { seed: 4242, numRuns: 120 },
    );
  });

  it('never rematches when Dirac guarantees a rematch-free pairing (11..64 teams, seeded)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 64 }), fc.integer(), (n, seed) => {
        const rounds = Math.ceil(Math.log2(n)) + 2;
        simulate(n, rounds, seed, (players, pairing, round) => {
          expectWellFormed(players, pairing);
          const even = n - (n % 2);
          // Minimum "may still meet" degree is even - 1 - (round - 1) >= even / 2.
          const dirac = round - 1 <= even / 2 - 1;
          if (dirac) expect(rematches(players, pairing)).toBe(0);
          // Any team can then sit out, so the bye is exactly the lowest-ranked eligible.
          if (dirac && pairing.bye !== null) {
            const eligible = rank(players).filter((p) => !p.had_bye);
            expect(pairing.bye).toBe(eligible.at(-1)?.id);
          }
        });
      }),
      { seed: 99, numRuns: 60 },
    );
  });

  it('pairs large fields in blocks without rematches', () => {
    for (const [n, seed] of [
      [129, 1],
      [301, 2],
      [600, 3],
    ] as const) {
      simulate(n, 9, seed, (players, pairing) => {
        expectWellFormed(players, pairing);
        expect(rematches(players, pairing)).toBe(0);
        if (pairing.bye !== null) {
          expect(pairing.bye).toBe(
            rank(players)
              .filter((p) => !p.had_bye)
              .at(-1)?.id,
          );
        }
      });
    }
  });

  it('merges blocks when the bottom of a large field has all met', () => {
    // The 40 lowest-ranked of 300 have played each other: they must all pair upwards.
    const games: [number, number][] = [];
    for (let a = 261; a <= 300; a++) for (let b = a + 1; b <= 300; b++) games.push([a, b]);
    const players = field(300, games);
    const pairing = pairSwissRound(players);
    expectWellFormed(players, pairing);
    expect(rematches(players, pairing)).toBe(0);
  });

  it('falls back to the fewest rematches on a large field where some are unavoidable', () => {
    // 100 of 180 teams have all met: at most 80 of them find a fresh opponent, so the
    // other 20 make 10 unavoidable rematches.
    const games: [number, number][] = [];
    for (let a = 81; a <= 180; a++) for (let b = a + 1; b <= 180; b++) games.push([a, b]);
    const players = field(180, games);
    const pairing = pairSwissRound(players);
    expectWellFormed(players, pairing);
    expect(rematches(players, pairing)).toBe(10);
  });
});
