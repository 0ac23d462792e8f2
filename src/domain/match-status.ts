import type { Match, MatchStatus, TeamId } from './types.js';

/** Whether a match has its outcome: a result, a double forfeit, a bye or a walkover. */
export function isDecided(m: Match): boolean {
  return m.status === 'completed' || m.status === 'abandoned' || m.status === 'bye';
}

/**
 * `m` with the fields that change during play set, every other field copied:
 * written out field by field: with an object spread here, double elimination
 * 256 (bench:engine) took 3 ms instead of 0.75 on Node 20.
 */
export function revised(
  m: Match,
  team1_id: TeamId | null,
  team2_id: TeamId | null,
  status: MatchStatus,
  winner: TeamId | null,
  scores: Record<TeamId, number> | null,
  walkover: boolean,
): Match {
  return {
    id: m.id,
    round: m.round,
    bracket: m.bracket,
    bracket_round: m.bracket_round,
    team1_id,
    team2_id,
    status,
    winner,
    scores,
    walkover,
    winner_to: m.winner_to ?? null,
    loser_to: m.loser_to ?? null,
    team1_from: m.team1_from ?? null,
    team2_from: m.team2_from ?? null,
  };
}
