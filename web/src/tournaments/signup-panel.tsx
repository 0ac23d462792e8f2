import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, keys } from '../api/endpoints.js';
import type { Team, Tournament } from '../api/types.js';
import { ErrorNote, Field } from '../components/common.js';
import { Link } from '../router.js';
import { isOrganizerOf, useMe } from '../session.js';
import { can } from '../state-rules.js';

/** REGISTRATION: the teams so far and the team signup form (SPEC §3 "team signup form"). */
export function SignupPanel({ tournament, teams }: { tournament: Tournament; teams: Team[] }) {
  const me = useMe();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const organizer = isOrganizerOf(me, tournament.organizer_id);
  const active = teams.filter((t) => !t.withdrawn);
  const mine = me ? active.find((t) => t.captain_id === me.id) : undefined;
  const full = tournament.team_count >= tournament.max_teams;
  const open = can(tournament.state, 'register_team');

  const refresh = () => qc.invalidateQueries({ queryKey: keys.tournament(tournament.id) });

  const register = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 100) {
      setProblem('A team name has 1 to 100 characters.');
      return;
    }
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      await api.registerTeam(tournament.id, trimmed);
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      await refresh();
    }
  };

  const remove = async (team: Team) => {
    setError(null);
    try {
      await api.unregisterTeam(tournament.id, team.id);
    } catch (err) {
      setError(err);
    }
    await refresh();
  };

  return (
    <section className="signup" aria-labelledby="signup-heading">
      <h2 id="signup-heading">
        Teams ({active.length} of {tournament.max_teams})
      </h2>
      {active.length === 0 ? (
        <p className="muted">No team yet.</p>
      ) : (
        <ul className="teams">
          {active.map((t) => (
            <li key={t.id} data-team-id={t.id}>
              <span className="team">{t.name}</span>
              {t.seed !== null && <span className="muted"> (seed {t.seed})</span>}
              {me && t.captain_id === me.id && <span className="badge">your team</span>}
              {can(tournament.state, 'unregister') && (organizer || t.captain_id === me?.id) && (
                <button
                  type="button"
                  className="link"
                  onClick={() => void remove(t)}
                  aria-label={`Unregister ${t.name}`}
                >
                  Unregister
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!open ? null : me === null ? (
        <p>
          <Link to={`/login?next=/tournaments/${tournament.id}`}>Sign in</Link> to register a team.
        </p>
      ) : full ? (
        <p className="notice">The tournament is full.</p>
      ) : mine && !organizer ? (
        <p className="notice">You captain {mine.name} in this tournament.</p>
      ) : me ? (
        <form className="inline-form" onSubmit={register}>
          <Field label={organizer ? 'Add a team' : 'Your team name'} error={problem ?? undefined}>
            {(p) => (
              <input
                {...p}
                value={name}
                maxLength={100}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            Register team
          </button>
        </form>
      ) : null}
      <ErrorNote error={error} />
    </section>
  );
}
