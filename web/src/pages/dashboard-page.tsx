import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, keys } from '../api/endpoints.js';
import type { SubscriptionItem } from '../api/feeds.js';
import type { User } from '../api/types.js';
import { ErrorNote, formatTime, Loading, StateBadge, useTitle } from '../components/common.js';
import { useNotifications } from '../live/notifications.js';
import { Link } from '../router.js';
import { useMe } from '../session.js';
import { FORMAT_LABEL } from '../state-rules.js';
import { useSubscriptions } from '../tournaments/subscribe-button.js';

function MyTournaments({ user }: { user: User }) {
  const filters = { organizer_id: user.id, limit: 100 };
  const list = useQuery({
    queryKey: keys.tournaments(filters),
    queryFn: () => api.tournaments(filters),
  });
  return (
    <section aria-labelledby="mine-heading">
      <h2 id="mine-heading">My tournaments</h2>
      <ErrorNote error={list.error} />
      {list.data?.tournaments.length === 0 && (
        <p className="muted">
          You organize none yet. <Link to="/tournaments/new">Create one</Link>.
        </p>
      )}
      <ul className="plain">
        {list.data?.tournaments.map((t) => (
          <li key={t.id}>
            <Link to={`/tournaments/${t.id}`}>{t.name}</Link> <StateBadge state={t.state} />{' '}
            <span className="muted">{FORMAT_LABEL[t.format]}</span>
            {t.state === 'ACTIVE' && (
              <>
                {' · '}
                <Link to={`/tournaments/${t.id}/results`}>results</Link>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Subscriptions({ user }: { user: User }) {
  const qc = useQueryClient();
  const subs = useSubscriptions(user);
  // Unsubscribed here: kept in the list so that a slip can be undone.
  const [dropped, setDropped] = useState<SubscriptionItem[]>([]);
  const [error, setError] = useState<unknown>(null);
  if (subs.data === null) return null;
  const current = subs.data ?? [];
  const shown = [
    ...current,
    ...dropped.filter((d) => !current.some((c) => c.tournamentId === d.tournamentId)),
  ];

  const toggle = async (item: SubscriptionItem, following: boolean) => {
    setError(null);
    try {
      if (following) {
        await api.unsubscribe(item.tournamentId);
        setDropped((d) => [...d.filter((x) => x.tournamentId !== item.tournamentId), item]);
      } else {
        await api.subscribe(item.tournamentId);
        setDropped((d) => d.filter((x) => x.tournamentId !== item.tournamentId));
      }
    } catch (err) {
      setError(err);
    }
    await qc.invalidateQueries({ queryKey: keys.subscriptions });
  };

  return (
    <section aria-labelledby="subs-heading">
      <h2 id="subs-heading">My subscriptions</h2>
      <ErrorNote error={error ?? subs.error} />
      {subs.isPending && <Loading what="subscriptions" />}
      {shown.length === 0 && !subs.isPending && (
        <p className="muted">Follow a tournament from its page to be told when it starts.</p>
      )}
      <ul className="plain">
        {shown.map((s) => {
          const following = current.some((c) => c.tournamentId === s.tournamentId);
          const name = s.name ?? s.tournamentId;
          return (
            <li key={s.tournamentId}>
              <Link to={`/tournaments/${s.tournamentId}`}>{name}</Link>{' '}
              <button
                type="button"
                aria-pressed={following}
                onClick={() => void toggle(s, following)}
              >
                {following ? 'Unsubscribe' : 'Subscribe'}
                <span className="sr-only">
                  {' '}
                  {following ? 'from' : 'to'} {name}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Notifications({ user }: { user: User }) {
  const qc = useQueryClient();
  const { items, stored } = useNotifications(user);
  const read = async (id: string) => {
    await api.readNotification(id).catch(() => undefined);
    await qc.invalidateQueries({ queryKey: keys.notifications });
  };
  return (
    <section aria-labelledby="notifications">
      <h2 id="notifications">Notifications</h2>
      <ol className="plain notifications" aria-live="polite">
        {items.length === 0 && (
          <li className="muted">Nothing yet: match calls and start reminders arrive here live.</li>
        )}
        {items.map((n) => (
          <li key={n.key} className={n.read ? 'read' : 'unread'}>
            {n.tournamentId ? <Link to={`/tournaments/${n.tournamentId}`}>{n.text}</Link> : n.text}{' '}
            <span className="muted">{formatTime(n.at)}</span>
            {stored && !n.read && n.id && (
              <button type="button" className="link" onClick={() => void read(n.id as string)}>
                Mark read
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Dashboard (SPEC §8): my tournaments, my subscriptions, live notifications. */
export function DashboardPage() {
  useTitle('Dashboard');
  const me = useMe();
  if (me === undefined) return <Loading what="your dashboard" />;
  if (me === null) {
    return (
      <article>
        <h1>Dashboard</h1>
        <p>
          <Link to="/login?next=/dashboard">Sign in</Link> to see your tournaments, subscriptions
          and notifications.
        </p>
      </article>
    );
  }
  return (
    <article className="dashboard">
      <h1>Dashboard</h1>
      <p className="muted">Signed in as {me.username}.</p>
      <div className="columns">
        <MyTournaments user={me} />
        <Notifications user={me} />
      </div>
      <Subscriptions user={me} />
    </article>
  );
}
