/**
 * Single elimination (SPEC §4): bracket size the next power of two, byes to
 * the best seeds, standard seed order, optional third-place match played in
 * the final's round. Ids r{round}_match_{n}; the third-place match is
 * r{final}_match_2.
 */
import { eliminationRecords, singleEliminationStandings } from '../standings/elimination.js';
import type { FormatOptions, Match, SingleEliminationOptions, TeamId } from '../types.js';
import type { FormatEngine, Work } from '../work.js';
import { feed, rederive } from './bracket.js';
import { blankMatch, matchId } from './format.js';
import { bracketSize, standardOrder } from './seeding-order.js';

/**
 * Round 1 of a standard bracket: seeds above `seeds.length` are byes, which
 * the standard order pairs with the best seeds.
 */
export function firstRoundSlots(seeds: readonly TeamId[]): [TeamId | null, TeamId | null][] {
  const order = standardOrder(bracketSize(seeds.length));
  const slots: [TeamId | null, TeamId | null][] = [];
  for (let i = 0; i < order.length; i += 2) {
    slots.push([
      seeds[(order[i] as number) - 1] ?? null,
      seeds[(order[i + 1] as number) - 1] ?? null,
    ]);
  }
  return slots;
}

/**
 * A knockout tree. `id(round, n)` names matches; returns its rounds, each a
 * list of matches, round 1 holding the seeded slots.
 */
export function buildTree(
  seeds: readonly TeamId[],
  id: (round: number, n: number) => string,
  bracket: 'main' | 'winners',
): Match[][] {
  const first = firstRoundSlots(seeds).map(([team1_id, team2_id], i) =>
    blankMatch(id(1, i + 1), 1, bracket, 1, team1_id, team2_id),
  );
  const rounds = [first];
  for (let prev = first; prev.length > 1; ) {
    const round = rounds.length + 1;
    const next: Match[] = [];
    for (let j = 0; j < prev.length / 2; j++) {
      const m = blankMatch(id(round, j + 1), round, bracket, round);
      feed(prev[2 * j] as Match, 'winner', m, 1);
      feed(prev[2 * j + 1] as Match, 'winner', m, 2);
      next.push(m);
    }
    rounds.push(next);
    prev = next;
  }
  return rounds;
}

function finalId(w: Work): string {
  return matchId(w.total_rounds, 1);
}

export const singleElimination: FormatEngine = {
  allowsDraw: false,

  build(seeds, options: FormatOptions) {
    const rounds = buildTree(seeds, matchId, 'main');
    const total = rounds.length;
    const matches = rounds.flat();
    if ((options as SingleEliminationOptions).third_place && total >= 2) {
      const semis = rounds[total - 2] as Match[];
      const third = blankMatch(matchId(total, 2), total, 'third_place', total);
      feed(semis[0] as Match, 'loser', third, 1);
      feed(semis[1] as Match, 'loser', third, 2);
      matches.push(third);
    }
    return { matches, total_rounds: total };
  },

  createRound: () => [],
  afterDecision: () => {},

  applyCorrection(w, m, impact) {
    rederive(w, m, impact);
  },

  champion(w) {
    return w.get(finalId(w))?.winner ?? null;
  },

  standings(w) {
    return singleEliminationStandings(w, eliminationRecords(w));
  },
};
