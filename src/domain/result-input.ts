/**
 * Turns a submitted result (SPEC §4) into a decision for one match:
 * `{"winner": "team_5", "scores": {"team_5": 2, "team_7": 1}}`. The winner may
 * be left out when the scores decide; `winner: null` (or level scores with
 * no winner) is a draw, only where the format allows one.
 */
import { type Failure, fail } from './errors.js';
import type { Format, Match, ResultInput, TeamId } from './types.js';

export interface ResolvedResult {
  winner: TeamId | null;
  scores: Record<TeamId, number> | null;
}

function invalid(match: Match, reason: string): Failure {
  return fail('invalid_result', { match_id: match.id, reason });
}

export function resolveResult(
  match: Match,
  input: ResultInput,
  allowsDraw: boolean,
  format: Format,
): { ok: true; result: ResolvedResult } | Failure {
  if (typeof input !== 'object' || input === null) return invalid(match, 'a result is an object');
  const t1 = match.team1_id;
  const t2 = match.team2_id;
  let scores: Record<TeamId, number> | null = null;
  let s1 = 0;
  let s2 = 0;
  if (input.scores !== undefined && input.scores !== null) {
    const raw = input.scores as Record<string, unknown>;
    if (typeof raw !== 'object' || Array.isArray(raw)) return invalid(match, 'scores is an object');
    const keys = Object.keys(raw);
    if (t1 === null || t2 === null || keys.length !== 2 || !(t1 in raw) || !(t2 in raw)) {
      return invalid(match, 'scores must give exactly the two teams of the match');
    }
    const a = raw[t1];
    const b = raw[t2];
    if (!isScore(a) || !isScore(b)) return invalid(match, 'scores are non-negative numbers');
    s1 = a;
    s2 = b;
    scores = { [t1]: s1, [t2]: s2 };
  }
  let winner: TeamId | null;
  if (input.winner === undefined) {
    if (scores === null) return invalid(match, 'give a winner or the scores');
    winner = s1 === s2 ? null : s1 > s2 ? t1 : t2;
  } else if (input.winner === null) {
    if (scores !== null && s1 !== s2) return invalid(match, 'a draw needs level scores');
    winner = null;
  } else {
    if (input.winner !== t1 && input.winner !== t2) {
      return invalid(match, 'the winner must be one of the two teams');
    }
    winner = input.winner;
    // Level scores with a named winner are allowed (decided by a tiebreaker game).
    const lower = winner === t1 ? s1 < s2 : s2 < s1;
    if (scores !== null && lower) return invalid(match, 'the winner has the lower score');
  }
  if (winner === null && !allowsDraw)
    return fail('draw_not_allowed', { match_id: match.id, format });
  return { ok: true, result: { winner, scores } };
}

function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function sameScores(a: Record<TeamId, number> | null, b: Record<TeamId, number> | null): boolean {
  if (a === null || b === null) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Whether a resubmission repeats what is recorded (SPEC §4: a no-op). A
 * resubmission without scores repeats any recorded scores.
 */
export function repeatsResult(match: Match, result: ResolvedResult, input: ResultInput): boolean {
  if (match.status !== 'completed' || match.winner !== result.winner) return false;
  if (input.scores === undefined || input.scores === null) return true;
  return sameScores(match.scores, result.scores);
}

export function sameResult(match: Match, result: ResolvedResult): boolean {
  return match.winner === result.winner && sameScores(match.scores, result.scores);
}
