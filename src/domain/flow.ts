/**
 * How matches move: a match whose two slots are known becomes pending (in its
 * round) or is decided without play (bye, walkover); a decided match sends its
 * winner and loser on; a complete round starts the next; the last one
 * completes the tournament (SPEC §4). Shared by every format.
 *
 * Walkover rules, documented for users:
 * - bye: a slot no team will ever fill (a missing seed, the loser of a bye, the
 *   side of an abandoned match). The other team goes through; status `bye`.
 * - walkover: a team in the match has withdrawn. The other team wins; status
 *   `completed` with `walkover: true`. A withdrawn team is never sent on, so it
 *   does not drop into a losers bracket.
 * - nobody left on either side: the match is decided with no winner and the
 *   emptiness travels on (SPEC §4 abandon_match).
 */
import { isDecided, revised } from './match-status.js';
import { internalTarget } from './state-machine.js';
import type { Match, MatchId, SlotRef, Team, TeamId } from './types.js';
import type { Place, Work } from './work.js';

export { isDecided };

/** A result someone entered (not a bye or walkover). */
export function isPlayed(m: Match): boolean {
  return m.status === 'completed' && m.walkover !== true;
}

export function slotTeam(m: Match, slot: 1 | 2): TeamId | null {
  return slot === 1 ? m.team1_id : m.team2_id;
}

export function withSlot(m: Match, slot: 1 | 2, team: TeamId | null): Match {
  const walkover = m.walkover === true;
  return slot === 1
    ? revised(m, team, m.team2_id, m.status, m.winner, m.scores, walkover)
    : revised(m, m.team1_id, team, m.status, m.winner, m.scores, walkover);
}

/** The loser of a decided match between two teams; null otherwise. */
export function loserOf(m: Match): TeamId | null {
  if (m.status !== 'completed' || m.winner === null) return null;
  return m.winner === m.team1_id ? m.team2_id : m.team1_id;
}

/**
 * Whether a slot's team is known for good: its feeder (if any) is decided.
 * A slot that holds a team is: teams are only sent on by decided matches.
 */
function slotFinal(w: Work, m: Match, slot: 1 | 2, decided?: Match): boolean {
  const from = slot === 1 ? m.team1_from : m.team2_from;
  if (!from || (slot === 1 ? m.team1_id : m.team2_id) !== null) return true;
  if (decided !== undefined && from.match_id === decided.id) return true;
  const feeder = w.get(from.match_id);
  return feeder !== undefined && isDecided(feeder);
}

/** The team a decided match sends on; withdrawn teams go nowhere. */
export function outcomeTeam(w: Work, m: Match, take: 'winner' | 'loser'): TeamId | null {
  const team = take === 'winner' ? m.winner : loserOf(m);
  return w.isPresent(team) ? team : null;
}

/**
 * What an undecided match becomes now, without side effects: itself when a
 * slot is still to be filled, else pending/waiting or an automatic decision.
 */
export function derive(w: Work, m: Match): Match {
  if (isDecided(m) || !slotFinal(w, m, 1) || !slotFinal(w, m, 2)) return m;
  const one = w.isPresent(m.team1_id);
  const two = w.isPresent(m.team2_id);
  if (one && two) {
    const status = m.round <= w.current_round ? 'pending' : 'waiting';
    if (status === m.status) return m;
    return revised(m, m.team1_id, m.team2_id, status, m.winner, m.scores, m.walkover === true);
  }
  if (one || two) {
    const winner = one ? m.team1_id : m.team2_id;
    const other = one ? m.team2_id : m.team1_id;
    // A team on the other side means it withdrew: a walkover, not a bye.
    const status = other === null ? 'bye' : 'completed';
    return revised(m, m.team1_id, m.team2_id, status, winner, null, true);
  }
  const anyTeam = m.team1_id !== null || m.team2_id !== null;
  return revised(m, m.team1_id, m.team2_id, anyTeam ? 'abandoned' : 'bye', null, null, true);
}

/** Applies `derive` and, when that decides the match, everything that follows. */
export function settle(w: Work, m: Match, at: Place = w.mustLocate(m.id)): void {
  const next = derive(w, m);
  if (next === m) return;
  w.putAt(at, next);
  if (isDecided(next)) afterDecision(w, next);
}

/** Records a decision made by a user (a result or an abandon) and moves on. */
export function decide(
  w: Work,
  m: Match,
  status: 'completed' | 'abandoned',
  winner: TeamId | null,
  scores: Record<TeamId, number> | null,
  at: Place = w.mustLocate(m.id),
): Match {
  const next = revised(m, m.team1_id, m.team2_id, status, winner, scores, m.walkover === true);
  w.putAt(at, next);
  afterDecision(w, next);
  return next;
}

export function emitMatchResult(w: Work, m: Match): void {
  w.emit({
    type: 'match_result',
    tournament_id: w.tournamentId,
    match_id: m.id,
    winner: m.winner,
    round: m.round,
    timestamp: w.now,
    loser: loserOf(m),
    scores: m.scores,
    draw: m.winner === null,
    walkover: m.walkover === true,
  });
}

function afterDecision(w: Work, m: Match): void {
  if (m.status === 'completed') emitMatchResult(w, m);
  const win = m.winner_to;
  const lose = m.loser_to;
  // Both teams are placed before either target settles: with two teams, the
  // WB final sends its winner and its loser to the same grand final.
  const settleWin = win !== null && win !== undefined && place(w, m, win, 'winner');
  const settleLose = lose !== null && lose !== undefined && place(w, m, lose, 'loser');
  if (settleWin) settle(w, w.must(win.match_id));
  if (settleLose) settle(w, w.must(lose.match_id));
  w.engine.afterDecision(w, m);
}

/**
 * Puts the team the decided match `from` sends on in the slot `ref` names,
 * and settles the target at once when that makes it pending or waiting.
 * Returns true when the bracket decides the target instead (a bye or a
 * walkover): the caller settles it once every team `from` sends on is placed.
 */
function place(w: Work, from: Match, ref: SlotRef, take: 'winner' | 'loser'): boolean {
  const team = outcomeTeam(w, from, take);
  const at = w.mustLocate(ref.match_id);
  const m = w.at(at) as Match;
  const team1 = ref.slot === 1 ? team : m.team1_id;
  const team2 = ref.slot === 2 ? team : m.team2_id;
  let status = m.status;
  let decides = false;
  if (!isDecided(m) && slotFinal(w, m, 1, from) && slotFinal(w, m, 2, from)) {
    if (w.isPresent(team1) && w.isPresent(team2)) {
      status = m.round <= w.current_round ? 'pending' : 'waiting';
    } else {
      decides = true;
    }
  }
  w.putAt(at, revised(m, team1, team2, status, m.winner, m.scores, m.walkover === true));
  return decides;
}

/** Tells both captains their match is ready (seed `match_ready`, user scope). */
export function announceReady(w: Work, m: Match): void {
  const one = m.team1_id === null ? undefined : w.team(m.team1_id);
  const two = m.team2_id === null ? undefined : w.team(m.team2_id);
  tellCaptain(w, m, one, m.team2_id, two);
  tellCaptain(w, m, two, m.team1_id, one);
}

function tellCaptain(
  w: Work,
  m: Match,
  team: Team | undefined,
  other: TeamId | null,
  otherTeam: Team | undefined,
): void {
  if (!team || other === null) return;
  w.emitToUser(team.captain_id, {
    type: 'match_ready',
    tournament_id: w.tournamentId,
    match_id: m.id,
    opponent: otherTeam?.name ?? other,
    team_id: team.id,
    timestamp: w.now,
    opponent_id: other,
    round: m.round,
  });
}

/** Makes `round` current: its ready matches become pending and are announced. */
export function startRound(w: Work, round: number): void {
  w.current_round = round;
  // Settling a match only changes later rounds: the places of this one hold.
  const size = w.roundMatches(round).length;
  for (let index = 0; index < size; index++) {
    const at = { round, index };
    settle(w, w.at(at) as Match, at);
  }
  const matches = w.roundMatches(round);
  const pending = matches.filter((m) => m.status === 'pending');
  // A round made only of byes and walkovers passes silently (advance goes on).
  if (pending.length === 0) return;
  w.emit({
    type: 'round_advanced',
    tournament_id: w.tournamentId,
    new_round: round,
    matches_count: matches.length,
    timestamp: w.now,
    pending_count: pending.length,
  });
  for (const m of pending) announceReady(w, m);
}

/** Advances through complete rounds; completes the tournament after the last. */
export function advance(w: Work): void {
  while (w.state === 'ACTIVE' && w.roundComplete(w.current_round)) {
    const next = w.current_round + 1;
    if (!w.hasRound(next)) {
      for (const m of w.engine.createRound(w, next)) w.add(m);
    }
    if (!w.hasRound(next)) {
      complete(w);
      return;
    }
    startRound(w, next);
  }
}

/**
 * The format's champion, unless that team has withdrawn (a team that leaves
 * gives up its placing): then the best-placed team still in.
 */
function championOf(w: Work): TeamId | null {
  const champion = w.engine.champion(w);
  if (champion === null || w.isPresent(champion)) return champion;
  return w.engine.standings(w).find((s) => w.isPresent(s.team_id))?.team_id ?? null;
}

function complete(w: Work): void {
  const to = internalTarget(w.state, 'complete');
  if (to === null) return;
  const from = w.state;
  w.state = to;
  w.winner = championOf(w);
  w.emit({
    type: 'state_changed',
    tournament_id: w.tournamentId,
    from_state: from,
    to_state: to,
    timestamp: w.now,
  });
  w.emitGlobal({
    type: 'tournament_completed',
    tournament_id: w.tournamentId,
    tournament_name: w.base.name,
    winner: w.winner,
    winner_name: w.teamName(w.winner),
    timestamp: w.now,
  });
}

/** Ids of the undecided matches a team sits in. */
export function openMatchesOf(w: Work, team: TeamId): MatchId[] {
  return w
    .allMatches()
    .filter((m) => !isDecided(m) && (m.team1_id === team || m.team2_id === team))
    .map((m) => m.id);
}
