import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client.js';
import { api, keys } from '../api/endpoints.js';
import type { Tournament } from '../api/types.js';
import { BracketView } from '../bracket/bracket-view.js';
import {
  ErrorNote,
  formatTime,
  LiveStatus,
  Loading,
  StateBadge,
  useTitle,
} from '../components/common.js';
import { Announcer, ResultsForm } from '../results/results-form.js';
import { nameOf } from '../results/results-state.js';
import { Link } from '../router.js';
import { isOrganizerOf, useMe } from '../session.js';
import { FORMAT_LABEL, formFor } from '../state-rules.js';
import { ChatPanel } from '../tournaments/chat-panel.js';
import { OrganizerBar } from '../tournaments/organizer-bar.js';
import { SignupPanel } from '../tournaments/signup-panel.js';
import { SubscribeButton } from '../tournaments/subscribe-button.js';
import { valuesFromTournament } from '../tournaments/tournament-form.js';
import { TournamentFormView } from '../tournaments/tournament-form-view.js';
import { useTournamentPage } from '../tournaments/use-tournament-page.js';
import { NotFoundPage } from './not-found-page.js';

function ConfigForm({ tournament }: { tournament: Tournament }) {
  const qc = useQueryClient();
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="config-heading">
      <h2 id="config-heading">Configuration</h2>
      <p className="muted">A draft can be changed freely; publishing opens registration.</p>
      <TournamentFormView
        initial={valuesFromTournament(tournament)}
        submitLabel="Save changes"
        onSubmit={async (body) => {
          setSaved(false);
          const updated = await api.editTournament(tournament.id, body);
          qc.setQueryData(keys.tournament(tournament.id), updated);
          setSaved(true);
        }}
      />
      {saved && (
        <p className="notice" role="status">
          Saved.
        </p>
      )}
    </section>
  );
}

export function TournamentHeader({ tournament }: { tournament: Tournament }) {
  return (
    <header className="page-header">
      <h1>{tournament.name}</h1>
      <p className="meta">
        <StateBadge state={tournament.state} /> <span>{FORMAT_LABEL[tournament.format]}</span>
        <span>
          {tournament.team_count} / {tournament.max_teams} teams (min {tournament.min_teams})
        </span>
        {tournament.starts_at && <span>Starts {formatTime(tournament.starts_at)}</span>}
      </p>
      {tournament.description && <p className="description">{tournament.description}</p>}
    </header>
  );
}

/** A tournament, following its state (SPEC §3 "form", §8 "tournament detail"). */
export function TournamentPage({ id }: { id: string }) {
  const me = useMe();
  const page = useTournamentPage(id);
  const t = page.tournament;
  useTitle(t?.name ?? 'Tournament');
  if (!t) {
    if (page.error instanceof ApiError && page.error.status === 404) {
      return <NotFoundPage what="tournament" />;
    }
    return page.error ? <ErrorNote error={page.error} /> : <Loading what="the tournament" />;
  }
  const organizer = isOrganizerOf(me, t.organizer_id);
  const form = formFor(t.state);

  return (
    <article className="tournament" data-state={t.state}>
      <TournamentHeader tournament={t} />
      <div className="toolbar">
        <LiveStatus status={page.live} />
        {me && <SubscribeButton user={me} tournamentId={t.id} name={t.name} />}
        {form === 'results' && (
          <Link to={`/tournaments/${t.id}/results`}>Open the results page</Link>
        )}
      </div>
      <Announcer text={page.results.announcement} />
      {organizer && <OrganizerBar tournament={t} />}

      {form === 'config' &&
        (organizer ? (
          <ConfigForm tournament={t} />
        ) : (
          <p className="notice">
            This tournament is a draft: its organizer has not published it yet.
          </p>
        ))}
      {form === 'signup' && <SignupPanel tournament={t} teams={page.teams} />}
      {form === 'results' && (
        <ResultsForm
          tournament={t}
          matches={page.snapshot.matches}
          round={page.snapshot.round || t.current_round}
          names={page.names}
          results={page.results}
          dispatch={page.dispatch}
          canRecord={organizer}
          onRecord={(m, d) => void page.record(m, d)}
          onAbandon={(m) => void page.abandon(m)}
        />
      )}
      {form === 'read_only' && (
        <section className="final" aria-label="Outcome">
          {t.winner ? (
            <p className="winner">
              Winner: <strong>{nameOf(page.names, t.winner)}</strong>
            </p>
          ) : (
            <p className="notice">
              {t.state === 'CANCELLED' ? 'This tournament was cancelled.' : 'No winner.'}
            </p>
          )}
        </section>
      )}
      {t.state !== 'DRAFT' && t.state !== 'REGISTRATION' && (
        <BracketView
          format={t.format}
          matches={page.snapshot.matches}
          names={page.names}
          round={page.snapshot.round || t.current_round}
          standings={page.standings}
        />
      )}
      {t.state !== 'DRAFT' && <ChatPanel tournamentId={t.id} />}
    </article>
  );
}
