import { type FormEvent, useId, useState } from 'react';
import type { Match, Tournament } from '../api/types.js';
import { ConfirmButton } from '../components/common.js';
import { acceptsResults } from '../state-rules.js';
import {
  allowsDraw,
  decidedOfRound,
  draftFromForm,
  type FormInput,
  type MatchRow,
  matchLabel,
  type Names,
  nameOf,
  pendingOfRound,
  type ResultDraft,
  type ResultsAction,
  type ResultsState,
  scoreText,
  withSubmissions,
} from './results-state.js';

function MatchForm({
  match,
  names,
  tournament,
  enabled,
  onRecord,
  onAbandon,
}: {
  match: MatchRow;
  names: Names;
  tournament: Tournament;
  enabled: boolean;
  onRecord: (match: Match, draft: ResultDraft) => void;
  onAbandon: (match: Match) => void;
}) {
  const [input, setInput] = useState<FormInput>({ winner: '', score1: '', score2: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const label = matchLabel(match, names);
  const t1 = match.team1_id ?? '';
  const t2 = match.team2_id ?? '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = draftFromForm(match, input, tournament.format);
    if (!checked.ok) {
      setProblem(checked.message);
      return;
    }
    setProblem(null);
    setInput({ winner: '', score1: '', score2: '' });
    onRecord(match, checked.draft);
  };

  const choice = (value: string, text: string) => (
    <label className="choice">
      <input
        type="radio"
        name={`${id}-winner`}
        value={value}
        checked={input.winner === value}
        onChange={() => setInput({ ...input, winner: value })}
      />{' '}
      {text}
    </label>
  );

  return (
    <li className="result-row" data-match-id={match.id}>
      <form onSubmit={submit} aria-label={`Result of ${label}`}>
        <fieldset disabled={!enabled}>
          <legend>
            {label} <span className="muted">({match.id})</span>
          </legend>
          <fieldset className="choices">
            <legend>Winner</legend>
            {choice(t1, nameOf(names, match.team1_id))}
            {choice(t2, nameOf(names, match.team2_id))}
            {allowsDraw(tournament.format) && choice('draw', 'Draw')}
          </fieldset>
          <div className="scores">
            <label>
              <span>Score of {nameOf(names, match.team1_id)}</span>
              <input
                inputMode="numeric"
                pattern="[0-9]*"
                size={4}
                value={input.score1}
                onChange={(e) => setInput({ ...input, score1: e.target.value })}
              />
            </label>
            <label>
              <span>Score of {nameOf(names, match.team2_id)}</span>
              <input
                inputMode="numeric"
                pattern="[0-9]*"
                size={4}
                value={input.score2}
                onChange={(e) => setInput({ ...input, score2: e.target.value })}
              />
            </label>
          </div>
          {problem && (
            <p className="field-error" role="alert">
              {problem}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary">
              Record result
            </button>
            <ConfirmButton
              label="Abandon…"
              confirmLabel="Abandon match"
              onConfirm={() => onAbandon(match)}
            />
          </div>
        </fieldset>
      </form>
    </li>
  );
}

function Decided({ match, names }: { match: MatchRow; names: Names }) {
  const score = scoreText(match);
  let text: string;
  if (match.status === 'abandoned') text = 'abandoned';
  else if (match.winner === null) text = 'draw';
  else text = `${nameOf(names, match.winner)} won`;
  return (
    <li data-match-id={match.id} className={match.optimistic ? 'optimistic' : undefined}>
      <span>{matchLabel(match, names)}</span>: <strong>{text}</strong>
      {score && <span className="score"> ({score})</span>}
      {match.optimistic && <span className="muted"> (saving…)</span>}
    </li>
  );
}

/**
 * The results form (SPEC §8, the primary page): the pending matches of the
 * current round, each with its winner and optional scores; enabled in ACTIVE
 * and for the organizer only. Results show at once and are rolled back with a
 * visible alert when the server refuses them.
 */
export function ResultsForm({
  tournament,
  matches,
  round,
  names,
  results,
  dispatch,
  canRecord,
  onRecord,
  onAbandon,
}: {
  tournament: Tournament;
  matches: Match[];
  round: number;
  names: Names;
  results: ResultsState;
  dispatch: (action: ResultsAction) => void;
  canRecord: boolean;
  onRecord: (match: Match, draft: ResultDraft) => void;
  onAbandon: (match: Match) => void;
}) {
  const rows = withSubmissions(matches, results.submissions);
  const pending = pendingOfRound(rows, round);
  const decided = decidedOfRound(rows, round);
  const open = acceptsResults(tournament.state);
  const enabled = open && canRecord;

  return (
    <section className="results-form" aria-labelledby="results-heading">
      <h2 id="results-heading">{round > 0 ? `Results: round ${round}` : 'Results'}</h2>
      {results.alerts.map((a) => (
        <div key={a.id} className="alert" role="alert">
          <span>{a.message}</span>{' '}
          <button type="button" onClick={() => dispatch({ type: 'dismiss', alertId: a.id })}>
            Dismiss
          </button>
        </div>
      ))}
      {!open && <p className="notice">Results are entered while the tournament is in progress.</p>}
      {open && !canRecord && (
        <p className="muted">
          Only the organizer records results; they appear here as soon as they are entered.
        </p>
      )}
      {open && <h3>To play</h3>}
      {!open ? null : pending.length === 0 ? (
        <p className="muted">No match left to play in this round.</p>
      ) : canRecord ? (
        <ul className="result-rows">
          {pending.map((m) => (
            <MatchForm
              key={m.id}
              match={m}
              names={names}
              tournament={tournament}
              enabled={enabled}
              onRecord={onRecord}
              onAbandon={onAbandon}
            />
          ))}
        </ul>
      ) : (
        <ul className="plain">
          {pending.map((m) => (
            <li key={m.id} data-match-id={m.id}>
              {matchLabel(m, names)}
            </li>
          ))}
        </ul>
      )}
      <h3>Recorded this round</h3>
      {decided.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ul className="plain decided">
          {decided.map((m) => (
            <Decided key={m.id} match={m} names={names} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The page's polite announcements: results, new rounds, the end (aria-live). */
export function Announcer({ text }: { text: string | null }) {
  return (
    <div className="announcer" role="status" aria-live="polite" aria-atomic="true">
      {text}
    </div>
  );
}
