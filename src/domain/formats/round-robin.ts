/**
 * Round robin by the circle method: with the teams in seed order (plus a
 * dummy when their number is odd, whose opponent sits the round out), seed 1
 * stays put and the others rotate one place a round. Each pair meets once in
 * n-1 rounds (n even); `double` plays the schedule again with sides swapped.
 * Rounds are created when they start (SPEC §4); a team sitting out gets no
 * match, and no points (everybody sits out once).
 */
import { roundRobinStandings } from '../standings/round-robin.js';
import type { FormatOptions, Match, RoundRobinOptions, TeamId } from '../types.js';
import type { FormatEngine, Work } from '../work.js';
import { roundOfPairs } from './format.js';

/** Rounds of a single round robin between `teams` teams. */
export function cycleLength(teams: number): number {
  return teams + (teams % 2) - 1;
}

/** The pairs of `round` (1-based); the first team of a pair plays in slot 1. */
export function roundRobinPairs(
  seeds: readonly TeamId[],
  round: number,
  double: boolean,
): [TeamId, TeamId][] {
  const slots: (TeamId | null)[] = seeds.length % 2 === 1 ? [...seeds, null] : [...seeds];
  const n = slots.length;
  const cycle = n - 1;
  const turn = (round - 1) % cycle;
  const swapped = double && round > cycle;
  const rest = slots.slice(1);
  const shift = rest.length === 0 ? 0 : turn % rest.length;
  const rotated = [...rest.slice(rest.length - shift), ...rest.slice(0, rest.length - shift)];
  const order = [slots[0] as TeamId | null, ...rotated];
  const pairs: [TeamId, TeamId][] = [];
  for (let i = 0; i < n / 2; i++) {
    let a = order[i] ?? null;
    let b = order[n - 1 - i] ?? null;
    if (a === null || b === null) continue;
    // Seed 1 never moves: alternate its side so it is not always slot 1.
    if (i === 0 && turn % 2 === 1) [a, b] = [b, a];
    pairs.push(swapped ? [b, a] : [a, b]);
  }
  return pairs;
}

function roundMatches(seeds: readonly TeamId[], round: number, double: boolean): Match[] {
  return roundOfPairs(round, roundRobinPairs(seeds, round, double));
}

function options(w: Work): RoundRobinOptions {
  return w.base.options as RoundRobinOptions;
}

export const roundRobin: FormatEngine = {
  allowsDraw: true,

  build(seeds, opts: FormatOptions) {
    const double = (opts as RoundRobinOptions).double;
    const total = cycleLength(seeds.length) * (double ? 2 : 1);
    return { matches: roundMatches(seeds, 1, double), total_rounds: total };
  },

  createRound(w, round) {
    if (round > w.total_rounds) return [];
    return roundMatches(w.seeds, round, options(w).double);
  },

  afterDecision: () => {},
  // Later rounds do not depend on results: a correction only moves standings.
  applyCorrection: () => {},

  champion(w) {
    return roundRobinStandings(w, options(w).points)[0]?.team_id ?? null;
  },

  standings(w) {
    return roundRobinStandings(w, options(w).points);
  },
};
