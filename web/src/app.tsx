import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, keys } from './api/endpoints.js';
import { LiveStreamProvider } from './live/live-stream.js';
import { NotificationsBadge } from './live/notifications.js';
import { AuthPage } from './pages/auth-page.js';
import { DashboardPage } from './pages/dashboard-page.js';
import { HomePage } from './pages/home-page.js';
import { NewTournamentPage } from './pages/new-tournament-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { ResultsPage } from './pages/results-page.js';
import { TournamentPage } from './pages/tournament-page.js';
import { TournamentsPage } from './pages/tournaments-page.js';
import { Link, navigate, useLocation } from './router.js';
import { matchRoute, type Route, servedTournament } from './routes.js';
import { useMe } from './session.js';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'tournaments':
      return <TournamentsPage />;
    case 'new':
      return <NewTournamentPage />;
    case 'tournament':
      return <TournamentPage key={route.id} id={route.id} />;
    case 'results':
      return <ResultsPage key={route.id} id={route.id} />;
    case 'dashboard':
      return <DashboardPage />;
    case 'login':
      return <AuthPage key="login" mode="login" />;
    case 'signup':
      return <AuthPage key="signup" mode="signup" />;
    case 'not_found':
      return <NotFoundPage />;
  }
}

function Account() {
  const me = useMe();
  const qc = useQueryClient();
  if (me === undefined) return null;
  if (me === null) {
    return (
      <div className="account">
        <Link to="/login">Sign in</Link>
        <Link to="/signup" className="button">
          Sign up
        </Link>
      </div>
    );
  }
  const signOut = async () => {
    await api.logout().catch(() => undefined);
    qc.setQueryData(keys.me, null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    navigate('/');
  };
  return (
    <div className="account">
      <NotificationsBadge user={me} />
      <span className="username">{me.username}</span>
      <button type="button" className="link" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}

export function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname, servedTournament(document));
  const main = useRef<HTMLElement>(null);
  const path = location.pathname;
  const shown = useRef(path);

  // After a navigation, move focus to the new page so that keyboard and screen reader users start there.
  useEffect(() => {
    if (shown.current === path) return;
    shown.current = path;
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [path]);

  const current = (path: string) => (location.pathname === path ? 'page' : undefined);
  return (
    <LiveStreamProvider>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site">
        <Link to="/" className="brand">
          Tourney
        </Link>
        <nav aria-label="Main">
          <Link to="/tournaments" aria-current={current('/tournaments')}>
            Tournaments
          </Link>
          <Link to="/tournaments/new" aria-current={current('/tournaments/new')}>
            New
          </Link>
          <Link to="/dashboard" aria-current={current('/dashboard')}>
            Dashboard
          </Link>
        </nav>
        <Account />
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
    </LiveStreamProvider>
  );
}
