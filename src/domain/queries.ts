/** Read-only views of a tournament for the shells. */
import { matchList, type TournamentAggregate } from './aggregate.js';
import { engineFor } from './formats/registry.js';
import type { Match, Standing } from './types.js';
import { Work } from './work.js';

/**
 * Standings for every format (SPEC §5 standings). Before the start every
 * team is listed, level, in registration order.
 */
export function standings(agg: TournamentAggregate): Standing[] {
  if (agg.play === null) {
    return agg.teams.map((t) => ({
      rank: 1,
      team_id: t.id,
      name: t.name,
      wins: 0,
      losses: 0,
      draws: 0,
      points: 0,
    }));
  }
  const w = new Work(agg, '', engineFor(agg.format));
  return w.engine.standings(w);
}

/** The matches of one round, or of every round with 'all' (SPEC §5 matches). */
export function matchesOfRound(agg: TournamentAggregate, round: number | 'all'): Match[] {
  if (agg.play === null) return [];
  if (round === 'all') return matchList(agg.play.rounds);
  return agg.play.rounds[round - 1]?.slice() ?? [];
}

/** What the results form offers: the pending matches of the current round. */
export function pendingMatches(agg: TournamentAggregate): Match[] {
  return matchesOfRound(agg, agg.current_round).filter((m) => m.status === 'pending');
}

export function teamCount(agg: TournamentAggregate): number {
  return agg.teams.length;
}
