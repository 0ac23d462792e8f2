/**
 * The one interface every format implements. The flow (flow.ts) drives
 * matches the same way for all of them; a format says how matches are laid
 * out, what happens after special decisions, who won and how teams rank.
 */
import type { Bracket, FormatOptions, Match, MatchId, Standing, TeamId } from '../types.js';
import type { Work } from '../work.js';

/** Later matches a correction would change, and those of them already played. */
export interface CorrectionImpact {
  affected: Set<MatchId>;
  conflicts: Set<MatchId>;
  /** Pending matches whose teams changed: their captains hear again. */
  reannounce: Set<MatchId>;
}

export interface FormatEngine {
  /** Whether `winner: null` is a possible result. */
  allowsDraw: boolean;
  /**
   * The matches that exist when play starts, all `waiting`: the whole bracket
   * for elimination, round 1 for round robin and Swiss.
   */
  build(
    seeds: readonly TeamId[],
    options: FormatOptions,
  ): { matches: Match[]; total_rounds: number };
  /** Matches of `round` for formats that pair as they go; [] when there are no more. */
  createRound(w: Work, round: number): Match[];
  /** Called after any match is decided and its teams were sent on. */
  afterDecision(w: Work, m: Match): void;
  /**
   * `m` (already replaced in the scratch copy `w`) got a different result:
   * re-derive what depends on it, recording the impact. Changes to matches in
   * `impact.conflicts` are not made; the caller discards `w` if any.
   */
  applyCorrection(w: Work, m: Match, impact: CorrectionImpact): void;
  /** The tournament winner once play is over; null if nobody is left. */
  champion(w: Work): TeamId | null;
  standings(w: Work): Standing[];
}

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
