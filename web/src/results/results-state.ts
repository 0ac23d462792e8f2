/**
 * The results form's state, kept free of React and fetch so that it can be
 * tested alone (SPEC §8 "optimistic updates with rollback and a visible error
 * when the server refuses"; "live updates over SSE").
 *
 * The server's matches live in the query cache (a `MatchesSnapshot`); this
 * module keeps what the user sent and has no answer for yet, lays it over the
 * snapshot (optimistic), drops it when the server refuses (rollback, with an
 * alert), and folds the tournament's live events into the snapshot.
 */
import type { Format, Match, MatchesSnapshot, RecordedResult, Scores } from '../api/types.js';

export interface ResultDraft {
  /** null: a draw. */
  winner: string | null;
  scores: Scores | null;
}

export interface Submission extends ResultDraft {
  matchId: string;
}

export interface ResultsAlert {
  id: number;
  matchId: string | null;
  message: string;
}

export interface ResultsState {
  /** Results sent and not yet answered, by match id: shown at once. */
  submissions: Readonly<Record<string, Submission>>;
  /** Refusals, shown until dismissed or until the match is submitted again. */
  alerts: readonly ResultsAlert[];
  /** The latest change worth announcing (aria-live). */
  announcement: string | null;
  nextAlertId: number;
}

/** A tournament channel event as the form reads it (SPEC §6); other types are ignored. */
export interface LiveEvent {
  type: string;
  match_id?: string;
  winner?: string | null;
  scores?: Scores | null;
  walkover?: boolean;
  new_round?: number;
  matches_count?: number;
  pending_count?: number;
  to_state?: string;
}

export type Names = Readonly<Record<string, string>>;

export type ResultsAction =
  | { type: 'submit'; matchId: string; draft: ResultDraft }
  | { type: 'accepted'; matchId: string }
  | { type: 'refused'; matchId: string; message: string }
  | { type: 'live'; event: LiveEvent; match?: Match; names: Names }
  | { type: 'announce'; text: string }
  | { type: 'dismiss'; alertId: number };

export function initialResultsState(): ResultsState {
  return { submissions: {}, alerts: [], announcement: null, nextAlertId: 1 };
}

function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}

export function resultsReducer(state: ResultsState, action: ResultsAction): ResultsState {
  switch (action.type) {
    case 'submit':
      return {
        ...state,
        submissions: {
          ...state.submissions,
          [action.matchId]: { matchId: action.matchId, ...action.draft },
        },
        alerts: state.alerts.filter((a) => a.matchId !== action.matchId),
      };
    case 'accepted':
      if (!(action.matchId in state.submissions)) return state;
      return { ...state, submissions: without(state.submissions, action.matchId) };
    case 'refused':
      return {
        ...state,
        submissions: without(state.submissions, action.matchId),
        alerts: [
          ...state.alerts,
          { id: state.nextAlertId, matchId: action.matchId, message: action.message },
        ],
        nextAlertId: state.nextAlertId + 1,
      };
    case 'live': {
      const { event } = action;
      let submissions = state.submissions;
      const sent = event.match_id ? submissions[event.match_id] : undefined;
      // The server recorded what we sent: nothing left to wait for. A different
      // result stays shown until our own request is answered (it will be refused).
      if (sent && event.type === 'match_result' && (event.winner ?? null) === sent.winner) {
        submissions = without(submissions, sent.matchId);
      }
      const announcement = announce(event, action.names, action.match) ?? state.announcement;
      if (submissions === state.submissions && announcement === state.announcement) return state;
      return { ...state, submissions, announcement };
    }
    case 'announce':
      return state.announcement === action.text ? state : { ...state, announcement: action.text };
    case 'dismiss':
      return { ...state, alerts: state.alerts.filter((a) => a.id !== action.alertId) };
  }
}

/** A match as the form shows it: `optimistic` while its result awaits the server. */
export interface MatchRow extends Match {
  optimistic: boolean;
}

/** The server's matches with the unanswered submissions laid over them. */
export function withSubmissions(
  matches: readonly Match[],
  submissions: ResultsState['submissions'],
): MatchRow[] {
  return matches.map((m) => {
    const sent = submissions[m.id];
    if (!sent) return { ...m, optimistic: false };
    return {
      ...m,
      status: 'completed',
      winner: sent.winner,
      scores: sent.scores,
      optimistic: true,
    };
  });
}

/** The results form lists only the pending matches of the current round (SPEC §8). */
export function pendingOfRound(rows: readonly MatchRow[], round: number): MatchRow[] {
  return rows.filter((r) => r.round === round && r.status === 'pending');
}

/** The results of the current round already recorded (or being recorded). */
export function decidedOfRound(rows: readonly MatchRow[], round: number): MatchRow[] {
  return rows.filter(
    (r) => r.round === round && (r.status === 'completed' || r.status === 'abandoned'),
  );
}

function replaceMatch(
  snapshot: MatchesSnapshot,
  id: string,
  change: (m: Match) => Match,
): MatchesSnapshot {
  let changed = false;
  const matches = snapshot.matches.map((m) => {
    if (m.id !== id) return m;
    const next = change(m);
    changed ||= next !== m;
    return next;
  });
  return changed ? { ...snapshot, matches } : snapshot;
}

/**
 * Folds a live event into the server snapshot, so that another person's
 * result shows before the refetch that follows it. New rounds need the
 * refetch: their matches are not in the event.
 */
export function mergeLiveEvent(snapshot: MatchesSnapshot, event: LiveEvent): MatchesSnapshot {
  switch (event.type) {
    case 'match_result':
    case 'result_corrected': {
      if (!event.match_id) return snapshot;
      return replaceMatch(snapshot, event.match_id, (m) => ({
        ...m,
        status: 'completed',
        winner: event.winner ?? null,
        scores: event.scores ?? m.scores,
        walkover: event.walkover ?? m.walkover,
      }));
    }
    case 'match_abandoned':
      if (!event.match_id) return snapshot;
      return replaceMatch(snapshot, event.match_id, (m) => ({
        ...m,
        status: 'abandoned',
        winner: null,
      }));
    case 'round_advanced':
      return typeof event.new_round === 'number' && event.new_round !== snapshot.round
        ? { ...snapshot, round: event.new_round }
        : snapshot;
    default:
      return snapshot;
  }
}

/** Folds the server's answer to our own result into the snapshot. */
export function mergeRecorded(
  snapshot: MatchesSnapshot,
  recorded: RecordedResult,
): MatchesSnapshot {
  const { tournament, ...match } = recorded;
  const merged = replaceMatch(snapshot, match.id, (m) => ({ ...m, ...match }));
  return tournament.current_round !== merged.round
    ? { ...merged, round: tournament.current_round }
    : merged;
}

export function nameOf(names: Names, id: string | null): string {
  if (id === null) return 'TBD';
  return names[id] ?? id;
}

export function matchLabel(match: Pick<Match, 'team1_id' | 'team2_id'>, names: Names): string {
  return `${nameOf(names, match.team1_id)} vs ${nameOf(names, match.team2_id)}`;
}

/** "2–1" in the order of the match's teams, or '' without scores. */
export function scoreText(match: Pick<Match, 'team1_id' | 'team2_id' | 'scores'>): string {
  const s = match.scores;
  if (!s || match.team1_id === null || match.team2_id === null) return '';
  const a = s[match.team1_id];
  const b = s[match.team2_id];
  return a === undefined || b === undefined ? '' : `${a}–${b}`;
}

/** What the live region says about an event; null for events it keeps quiet about. */
export function announce(event: LiveEvent, names: Names, match?: Match): string | null {
  switch (event.type) {
    case 'match_result': {
      if (!match) return null;
      const score = scoreText({ ...match, scores: event.scores ?? null });
      const suffix = score ? ` (${score})` : '';
      if (event.winner === null || event.winner === undefined)
        return `Result: ${matchLabel(match, names)} drawn${suffix}.`;
      const loser = event.winner === match.team1_id ? match.team2_id : match.team1_id;
      return `Result: ${nameOf(names, event.winner)} beat ${nameOf(names, loser)}${suffix}.`;
    }
    case 'match_abandoned':
      return match ? `Match abandoned: ${matchLabel(match, names)}.` : 'A match was abandoned.';
    case 'round_advanced': {
      const toPlay = event.pending_count ?? event.matches_count;
      const count =
        toPlay === undefined ? '' : `: ${toPlay} ${toPlay === 1 ? 'match' : 'matches'} to play`;
      return `Round ${event.new_round} has started${count}.`;
    }
    case 'state_changed':
      switch (event.to_state) {
        case 'ACTIVE':
          return 'The tournament has started.';
        case 'COMPLETED':
          return 'The tournament is complete.';
        case 'CANCELLED':
          return 'The tournament was cancelled.';
        default:
          return null;
      }
    default:
      return null;
  }
}

export function completionText(winnerName: string | null): string {
  return winnerName
    ? `The tournament is complete. Winner: ${winnerName}.`
    : 'The tournament is complete.';
}

/** The form's raw input for one match. */
export interface FormInput {
  /** '' (not chosen), 'draw', or a team id. */
  winner: string;
  score1: string;
  score2: string;
}

export function allowsDraw(format: Format): boolean {
  return format === 'round_robin' || format === 'swiss';
}

/**
 * Checks the form before anything is sent, with the server's rules (SPEC §4):
 * scores are both given or both left out; the winner may follow from the
 * scores; a draw only where the format allows it, with level scores.
 */
export function draftFromForm(
  match: Pick<Match, 'team1_id' | 'team2_id'>,
  input: FormInput,
  format: Format,
): { ok: true; draft: ResultDraft } | { ok: false; message: string } {
  const { team1_id: t1, team2_id: t2 } = match;
  if (t1 === null || t2 === null)
    return { ok: false, message: 'This match is still waiting for its teams.' };
  const a = input.score1.trim();
  const b = input.score2.trim();
  let scores: Scores | null = null;
  if (a !== '' || b !== '') {
    if (a === '' || b === '') return { ok: false, message: 'Give both scores, or neither.' };
    if (!/^\d{1,6}$/.test(a) || !/^\d{1,6}$/.test(b)) {
      return { ok: false, message: 'Scores are whole numbers from 0.' };
    }
    scores = { [t1]: Number(a), [t2]: Number(b) };
  }
  const s1 = scores?.[t1] ?? 0;
  const s2 = scores?.[t2] ?? 0;
  let winner: string | null;
  if (input.winner === '') {
    if (!scores) return { ok: false, message: 'Pick the winner.' };
    winner = s1 === s2 ? null : s1 > s2 ? t1 : t2;
  } else if (input.winner === 'draw') {
    winner = null;
    if (scores && s1 !== s2) return { ok: false, message: 'A draw needs level scores.' };
  } else if (input.winner === t1 || input.winner === t2) {
    winner = input.winner;
    const [own, other] = winner === t1 ? [s1, s2] : [s2, s1];
    if (own < other) return { ok: false, message: 'The winner cannot have the lower score.' };
  } else {
    return { ok: false, message: 'Pick one of the two teams.' };
  }
  if (winner === null && !allowsDraw(format)) {
    return { ok: false, message: 'A draw is not possible in this format: pick the winner.' };
  }
  return { ok: true, draft: { winner, scores } };
}

/** The visible message for a refused result, by error code (never by message text). */
export function refusalMessage(error: { code: string; message: string }, label: string): string {
  const prefix = `Result not saved for ${label}`;
  switch (error.code) {
    case 'match_already_completed':
      return `${prefix}: another result was recorded first. The recorded result is shown.`;
    case 'not_organizer':
    case 'forbidden':
      return `${prefix}: only the organizer may record results.`;
    case 'unauthorized':
      return `${prefix}: sign in again.`;
    case 'invalid_transition':
      return `${prefix}: the tournament no longer takes results.`;
    case 'match_not_pending':
      return `${prefix}: the match is not ready to be played.`;
    case 'network_error':
      return `${prefix}: the server cannot be reached.`;
    default:
      return `${prefix}: ${error.message}`;
  }
}
