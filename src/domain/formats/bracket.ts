/**
 * Bracket plumbing shared by single and double elimination: links between
 * matches, and how a correction travels down those links.
 */
import {
  derive,
  emitMatchResult,
  isDecided,
  loserOf,
  outcomeTeam,
  slotTeam,
  withSlot,
} from '../flow.js';
import { revised } from '../match-status.js';
import type { Bracket, Match, MatchId } from '../types.js';
import type { CorrectionImpact, Work } from '../work.js';

/** Construction only: `from`'s winner or loser fills `slot` of `to`. */
export function feed(from: Match, take: 'winner' | 'loser', to: Match, slot: 1 | 2): void {
  const ref = { match_id: to.id, slot };
  if (take === 'winner') from.winner_to = ref;
  else from.loser_to = ref;
  const source = { match_id: from.id, take };
  if (slot === 1) to.team1_from = source;
  else to.team2_from = source;
}

/** The tournament round of a match: one after the later of the two matches feeding it. */
export function roundAfter(a: Match, b: Match): number {
  return 1 + Math.max(a.round, b.round);
}

const BRACKET_ORDER: Record<Bracket, number> = {
  main: 0,
  winners: 0,
  third_place: 1,
  losers: 1,
  grand_final: 2,
};

/**
 * Storage order: by round, then bracket, then creation order. Rounds and
 * bracket ranks are small integers, so a counting sort does it in O(n).
 */
export function sortByRound(matches: readonly Match[]): Match[] {
  const n = matches.length;
  const keys = new Int32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const m = matches[i] as Match;
    keys[i] = m.round * 3 + BRACKET_ORDER[m.bracket];
    max = Math.max(max, keys[i] as number);
  }
  const next = new Int32Array(max + 2);
  // next[k]: where the next match of key k goes (counts shifted by one, summed).
  for (let i = 0; i < n; i++) {
    const k = (keys[i] as number) + 1;
    next[k] = (next[k] as number) + 1;
  }
  for (let k = 1; k < next.length; k++) next[k] = (next[k] as number) + (next[k - 1] as number);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    order[next[k] as number] = i;
    next[k] = (next[k] as number) + 1;
  }
  const out: Match[] = [];
  for (let k = 0; k < n; k++) out.push(matches[order[k] as number] as Match);
  return out;
}

/** Decided by someone (a result or an abandon), not derived from the bracket. */
export function isUserDecided(m: Match): boolean {
  return (m.status === 'completed' || m.status === 'abandoned') && m.walkover !== true;
}

function reopen(m: Match): Match {
  return revised(m, m.team1_id, m.team2_id, 'waiting', null, null, false);
}

/**
 * Correction impact for brackets: walk down from the corrected match. A later
 * match is affected when the team a slot should hold changes. Played (or
 * abandoned) matches are conflicts and stop the walk; pending ones take the
 * new team; byes and walkovers are re-derived and the walk goes on from them.
 * Re-deriving that would reopen a decided match is a conflict too, since the
 * rounds after it have already been played.
 */
export function rederive(
  w: Work,
  start: Match,
  impact: CorrectionImpact,
  onOutcomeChanged?: (w: Work, m: Match, impact: CorrectionImpact) => void,
): void {
  const queue: MatchId[] = [start.id];
  for (let head = 0; head < queue.length; head++) {
    const from = w.must(queue[head] as MatchId);
    onOutcomeChanged?.(w, from, impact);
    for (const [ref, take] of [
      [from.winner_to, 'winner'],
      [from.loser_to, 'loser'],
    ] as const) {
      if (!ref) continue;
      const target = w.must(ref.match_id);
      const have = slotTeam(target, ref.slot);
      // Unchanged, even if that team has withdrawn since it was sent on.
      if (have === (take === 'winner' ? from.winner : loserOf(from))) continue;
      const want = outcomeTeam(w, from, take);
      if (have === want) continue;
      impact.affected.add(target.id);
      if (isUserDecided(target)) {
        impact.conflicts.add(target.id);
        continue;
      }
      const wasDecided = isDecided(target);
      const filled = withSlot(wasDecided ? reopen(target) : target, ref.slot, want);
      const next = derive(w, filled);
      if (wasDecided && !isDecided(next)) {
        impact.conflicts.add(target.id);
        continue;
      }
      w.put(next);
      if (isDecided(next)) {
        if (next.status === 'completed') emitMatchResult(w, next);
        queue.push(next.id);
      } else if (next.status === 'pending') {
        impact.reannounce.add(next.id);
      }
    }
  }
}
