import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, keys, type ListFilters } from '../api/endpoints.js';
import { ErrorNote, formatTime, StateBadge, useTitle } from '../components/common.js';
import { Link, navigate, useLocation } from '../router.js';
import { FORMAT_LABEL, FORMATS, STATE_LABEL, STATES } from '../state-rules.js';

const PAGE = 20;

/** The tournaments, filtered by state, format and name; the filters live in the address. */
export function TournamentsPage() {
  useTitle('Tournaments');
  const location = useLocation();
  const params = location.searchParams;
  const filters: ListFilters = {
    state: params.get('state') ?? '',
    format: params.get('format') ?? '',
    q: params.get('q') ?? '',
    offset: Math.max(0, Number(params.get('offset') ?? 0) || 0),
    limit: PAGE,
  };
  const urlQ = filters.q ?? '';
  const [q, setQ] = useState(urlQ);
  // Back and forward change the address: the search box follows it.
  useEffect(() => setQ(urlQ), [urlQ]);

  const update = (change: Partial<ListFilters>) => {
    const next = new URLSearchParams();
    const merged = { ...filters, offset: 0, ...change };
    for (const key of ['state', 'format', 'q', 'offset'] as const) {
      const value = merged[key];
      if (value !== undefined && value !== '' && value !== 0) next.set(key, String(value));
    }
    const text = next.toString();
    navigate(`/tournaments${text ? `?${text}` : ''}`, { replace: true });
  };

  // Typing filters after a short pause, without a request per key.
  useEffect(() => {
    if (q === urlQ) return;
    const timer = setTimeout(() => update({ q }), 300);
    return () => clearTimeout(timer);
  });

  const list = useQuery({
    queryKey: keys.tournaments(filters),
    queryFn: () => api.tournaments(filters),
    placeholderData: keepPreviousData,
  });
  const total = list.data?.total ?? 0;
  const offset = filters.offset ?? 0;

  return (
    <article>
      <header className="page-header">
        <h1>Tournaments</h1>
        <p>
          <Link to="/tournaments/new" className="button primary">
            New tournament
          </Link>
        </p>
      </header>
      <search>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span>State</span>
            <select value={filters.state} onChange={(e) => update({ state: e.target.value })}>
              <option value="">Any state</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Format</span>
            <select value={filters.format} onChange={(e) => update({ format: e.target.value })}>
              <option value="">Any format</option>
              {FORMATS.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABEL[f]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Name</span>
            <input type="search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} />
          </label>
        </form>
      </search>
      <ErrorNote error={list.error} />
      <p className="muted" aria-live="polite">
        {list.data ? `${total} ${total === 1 ? 'tournament' : 'tournaments'}` : 'Loading…'}
      </p>
      {list.data && list.data.tournaments.length > 0 && (
        <div className="table-scroll">
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Format</th>
                <th scope="col">Teams</th>
                <th scope="col">Starts</th>
              </tr>
            </thead>
            <tbody>
              {list.data.tournaments.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    <Link to={`/tournaments/${t.id}`}>{t.name}</Link>
                  </th>
                  <td>
                    <StateBadge state={t.state} />
                  </td>
                  <td>{FORMAT_LABEL[t.format]}</td>
                  <td>
                    {t.team_count} / {t.max_teams}
                  </td>
                  <td>{formatTime(t.starts_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > PAGE && (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => update({ ...filters, offset: offset - PAGE })}
          >
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
          </span>
          <button
            type="button"
            disabled={offset + PAGE >= total}
            onClick={() => update({ ...filters, offset: offset + PAGE })}
          >
            Next
          </button>
        </nav>
      )}
    </article>
  );
}
