/** What happens while a tournament is ACTIVE: results, abandons, withdrawals. */
import type { CommandContext, CommandResult, TournamentAggregate } from '../aggregate.js';
import { unchanged } from '../aggregate.js';
import { fail } from '../errors.js';
import { advance, decide, isDecided, openMatchesOf, settle } from '../flow.js';
import { engineFor } from '../formats/registry.js';
import { repeatsResult, resolveResult } from '../result-input.js';
import type { MatchId, ResultInput, TeamId } from '../types.js';
import { Work } from '../work.js';
import { guard } from './guard.js';

/**
 * Records the result of a pending match of the current round. Posting the
 * recorded result again changes nothing and announces nothing (SPEC §4).
 */
export function recordResult(
  agg: TournamentAggregate,
  matchId: MatchId,
  input: ResultInput,
  ctx: CommandContext,
): CommandResult {
  const denied = guard(agg, 'record_result');
  if (denied) return denied;
  const w = new Work(agg, ctx.now, engineFor(agg.format));
  const at = w.locate(matchId);
  const match = at === undefined ? undefined : w.at(at);
  if (at === undefined || match?.id !== matchId) {
    return fail('match_not_found', { match_id: matchId });
  }
  if (match.status === 'waiting') {
    return fail('match_not_pending', { match_id: matchId, status: match.status });
  }
  const resolved = resolveResult(match, input, w.engine.allowsDraw, agg.format);
  if (!resolved.ok) return resolved;
  if (isDecided(match)) {
    if (repeatsResult(match, resolved.result, input)) return unchanged(agg);
    return fail('match_already_completed', {
      match_id: matchId,
      status: match.status,
      winner: match.winner,
    });
  }
  decide(w, match, 'completed', resolved.result.winner, resolved.result.scores, at);
  advance(w);
  return w.finish();
}

/**
 * Double forfeit: the match ends with no winner and both teams are out of it;
 * in elimination the next match becomes a walkover for the other side (and
 * in double elimination neither team drops to the losers bracket).
 * Abandoning an abandoned match again is a no-op.
 */
export function abandonMatch(
  agg: TournamentAggregate,
  matchId: MatchId,
  ctx: CommandContext,
): CommandResult {
  const denied = guard(agg, 'abandon_match');
  if (denied) return denied;
  const w = new Work(agg, ctx.now, engineFor(agg.format));
  const match = w.get(matchId);
  if (!match) return fail('match_not_found', { match_id: matchId });
  if (match.status === 'abandoned' && match.walkover !== true) return unchanged(agg);
  if (isDecided(match)) {
    return fail('match_already_completed', { match_id: matchId, status: match.status });
  }
  if (match.status !== 'pending') {
    return fail('match_not_pending', { match_id: matchId, status: match.status });
  }
  w.emit({
    type: 'match_abandoned',
    tournament_id: agg.id,
    match_id: match.id,
    round: match.round,
    team1_id: match.team1_id,
    team2_id: match.team2_id,
    timestamp: ctx.now,
  });
  decide(w, match, 'abandoned', null, null);
  advance(w);
  return w.finish();
}

/**
 * A team leaves mid-event. Its undecided matches whose opponent is known
 * become walkovers for the opponent now; the others when the opponent
 * arrives. Round robin gives walkovers in the rounds still to come; Swiss no
 * longer pairs the team. Withdrawing twice is a no-op.
 */
export function withdrawTeam(
  agg: TournamentAggregate,
  teamId: TeamId,
  ctx: CommandContext,
): CommandResult {
  const denied = guard(agg, 'withdraw_team');
  if (denied) return denied;
  const team = agg.teams.find((t) => t.id === teamId);
  if (!team) return fail('team_not_found', { team_id: teamId });
  if (team.withdrawn) return unchanged(agg);
  const w = new Work(agg, ctx.now, engineFor(agg.format));
  w.setTeams(
    agg.teams.map((t) =>
      t.id === teamId ? { ...t, withdrawn: true, withdrawn_round: agg.current_round } : t,
    ),
  );
  w.emit({
    type: 'team_withdrawn',
    tournament_id: agg.id,
    team_id: team.id,
    team_name: team.name,
    round: agg.current_round,
    timestamp: ctx.now,
  });
  for (const id of openMatchesOf(w, teamId)) settle(w, w.must(id));
  advance(w);
  return w.finish();
}
