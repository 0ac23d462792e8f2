import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { channels } from '../../../src/bus/bus.js';
import { isMissing } from '../api/client.js';
import { api, keys } from '../api/endpoints.js';
import { describeAnnouncement, parseLeaderboard } from '../api/feeds.js';
import { formatTime, LiveStatus, StateBadge, useTitle } from '../components/common.js';
import { useLiveChannel } from '../live/live-stream.js';
import { Link } from '../router.js';
import { FORMAT_LABEL } from '../state-rules.js';

const GLOBAL_EVENTS = ['tournament_published', 'tournament_completed'] as const;

interface FeedItem {
  key: string;
  text: string;
  tournamentId: string | null;
  at: string | null;
}

/** `undefined` data while loading, null when the server has no such endpoint. */
function useOptional<T>(key: readonly unknown[], fetcher: () => Promise<T>) {
  return useQuery({
    queryKey: key,
    queryFn: async () => {
      try {
        return await fetcher();
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    retry: false,
  });
}

function Stats() {
  const stats = useOptional(keys.stats, api.stats);
  if (!stats.data) {
    return stats.isPending ? null : (
      <p className="muted">Statistics are not available right now.</p>
    );
  }
  const s = stats.data;
  const by = s.tournaments_by_state ?? {};
  const cards: [string, number | undefined][] = [
    ['In progress', by.ACTIVE],
    ['Open for registration', by.REGISTRATION],
    ['Completed', by.COMPLETED],
    ['Teams', s.teams],
    ['Matches played', s.matches_played],
    ['Watching live', s.live_viewers],
  ];
  return (
    <dl className="stats">
      {cards.map(([label, value]) => (
        <div key={label} className="stat">
          <dt>{label}</dt>
          <dd>{value ?? 0}</dd>
        </div>
      ))}
    </dl>
  );
}

function Leaderboard() {
  const board = useOptional(keys.leaderboard, api.leaderboard);
  const rows = board.data ? parseLeaderboard(board.data) : [];
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="leaders-heading">
      <h2 id="leaders-heading">Leaderboard</h2>
      <ol className="plain leaderboard">
        {rows.slice(0, 10).map((r) => (
          <li key={r.key}>
            <span className="rank">{r.rank}.</span> <strong>{r.name}</strong>{' '}
            <span className="muted">{r.detail}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function GlobalFeed() {
  const [items, setItems] = useState<FeedItem[]>([]);
  const status = useLiveChannel(channels.global, GLOBAL_EVENTS, {
    onEvent: (type, data, id) => {
      const { text, tournamentId } = describeAnnouncement(type, data);
      const at = typeof data.timestamp === 'string' ? data.timestamp : null;
      setItems((old) =>
        [{ key: id || `${Date.now()}`, text, tournamentId, at }, ...old].slice(0, 30),
      );
    },
  });
  return (
    <section aria-labelledby="feed-heading">
      <h2 id="feed-heading">
        Live feed <LiveStatus status={status} />
      </h2>
      <ol className="plain feed" aria-live="polite">
        {items.length === 0 && (
          <li className="muted">Announcements appear here as tournaments open and finish.</li>
        )}
        {items.map((item) => (
          <li key={item.key}>
            {item.tournamentId ? (
              <Link to={`/tournaments/${item.tournamentId}`}>{item.text}</Link>
            ) : (
              item.text
            )}{' '}
            <span className="muted">{formatTime(item.at)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Recent() {
  const list = useQuery({
    queryKey: keys.tournaments({ limit: 8 }),
    queryFn: () => api.tournaments({ limit: 8 }),
  });
  return (
    <section aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent tournaments</h2>
      {list.data && list.data.tournaments.length === 0 && (
        <p className="muted">
          None yet. <Link to="/tournaments/new">Create the first one</Link>.
        </p>
      )}
      <ul className="plain">
        {list.data?.tournaments.map((t) => (
          <li key={t.id}>
            <Link to={`/tournaments/${t.id}`}>{t.name}</Link> <StateBadge state={t.state} />{' '}
            <span className="muted">{FORMAT_LABEL[t.format]}</span>
          </li>
        ))}
      </ul>
      <p>
        <Link to="/tournaments">All tournaments</Link>
      </p>
    </section>
  );
}

/** Home (SPEC §8): statistics and the live global feed. */
export function HomePage() {
  useTitle('');
  return (
    <article className="home">
      <h1>Tourney</h1>
      <p className="lead">
        Brackets, round robins and Swiss tournaments with results that arrive live.
      </p>
      <Stats />
      <div className="columns">
        <GlobalFeed />
        <Recent />
      </div>
      <Leaderboard />
    </article>
  );
}
