/** The page routes of SPEC §8; anything else is the 404 page. */
export type Route =
  | { page: 'home' }
  | { page: 'tournaments' }
  | { page: 'new' }
  | { page: 'tournament'; id: string }
  | { page: 'results'; id: string }
  | { page: 'dashboard' }
  | { page: 'login' }
  | { page: 'signup' }
  | { page: 'not_found' };

const TOURNAMENT_ID = /^t_\d{1,9}$/;

/**
 * The route of a path. `servedTournament` is set when a tournament server
 * serves the app: its `/` is that tournament's results form (SPEC §5).
 */
export function matchRoute(pathname: string, servedTournament: string | null = null): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  switch (path) {
    case '/':
      return servedTournament ? { page: 'results', id: servedTournament } : { page: 'home' };
    case '/tournaments':
      return { page: 'tournaments' };
    case '/tournaments/new':
      return { page: 'new' };
    case '/dashboard':
      return { page: 'dashboard' };
    case '/login':
      return { page: 'login' };
    case '/signup':
      return { page: 'signup' };
  }
  const m = /^\/tournaments\/([^/]+)(\/results)?$/.exec(path);
  if (m?.[1] && TOURNAMENT_ID.test(m[1])) {
    return m[2] ? { page: 'results', id: m[1] } : { page: 'tournament', id: m[1] };
  }
  return { page: 'not_found' };
}

/** The tournament whose server serves this page, from the meta tag it adds; null on the orchestrator. */
export function servedTournament(doc: {
  querySelector(s: string): { getAttribute(n: string): string | null } | null;
}): string | null {
  const id = doc.querySelector('meta[name="tourney-tournament"]')?.getAttribute('content') ?? null;
  return id && TOURNAMENT_ID.test(id) ? id : null;
}
