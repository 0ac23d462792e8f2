/**
 * Replacing a recorded result (SPEC §4: "while no later match depends on
 * it"). The change is simulated on a scratch copy; the format reports which
 * later matches it would alter (`affected`) and which of those already have a
 * result (`conflicts`). It is applied, atomically, only without conflicts.
 * Impact by format: elimination follows the bracket links (a changed winner
 * or loser changes the next slots; byes and walkovers on the way are
 * re-derived); round robin has none; Swiss re-pairs the later rounds.
 */
import type { CommandContext, CommandResult, TournamentAggregate } from '../aggregate.js';
import { unchanged } from '../aggregate.js';
import { type Failure, fail } from '../errors.js';
import { advance, announceReady, isPlayed, loserOf } from '../flow.js';
import { engineFor } from '../formats/registry.js';
import { resolveResult, sameResult } from '../result-input.js';
import type { Match, MatchId, ResultInput } from '../types.js';
import { type CorrectionImpact, Work } from '../work.js';
import { guard } from './guard.js';

interface Plan {
  w: Work;
  before: Match;
  after: Match;
  impact: CorrectionImpact;
}

function plan(
  agg: TournamentAggregate,
  matchId: MatchId,
  input: ResultInput,
  ctx: CommandContext,
): Plan | 'same' | Failure {
  const denied = guard(agg, 'correct_result');
  if (denied) return denied;
  const w = new Work(agg, ctx.now, engineFor(agg.format));
  const before = w.get(matchId);
  if (!before) return fail('match_not_found', { match_id: matchId });
  if (!isPlayed(before)) {
    return fail('match_not_completed', { match_id: matchId, status: before.status });
  }
  const resolved = resolveResult(before, input, w.engine.allowsDraw, agg.format);
  if (!resolved.ok) return resolved;
  if (sameResult(before, resolved.result)) return 'same';
  const after: Match = { ...before, ...resolved.result };
  w.put(after);
  const impact: CorrectionImpact = {
    affected: new Set(),
    conflicts: new Set(),
    reannounce: new Set(),
  };
  w.engine.applyCorrection(w, after, impact);
  return { w, before, after, impact };
}

export type PreviewResult = { ok: true; affected: MatchId[]; conflicts: MatchId[] } | Failure;

/** What a correction would change, without changing anything. */
export function previewCorrection(
  agg: TournamentAggregate,
  matchId: MatchId,
  input: ResultInput,
  ctx: CommandContext = { now: '1970-01-01T00:00:00Z' },
): PreviewResult {
  const p = plan(agg, matchId, input, ctx);
  if (p === 'same') return { ok: true, affected: [], conflicts: [] };
  if ('ok' in p) return p;
  return { ok: true, affected: [...p.impact.affected], conflicts: [...p.impact.conflicts] };
}

/** Applies a correction when no affected match has a result yet. */
export function correctResult(
  agg: TournamentAggregate,
  matchId: MatchId,
  input: ResultInput,
  ctx: CommandContext,
): CommandResult {
  const p = plan(agg, matchId, input, ctx);
  if (p === 'same') return unchanged(agg);
  if ('ok' in p) return p;
  const { w, before, after, impact } = p;
  if (impact.conflicts.size > 0) {
    return fail('correction_conflict', {
      match_id: matchId,
      conflicts: [...impact.conflicts],
      affected: [...impact.affected],
    });
  }
  w.emitFirst({
    type: 'result_corrected',
    tournament_id: agg.id,
    match_id: matchId,
    round: after.round,
    winner: after.winner,
    loser: loserOf(after),
    scores: after.scores,
    previous_winner: before.winner,
    previous_scores: before.scores,
    affected: [...impact.affected],
    timestamp: ctx.now,
  });
  for (const id of impact.reannounce) {
    const m = w.get(id);
    if (m?.status === 'pending') announceReady(w, m);
  }
  advance(w);
  return w.finish();
}
