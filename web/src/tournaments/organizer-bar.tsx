import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, keys, type OrganizerCommand } from '../api/endpoints.js';
import type { Tournament } from '../api/types.js';
import { ConfirmButton, ErrorNote } from '../components/common.js';
import { navigate } from '../router.js';
import { type OrganizerControl, organizerControls } from '../state-rules.js';

const LABEL: Record<OrganizerControl, string> = {
  publish: 'Publish (open registration)',
  start: 'Start tournament',
  cancel: 'Cancel tournament',
  archive: 'Archive',
  delete: 'Delete draft',
};

/** The organizer's buttons: only those the state allows (SPEC §3, via state-rules). */
export function OrganizerBar({ tournament }: { tournament: Tournament }) {
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const controls = organizerControls(tournament.state);
  if (controls.length === 0) return null;

  const run = async (control: OrganizerControl) => {
    setBusy(true);
    setError(null);
    try {
      if (control === 'delete') {
        await api.deleteTournament(tournament.id);
        qc.removeQueries({ queryKey: keys.tournament(tournament.id) });
        await qc.invalidateQueries({ queryKey: ['tournaments'] });
        navigate('/tournaments');
        return;
      }
      const updated = await api.command(tournament.id, control as OrganizerCommand);
      qc.setQueryData(keys.tournament(tournament.id), updated);
      await qc.invalidateQueries({ queryKey: keys.tournament(tournament.id) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="organizer-bar" aria-label="Organizer actions">
      {controls.map((c) =>
        c === 'delete' || c === 'cancel' ? (
          <ConfirmButton
            key={c}
            label={`${LABEL[c]}…`}
            confirmLabel={LABEL[c]}
            disabled={busy}
            onConfirm={() => void run(c)}
          />
        ) : (
          <button
            key={c}
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void run(c)}
          >
            {LABEL[c]}
          </button>
        ),
      )}
      {tournament.state === 'REGISTRATION' && tournament.team_count < tournament.min_teams && (
        <p className="muted">
          {tournament.min_teams - tournament.team_count} more{' '}
          {tournament.min_teams - tournament.team_count === 1 ? 'team' : 'teams'} needed to start.
        </p>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
