import { ApiError } from '../api/client.js';
import { StandingsTable } from '../bracket/bracket-view.js';
import { ErrorNote, LiveStatus, Loading, StateBadge, useTitle } from '../components/common.js';
import { Announcer, ResultsForm } from '../results/results-form.js';
import { nameOf } from '../results/results-state.js';
import { Link } from '../router.js';
import { isOrganizerOf, useMe } from '../session.js';
import { resultsPhase, STATE_LABEL } from '../state-rules.js';
import { useTournamentPage } from '../tournaments/use-tournament-page.js';
import { NotFoundPage } from './not-found-page.js';

/**
 * `/tournaments/:id/results`, the primary page (SPEC §8): the results form in
 * ACTIVE, "tournament not started" before, the outcome after. It follows the
 * tournament live, so it opens by itself when the organizer starts.
 */
export function ResultsPage({ id }: { id: string }) {
  const me = useMe();
  const page = useTournamentPage(id);
  const t = page.tournament;
  useTitle(t ? `Results: ${t.name}` : 'Results');
  if (!t) {
    if (page.error instanceof ApiError && page.error.status === 404)
      return <NotFoundPage what="tournament" />;
    return page.error ? <ErrorNote error={page.error} /> : <Loading what="the tournament" />;
  }
  const phase = resultsPhase(t.state);
  const back = (
    <p>
      <Link to={`/tournaments/${t.id}`}>Back to {t.name}</Link>
    </p>
  );

  if (phase === 'not_started') {
    return (
      <article className="not-started" data-state={t.state}>
        <h1>Tournament not started</h1>
        <p>
          <strong>{t.name}</strong> is not under way yet (<StateBadge state={t.state} />
          ). Results can be entered once the organizer starts it; this page opens by itself then.
        </p>
        <p className="muted">
          {t.team_count} of at least {t.min_teams} teams registered.{' '}
          <LiveStatus status={page.live} />
        </p>
        {back}
      </article>
    );
  }

  return (
    <article className="results-page" data-state={t.state}>
      <header className="page-header">
        <h1>Results: {t.name}</h1>
        <p className="meta">
          <StateBadge state={t.state} /> <LiveStatus status={page.live} />
        </p>
      </header>
      <Announcer text={page.results.announcement} />
      {phase === 'closed' && (
        <p className="notice">
          {t.winner ? (
            <>
              {STATE_LABEL[t.state]}. Winner: <strong>{nameOf(page.names, t.winner)}</strong>
            </>
          ) : (
            `${STATE_LABEL[t.state]}: results are closed.`
          )}
        </p>
      )}
      <ResultsForm
        tournament={t}
        matches={page.snapshot.matches}
        round={page.snapshot.round || t.current_round}
        names={page.names}
        results={page.results}
        dispatch={page.dispatch}
        canRecord={isOrganizerOf(me, t.organizer_id)}
        onRecord={(m, d) => void page.record(m, d)}
        onAbandon={(m) => void page.abandon(m)}
      />
      <StandingsTable standings={page.standings} />
      {back}
    </article>
  );
}
