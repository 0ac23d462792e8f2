import type { FastifyReply } from 'fastify';
import type { Failure, TournamentAggregate } from '../domain/index.js';
import { statusOf } from '../domain/index.js';
import type { Match, Team } from '../domain/types.js';
import { ApiError } from './api-error.js';

/** Where a live tournament's server answers; null when none runs for it. */
export interface ServerInfo {
  url: string;
  status: string;
}

/** A tournament as SPEC §5 shows it. */
export function tournamentJson(
  agg: Omit<TournamentAggregate, 'play' | 'teams'> & { teams?: { length: number } },
  extra: {
    team_count?: number;
    created_at: string;
    updated_at?: string;
    server?: ServerInfo | null;
  },
) {
  return {
    id: agg.id,
    name: agg.name,
    description: agg.description ?? '',
    format: agg.format,
    state: agg.state,
    organizer_id: agg.organizer_id,
    min_teams: agg.min_teams,
    max_teams: agg.max_teams,
    team_count: extra.team_count ?? agg.teams?.length ?? 0,
    current_round: agg.current_round,
    winner: agg.winner,
    seeding: agg.seeding,
    options: agg.options,
    starts_at: agg.starts_at ?? null,
    created_at: extra.created_at,
    updated_at: extra.updated_at ?? extra.created_at,
    server: extra.server ?? null,
  };
}

export function teamJson(t: Team) {
  return {
    id: t.id,
    name: t.name,
    captain_id: t.captain_id,
    seed: t.seed,
    withdrawn: t.withdrawn === true,
  };
}

export function matchJson(m: Match) {
  return {
    id: m.id,
    round: m.round,
    bracket: m.bracket,
    bracket_round: m.bracket_round,
    status: m.status,
    team1_id: m.team1_id,
    team2_id: m.team2_id,
    winner: m.winner,
    scores: m.scores,
    walkover: m.walkover === true,
  };
}

/** Turns an engine refusal into the HTTP error of the catalogue. */
export function orThrow<T extends { ok: boolean }>(result: T | Failure): T {
  if (!result.ok) throw new ApiError((result as Failure).error);
  return result as T;
}

export function sendFailure(reply: FastifyReply, f: Failure) {
  return reply.status(statusOf(f.error.code)).send({ error: f.error });
}
