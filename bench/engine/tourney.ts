/** Tourney's engine driven through its public API (src/domain/index.ts), as a shell would. */
import {
  type CommandResult,
  createTournament,
  matchesOfRound,
  pendingMatches,
  publish,
  recordResult,
  registerTeam,
  standings,
  startTournament,
  type TournamentAggregate,
} from '../../src/domain/index.js';
import type { Format, Match } from '../../src/domain/types.js';
import { mulberry32 } from './random.js';

const ctx = { now: '2026-01-01T00:00:00Z' };

function ok(r: CommandResult | ReturnType<typeof createTournament>): TournamentAggregate {
  if (!r.ok) throw new Error(`tourney: ${r.error.code} ${JSON.stringify(r.error.details ?? {})}`);
  return r.tournament;
}

function started(format: Format, teams: number, options: unknown): TournamentAggregate {
  let agg = ok(
    createTournament(
      { name: 'Bench', format, min_teams: 2, max_teams: teams, seeding: 'manual', options },
      { now: ctx.now, id: 't_bench', organizer_id: 'u_org', seed: 1 },
    ),
  );
  agg = ok(publish(agg, ctx));
  for (let i = 1; i <= teams; i++) {
    const team = { id: `team_${i}`, name: `Team ${i}`, captain_id: `u_${i}`, seed: null };
    agg = ok(registerTeam(agg, team, ctx));
  }
  return ok(startTournament(agg, ctx));
}

/** Plays every pending match of the current round, round after round, until COMPLETED. */
function playOut(start: TournamentAggregate, seed: number): TournamentAggregate {
  const rnd = mulberry32(seed);
  let agg = start;
  while (agg.state === 'ACTIVE') {
    const pending = pendingMatches(agg);
    if (pending.length === 0) throw new Error(`tourney: stuck in round ${agg.current_round}`);
    for (const m of pending) {
      const winner = rnd() < 0.5 ? m.team1_id : m.team2_id;
      agg = ok(recordResult(agg, m.id, { winner }, ctx));
    }
  }
  return agg;
}

/** Creates and completes a double elimination with a grand final reset. */
export function tourneyDoubleElimination(teams: number, seed: number): { matches: number } {
  const agg = playOut(started('double_elimination', teams, { grand_final: 'with_reset' }), seed);
  return { matches: agg.play?.rounds.reduce((n, round) => n + round.length, 0) ?? 0 };
}

/** Creates and completes a Swiss of `rounds` rounds; counts rematches in the pairings. */
export function tourneySwiss(
  teams: number,
  rounds: number,
  seed: number,
): { rematches: number; matches: Match[] } {
  const options = {
    rounds,
    tiebreaks: ['buchholz', 'sonneborn_berger'],
    points: { win: 1, draw: 0.5, loss: 0 },
  };
  const agg = playOut(started('swiss', teams, options), seed);
  standings(agg);
  const matches = matchesOfRound(agg, 'all');
  return { rematches: countRematches(matches), matches };
}

export function countRematches(
  matches: readonly { team1_id: string | null; team2_id: string | null }[],
): number {
  const seen = new Set<string>();
  let rematches = 0;
  for (const m of matches) {
    if (m.team1_id === null || m.team2_id === null) continue;
    const key =
      m.team1_id < m.team2_id ? `${m.team1_id}|${m.team2_id}` : `${m.team2_id}|${m.team1_id}`;
    if (seen.has(key)) rematches++;
    seen.add(key);
  }
  return rematches;
}
