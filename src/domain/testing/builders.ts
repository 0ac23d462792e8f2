/**
 * Test builders (STYLE "Tests": builders, not JSON blobs). Pure helpers that
 * tests share; nothing here is used by the engine.
 */
import type { CommandResult, TournamentAggregate } from '../aggregate.js';
import { createTournament, publish } from '../commands/lifecycle.js';
import { abandonMatch, recordResult } from '../commands/play.js';
import { registerTeam } from '../commands/registration.js';
import { startTournament } from '../commands/start.js';
import { matchesOfRound, pendingMatches } from '../queries.js';
import { nextRandom } from '../rng.js';
import type { Format, Match, ResultInput, Seeding, Team, TeamId } from '../types.js';

export const NOW = '2025-12-29T19:00:00Z';
export const ctx = { now: NOW };

/** team('a') is team_a, captained by u_a. */
export function team(name: string, fields: Partial<Team> = {}): Team {
  return {
    id: `team_${name}`,
    name: `Team ${name}`,
    captain_id: `u_${name}`,
    seed: null,
    ...fields,
  };
}

/** n teams named 1..n, registered in that order. */
export function teams(n: number): Team[] {
  return Array.from({ length: n }, (_, i) => team(String(i + 1)));
}

/** result('team_a') or result('team_a', {team_a: 2, team_b: 1}); result(null) is a draw. */
export function result(
  winner: TeamId | null | undefined,
  scores?: Record<TeamId, number>,
): ResultInput {
  const input: ResultInput = {};
  if (winner !== undefined) input.winner = winner;
  if (scores !== undefined) input.scores = scores;
  return input;
}

/** Unwraps a successful command; a failure throws with its code (tests only). */
export function ok(r: CommandResult): TournamentAggregate {
  if (!r.ok)
    throw new Error(`expected ok, got ${r.error.code}: ${JSON.stringify(r.error.details)}`);
  return r.tournament;
}

export interface DraftFields {
  options?: unknown;
  seeding?: Seeding;
  seed?: number;
  min_teams?: number;
  max_teams?: number;
}

export function draft(format: Format, fields: DraftFields = {}): TournamentAggregate {
  const r = createTournament(
    {
      name: 'Summer Championship',
      format,
      min_teams: fields.min_teams ?? 2,
      max_teams: fields.max_teams ?? 1024,
      seeding: fields.seeding ?? 'manual',
      options: fields.options,
    },
    { now: NOW, id: 't_1', organizer_id: 'u_org', seed: fields.seed ?? 42 },
  );
  if (!r.ok) throw new Error(r.error.code);
  return r.tournament;
}

export function registered(
  format: Format,
  n: number | Team[],
  fields: DraftFields = {},
): TournamentAggregate {
  let agg = ok(publish(draft(format, fields), ctx));
  for (const t of typeof n === 'number' ? teams(n) : n) agg = ok(registerTeam(agg, t, ctx));
  return agg;
}

/** Registered and started; manual seeding by default, so team_1 is seed 1. */
export function started(
  format: Format,
  n: number | Team[],
  fields: DraftFields = {},
): TournamentAggregate {
  return ok(startTournament(registered(format, n, fields), ctx));
}

export function findMatch(agg: TournamentAggregate, id: string): Match {
  const m = matchesOfRound(agg, 'all').find((x) => x.id === id);
  if (!m) throw new Error(`no match ${id}`);
  return m;
}

export interface PlayOptions {
  /** Chance of a draw where the format allows one. */
  drawRate?: number;
  /** Chance that a match is abandoned instead of played. */
  abandonRate?: number;
  /** Chance that slot 1 wins (default 0.5). */
  favourite?: number;
  /** Whether to send scores with the winner. */
  scores?: boolean;
}

/**
 * Plays the tournament to the end with seeded random results, one pending
 * match at a time; returns the final aggregate and the number of commands.
 * (Command results are not kept: each holds a whole aggregate.)
 */
export function playToEnd(
  start: TournamentAggregate,
  seed: number,
  opts: PlayOptions = {},
): { agg: TournamentAggregate; steps: number } {
  let agg = start;
  let rng = seed >>> 0;
  const draw = () => {
    const [v, next] = nextRandom(rng);
    rng = next;
    return v;
  };
  let steps = 0;
  const allowsDraw = agg.format === 'round_robin' || agg.format === 'swiss';
  for (let guard = 0; agg.state === 'ACTIVE'; guard++) {
    if (guard > 100_000) throw new Error('playToEnd: no progress');
    const pending = pendingMatches(agg);
    const m = pending[Math.floor(draw() * pending.length)];
    if (!m)
      throw new Error(`playToEnd: ACTIVE without a pending match in round ${agg.current_round}`);
    let r: CommandResult;
    if (draw() < (opts.abandonRate ?? 0)) {
      r = abandonMatch(agg, m.id, ctx);
    } else if (allowsDraw && draw() < (opts.drawRate ?? 0)) {
      r = recordResult(agg, m.id, result(null), ctx);
    } else {
      const one = draw() < (opts.favourite ?? 0.5);
      const winner = (one ? m.team1_id : m.team2_id) as TeamId;
      const loser = (one ? m.team2_id : m.team1_id) as TeamId;
      r = recordResult(
        agg,
        m.id,
        opts.scores ? result(winner, { [winner]: 2, [loser]: 1 }) : result(winner),
        ctx,
      );
    }
    steps++;
    agg = ok(r);
  }
  return { agg, steps };
}
