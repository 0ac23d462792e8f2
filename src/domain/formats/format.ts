/** How the formats make matches: ids and blank matches (FormatEngine is in work.ts). */
import type { Bracket, Match, MatchId, TeamId } from '../types.js';

/**
 * A namer of match ids that hands out the same string for the same (round, n)
 * every time. Engines look matches up by id on every command; a string made
 * once is hashed once per process, where a fresh one costs a copy and a hash
 * per tournament. Only ids of early rounds and moderate sizes are kept, so
 * the table stays small (a few thousand short strings at most).
 */
export function idNamer(
  make: (round: number, n: number) => MatchId,
): (round: number, n: number) => MatchId {
  const rounds: MatchId[][] = [];
  return (round, n) => {
    if (round >= 32 || n > 512) return make(round, n);
    let row = rounds[round];
    if (row === undefined) {
      row = [];
      rounds[round] = row;
    }
    let id = row[n];
    if (id === undefined) {
      id = make(round, n);
      row[n] = id;
    }
    return id;
  };
}

/** Round-based and single-elimination ids: r{round}_match_{n}. */
export const matchId = idNamer((round, n) => `r${round}_match_${n}`);

/**
 * A match as the builders create it: both slots open, nothing decided. Every
 * field is present, always in this order, so that all matches share one
 * object shape (the engine copies and reads them on every command).
 */
export function blankMatch(
  id: MatchId,
  round: number,
  bracket: Bracket,
  bracket_round: number,
  team1_id: TeamId | null = null,
  team2_id: TeamId | null = null,
): Match {
  return {
    id,
    round,
    bracket,
    bracket_round,
    team1_id,
    team2_id,
    status: 'waiting',
    winner: null,
    scores: null,
    walkover: false,
    winner_to: null,
    loser_to: null,
    team1_from: null,
    team2_from: null,
  };
}

/** The matches of one round of a round-based format (round robin, Swiss): r{round}_match_{n}. */
export function roundOfPairs(
  round: number,
  pairs: readonly (readonly [TeamId, TeamId | null])[],
): Match[] {
  return pairs.map(([team1_id, team2_id], i) =>
    blankMatch(matchId(round, i + 1), round, 'main', round, team1_id, team2_id),
  );
}
