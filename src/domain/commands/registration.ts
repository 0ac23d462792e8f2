/** Team signup while the tournament is in REGISTRATION (SPEC §5 teams). */
import type { CommandContext, CommandResult, TournamentAggregate } from '../aggregate.js';
import { unchanged } from '../aggregate.js';
import { fail } from '../errors.js';
import { toTournament } from '../events.js';
import type { Team, TeamId } from '../types.js';
import { guard } from './guard.js';
import { LIMITS } from './lifecycle.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The key names are compared by. For printable ASCII, NFKC is the identity and
 * lower-casing needs no locale: the cheap path gives the same key, which keeps
 * registering hundreds of teams from normalising every name again each time.
 */
/**
 * Keys of registered teams, remembered per team object: aggregates share their
 * unchanged team objects, so registering n teams computes n keys, not n².
 * A cache, not state: the key depends on the name alone.
 */
const teamKeys = new WeakMap<Team, string>();

function keyOf(team: Team): string {
  let key = teamKeys.get(team);
  if (key === undefined) {
    key = nameKey(team.name);
    teamKeys.set(team, key);
  }
  return key;
}

function nameKey(name: string): string {
  const trimmed = name.trim();
  if (PRINTABLE_ASCII.test(trimmed)) return trimmed.toLowerCase();
  return trimmed.normalize('NFKC').toLocaleLowerCase('en');
}

/**
 * Adds a team. Names are unique without regard to case; a user captains at
 * most one team, except the organizer, who may enter any number (bulk entry).
 * A manual seed must be free and within max_teams.
 */
export function registerTeam(
  agg: TournamentAggregate,
  team: Team,
  ctx: CommandContext,
): CommandResult {
  const denied = guard(agg, 'register_team');
  if (denied) return denied;
  const name = typeof team.name === 'string' ? team.name.trim() : '';
  if (name.length < 1 || name.length > LIMITS.name) {
    return fail('validation_error', {
      field: 'name',
      reason: `must be 1 to ${LIMITS.name} characters`,
    });
  }
  const seed = team.seed ?? null;
  if (seed !== null && (!Number.isInteger(seed) || seed < 1 || seed > agg.max_teams)) {
    return fail('validation_error', {
      field: 'seed',
      reason: `must be an integer from 1 to ${agg.max_teams}`,
    });
  }
  if (agg.teams.some((t) => t.id === team.id)) return fail('conflict', { team_id: team.id });
  if (agg.teams.length >= agg.max_teams)
    return fail('tournament_full', { max_teams: agg.max_teams });
  const key = nameKey(name);
  if (agg.teams.some((t) => keyOf(t) === key)) return fail('team_name_taken', { name });
  const captained = agg.teams.find((t) => t.captain_id === team.captain_id);
  if (captained && team.captain_id !== agg.organizer_id) {
    return fail('already_captain', { captain_id: team.captain_id, team_id: captained.id });
  }
  if (seed !== null && agg.teams.some((t) => t.seed === seed)) {
    return fail('validation_error', { field: 'seed', reason: `seed ${seed} is taken` });
  }
  const added: Team = { id: team.id, name, captain_id: team.captain_id, seed };
  const result = unchanged({ ...agg, teams: [...agg.teams, added] });
  result.events.push(
    toTournament({
      type: 'team_registered',
      tournament_id: agg.id,
      team_id: added.id,
      team_name: added.name,
      captain_id: added.captain_id,
      seed,
      team_count: agg.teams.length + 1,
      timestamp: ctx.now,
    }),
  );
  return result;
}

export function unregisterTeam(
  agg: TournamentAggregate,
  teamId: TeamId,
  ctx: CommandContext,
): CommandResult {
  const denied = guard(agg, 'unregister');
  if (denied) return denied;
  const team = agg.teams.find((t) => t.id === teamId);
  if (!team) return fail('team_not_found', { team_id: teamId });
  const teams = agg.teams.filter((t) => t.id !== teamId);
  const result = unchanged({ ...agg, teams });
  result.events.push(
    toTournament({
      type: 'team_unregistered',
      tournament_id: agg.id,
      team_id: team.id,
      team_name: team.name,
      team_count: teams.length,
      timestamp: ctx.now,
    }),
  );
  return result;
}
