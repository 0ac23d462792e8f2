/** The API calls of the web app, one function each (SPEC §5). */
import { request } from './client.js';
import type {
  MatchesSnapshot,
  RecordedResult,
  ResultInput,
  Standing,
  Stats,
  Team,
  Tournament,
  TournamentList,
  User,
} from './types.js';

const T = '/api/v1/tournaments';
const enc = encodeURIComponent;

export interface ListFilters {
  state?: string;
  format?: string;
  q?: string;
  organizer_id?: string;
  limit?: number;
  offset?: number;
}

export type TournamentBody = {
  name: string;
  format: string;
  min_teams: number;
  max_teams: number;
  starts_at?: string | null;
  description?: string | null;
  seeding?: 'random' | 'manual';
  options?: Record<string, unknown>;
};

export type OrganizerCommand = 'publish' | 'start' | 'cancel' | 'archive';

function query(filters: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '' && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const api = {
  me: () => request<{ user: User }>('GET', '/api/v1/auth/me'),
  login: (username: string, password: string) =>
    request<{ user: User; token: string }>('POST', '/api/v1/auth/login', { username, password }),
  register: (username: string, password: string) =>
    request<{ user: User; token: string }>('POST', '/api/v1/auth/register', { username, password }),
  logout: () => request<void>('POST', '/api/v1/auth/logout'),

  tournaments: (filters: ListFilters) => request<TournamentList>('GET', `${T}${query(filters)}`),
  tournament: (id: string) => request<Tournament>('GET', `${T}/${enc(id)}`),
  createTournament: (body: TournamentBody) => request<Tournament>('POST', T, body),
  editTournament: (id: string, body: Partial<TournamentBody>) =>
    request<Tournament>('PATCH', `${T}/${enc(id)}`, body),
  deleteTournament: (id: string) => request<void>('DELETE', `${T}/${enc(id)}`),
  command: (id: string, command: OrganizerCommand) =>
    request<Tournament>('POST', `${T}/${enc(id)}/${command}`),

  teams: (id: string) => request<{ teams: Team[] }>('GET', `${T}/${enc(id)}/teams`),
  registerTeam: (id: string, name: string) =>
    request<Team>('POST', `${T}/${enc(id)}/teams`, { name }),
  unregisterTeam: (id: string, teamId: string) =>
    request<void>('DELETE', `${T}/${enc(id)}/teams/${enc(teamId)}`),

  matches: (id: string) => request<MatchesSnapshot>('GET', `${T}/${enc(id)}/matches?round=all`),
  recordResult: (id: string, matchId: string, body: ResultInput) =>
    request<RecordedResult>('POST', `${T}/${enc(id)}/matches/${enc(matchId)}/result`, body),
  abandonMatch: (id: string, matchId: string) =>
    request<RecordedResult>('POST', `${T}/${enc(id)}/matches/${enc(matchId)}/abandon`),
  standings: (id: string) => request<{ standings: Standing[] }>('GET', `${T}/${enc(id)}/standings`),

  stats: () => request<Stats>('GET', '/api/v1/stats'),
  leaderboard: () => request<unknown>('GET', '/api/v1/leaderboard'),
  subscriptions: () => request<unknown>('GET', '/api/v1/subscriptions'),
  subscribe: (tournamentId: string) =>
    request<unknown>('POST', '/api/v1/subscriptions', { tournament_id: tournamentId }),
  unsubscribe: (tournamentId: string) =>
    request<void>('DELETE', `/api/v1/subscriptions/${enc(tournamentId)}`),
  notifications: () => request<unknown>('GET', '/api/v1/notifications'),
  readNotification: (id: string) =>
    request<unknown>('POST', `/api/v1/notifications/${enc(id)}/read`),
  chat: (id: string) => request<unknown>('GET', `${T}/${enc(id)}/chat`),
  postChat: (id: string, body: string) =>
    request<unknown>('POST', `${T}/${enc(id)}/chat`, { body }),
};

/** Query keys: everything about one tournament shares the `['tournament', id]` prefix. */
export const keys = {
  me: ['me'] as const,
  tournaments: (filters: ListFilters) => ['tournaments', filters] as const,
  tournament: (id: string) => ['tournament', id] as const,
  teams: (id: string) => ['tournament', id, 'teams'] as const,
  matches: (id: string) => ['tournament', id, 'matches'] as const,
  standings: (id: string) => ['tournament', id, 'standings'] as const,
  chat: (id: string) => ['tournament', id, 'chat'] as const,
  stats: ['stats'] as const,
  leaderboard: ['leaderboard'] as const,
  subscriptions: ['subscriptions'] as const,
  notifications: ['notifications'] as const,
};
