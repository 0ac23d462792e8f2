import { useQueryClient } from '@tanstack/react-query';
import { api, keys } from '../api/endpoints.js';
import { Loading, useTitle } from '../components/common.js';
import { Link, navigate } from '../router.js';
import { useMe } from '../session.js';
import { emptyValues } from '../tournaments/tournament-form.js';
import { TournamentFormView } from '../tournaments/tournament-form-view.js';

/** The create form (SPEC §8): the new tournament is a DRAFT its creator organizes. */
export function NewTournamentPage() {
  useTitle('New tournament');
  const me = useMe();
  const qc = useQueryClient();
  if (me === undefined) return <Loading what="your account" />;
  if (me === null) {
    return (
      <article>
        <h1>New tournament</h1>
        <p>
          <Link to="/login?next=/tournaments/new">Sign in</Link> or{' '}
          <Link to="/signup?next=/tournaments/new">sign up</Link> to organize a tournament.
        </p>
      </article>
    );
  }
  return (
    <article>
      <h1>New tournament</h1>
      <TournamentFormView
        initial={emptyValues()}
        submitLabel="Create tournament"
        onSubmit={async (body) => {
          const created = await api.createTournament(body);
          qc.setQueryData(keys.tournament(created.id), created);
          await qc.invalidateQueries({ queryKey: ['tournaments'] });
          navigate(`/tournaments/${created.id}`);
        }}
      />
    </article>
  );
}
