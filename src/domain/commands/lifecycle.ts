/**
 * Creating, editing, publishing, cancelling, archiving and deleting a
 * tournament: the transitions of SPEC §3 outside play.
 */
import type { CommandContext, CommandResult, TournamentAggregate } from '../aggregate.js';
import { copyAggregate, succeeded, unchanged } from '../aggregate.js';
import { type Failure, fail } from '../errors.js';
import { type DomainEvent, toGlobal, toTournament } from '../events.js';
import { isFormat, resolveOptions } from '../options.js';
import { type Action, targetState } from '../state-machine.js';
import type { Format, Seeding, TournamentState, UserId } from '../types.js';
import { guard } from './guard.js';

/** SPEC §5 bounds. */
export const LIMITS = {
  name: 100,
  description: 2000,
  minTeams: 2,
  maxTeams: 1024,
} as const;

export interface TournamentInput {
  name: string;
  format: Format;
  min_teams: number;
  max_teams: number;
  seeding?: Seeding;
  options?: unknown;
  description?: string | null;
  starts_at?: string | null;
}

export type TournamentPatch = Partial<TournamentInput>;

export interface CreateContext extends CommandContext {
  id: string;
  organizer_id: UserId;
  /** Seed of the random seeding, drawn once by the caller and stored. */
  seed: number;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function invalid(field: string, reason: string): Failure {
  return fail('validation_error', { field, reason });
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Checks a complete set of settings; returns the normalised aggregate fields. */
function validate(
  input: TournamentInput,
  baseOptions?: TournamentAggregate['options'],
):
  | Failure
  | {
      ok: true;
      fields: Omit<TournamentInput, 'options'> & { options: TournamentAggregate['options'] };
    } {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length < 1 || name.length > LIMITS.name) {
    return invalid('name', `must be 1 to ${LIMITS.name} characters`);
  }
  if (!isFormat(input.format)) return invalid('format', 'unknown format');
  const { min_teams, max_teams } = input;
  if (!isCount(min_teams) || min_teams < LIMITS.minTeams || min_teams > LIMITS.maxTeams) {
    return invalid('min_teams', `must be an integer from ${LIMITS.minTeams} to ${LIMITS.maxTeams}`);
  }
  if (!isCount(max_teams) || max_teams > LIMITS.maxTeams || max_teams < min_teams) {
    return invalid('max_teams', `must be an integer from min_teams to ${LIMITS.maxTeams}`);
  }
  const seeding = input.seeding ?? 'random';
  if (seeding !== 'random' && seeding !== 'manual') {
    return invalid('seeding', 'must be random or manual');
  }
  const description = input.description ?? null;
  if (
    description !== null &&
    (typeof description !== 'string' || description.length > LIMITS.description)
  ) {
    return invalid('description', `must be text of at most ${LIMITS.description} characters`);
  }
  const starts_at = input.starts_at ?? null;
  if (starts_at !== null && (typeof starts_at !== 'string' || !ISO_UTC.test(starts_at))) {
    return invalid('starts_at', 'must be an ISO 8601 time');
  }
  const options = resolveOptions(input.format, input.options, baseOptions);
  if (!options.ok) return options;
  return {
    ok: true,
    fields: {
      name,
      format: input.format,
      min_teams,
      max_teams,
      seeding,
      description,
      starts_at,
      options: options.options,
    },
  };
}

/** A new tournament in DRAFT. Nothing is announced until it is published. */
export function createTournament(
  input: TournamentInput,
  ctx: CreateContext,
): { ok: true; tournament: TournamentAggregate } | Failure {
  const checked = validate(input);
  if (!checked.ok) return checked;
  return {
    ok: true,
    tournament: {
      id: ctx.id,
      ...checked.fields,
      seeding: checked.fields.seeding ?? 'random',
      state: 'DRAFT',
      organizer_id: ctx.organizer_id,
      seed: ctx.seed >>> 0,
      teams: [],
      play: null,
      winner: null,
      current_round: 0,
    },
  };
}

/** Changes a draft's settings. Options merge onto the current ones unless the format changes. */
export function editTournament(
  agg: TournamentAggregate,
  patch: TournamentPatch,
  _ctx: CommandContext,
): CommandResult {
  const denied = guard(agg, 'edit');
  if (denied) return denied;
  const format = patch.format ?? agg.format;
  const merged: TournamentInput = {
    name: patch.name ?? agg.name,
    format,
    min_teams: patch.min_teams ?? agg.min_teams,
    max_teams: patch.max_teams ?? agg.max_teams,
    seeding: patch.seeding ?? agg.seeding,
    options: patch.options,
    description: patch.description === undefined ? (agg.description ?? null) : patch.description,
    starts_at: patch.starts_at === undefined ? (agg.starts_at ?? null) : patch.starts_at,
  };
  const checked = validate(merged, format === agg.format ? agg.options : undefined);
  if (!checked.ok) return checked;
  return unchanged({ ...agg, ...checked.fields, seeding: checked.fields.seeding ?? agg.seeding });
}

/** The tournament moved to the state `action` leads to, with the state_changed event and `also`. */
function moved(
  agg: TournamentAggregate,
  action: Action,
  ctx: CommandContext,
  also: readonly DomainEvent[] = [],
): CommandResult {
  const denied = guard(agg, action);
  if (denied) return denied;
  const to = targetState(agg.state, action) as TournamentState;
  const tournament = copyAggregate(agg, agg.teams, to, agg.play, agg.winner, agg.current_round);
  const changed = toTournament({
    type: 'state_changed',
    tournament_id: agg.id,
    from_state: agg.state,
    to_state: to,
    timestamp: ctx.now,
  });
  return succeeded(tournament, [changed, ...also]);
}

/** DRAFT -> REGISTRATION, announced globally (SPEC §6 tournament_published). */
export function publish(agg: TournamentAggregate, ctx: CommandContext): CommandResult {
  return moved(agg, 'publish', ctx, [
    toGlobal({
      type: 'tournament_published',
      tournament_id: agg.id,
      tournament_name: agg.name,
      format: agg.format,
      timestamp: ctx.now,
    }),
  ]);
}

export function cancel(agg: TournamentAggregate, ctx: CommandContext): CommandResult {
  return moved(agg, 'cancel', ctx);
}

export function archive(agg: TournamentAggregate, ctx: CommandContext): CommandResult {
  return moved(agg, 'archive', ctx);
}

/** Only checks that a draft may be deleted; the caller removes it. */
export function deleteTournament(agg: TournamentAggregate): CommandResult {
  return guard(agg, 'delete') ?? unchanged(agg);
}
