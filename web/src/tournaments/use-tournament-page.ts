import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type Dispatch, useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { channels } from '../../../src/bus/bus.js';
import { ApiError } from '../api/client.js';
import { api, keys } from '../api/endpoints.js';
import type { Match, MatchesSnapshot, Standing, Team, Tournament } from '../api/types.js';
import type { StreamStatus } from '../live/live-connection.js';
import { useLiveChannel, useLiveHold } from '../live/live-stream.js';
import {
  completionText,
  initialResultsState,
  type LiveEvent,
  matchLabel,
  mergeLiveEvent,
  mergeRecorded,
  type Names,
  nameOf,
  type ResultDraft,
  type ResultsAction,
  type ResultsState,
  refusalMessage,
  resultsReducer,
} from '../results/results-state.js';

/** The tournament channel's events (SPEC §6). */
export const TOURNAMENT_EVENTS = [
  'state_changed',
  'team_registered',
  'team_unregistered',
  'team_withdrawn',
  'match_result',
  'match_abandoned',
  'result_corrected',
  'round_advanced',
] as const;

export interface TournamentPage {
  tournament: Tournament | undefined;
  error: unknown;
  teams: Team[];
  names: Names;
  snapshot: MatchesSnapshot;
  standings: Standing[];
  live: StreamStatus;
  results: ResultsState;
  dispatch: Dispatch<ResultsAction>;
  /** Sends a result: shown at once, rolled back with an alert if refused. */
  record: (match: Match, draft: ResultDraft) => Promise<void>;
  abandon: (match: Match) => Promise<void>;
}

const EMPTY: MatchesSnapshot = { round: 0, matches: [] };

/**
 * Everything a tournament page shows, kept live: the tournament, its teams,
 * matches and standings from the API, refetched (and for results merged at
 * once) on each event of the tournament's channel; and the results form's
 * state (optimistic results, refusals, announcements).
 */
export function useTournamentPage(id: string): TournamentPage {
  const qc = useQueryClient();
  const tournament = useQuery({ queryKey: keys.tournament(id), queryFn: () => api.tournament(id) });
  const state = tournament.data?.state;
  const started = state !== undefined && state !== 'DRAFT';
  const teams = useQuery({
    queryKey: keys.teams(id),
    queryFn: async () => (await api.teams(id)).teams,
    enabled: started,
  });
  const matches = useQuery({
    queryKey: keys.matches(id),
    queryFn: () => api.matches(id),
    enabled: started,
  });
  const standings = useQuery({
    queryKey: keys.standings(id),
    queryFn: async () => (await api.standings(id)).standings,
    enabled: started && state !== 'REGISTRATION',
  });
  const [results, dispatch] = useReducer(resultsReducer, undefined, initialResultsState);

  const names = useMemo<Names>(
    () => Object.fromEntries((teams.data ?? []).map((t) => [t.id, t.name])),
    [teams.data],
  );
  const snapshot = matches.data ?? EMPTY;
  const current = useRef({ names, snapshot });
  current.current = { names, snapshot };

  const refresh = useCallback(
    () => qc.invalidateQueries({ queryKey: keys.tournament(id) }),
    [qc, id],
  );

  // The page's stream opens once the tournament is known to exist, with its channel.
  useLiveHold(tournament.isPending);
  const live = useLiveChannel(tournament.data ? channels.tournament(id) : null, TOURNAMENT_EVENTS, {
    onEvent: (type, data) => {
      const event: LiveEvent = { ...(data as Omit<LiveEvent, 'type'>), type };
      const match = event.match_id
        ? current.current.snapshot.matches.find((m) => m.id === event.match_id)
        : undefined;
      qc.setQueryData<MatchesSnapshot>(keys.matches(id), (s) => (s ? mergeLiveEvent(s, event) : s));
      dispatch({ type: 'live', event, match, names: current.current.names });
      void refresh();
    },
    onReconnect: () => void refresh(),
  });

  // The completion event carries no winner: announce the winner once the tournament has it.
  const winner = tournament.data?.winner ?? null;
  useEffect(() => {
    if (state === 'COMPLETED' && winner && results.announcement === completionText(null)) {
      dispatch({ type: 'announce', text: completionText(nameOf(names, winner)) });
    }
  }, [state, winner, names, results.announcement]);

  const record = useCallback(
    async (match: Match, draft: ResultDraft) => {
      dispatch({ type: 'submit', matchId: match.id, draft });
      try {
        const recorded = await api.recordResult(id, match.id, {
          winner: draft.winner,
          ...(draft.scores ? { scores: draft.scores } : {}),
        });
        qc.setQueryData<MatchesSnapshot>(keys.matches(id), (s) =>
          s ? mergeRecorded(s, recorded) : s,
        );
        dispatch({ type: 'accepted', matchId: match.id });
      } catch (err) {
        const e = err instanceof ApiError ? err : { code: 'error', message: String(err) };
        dispatch({
          type: 'refused',
          matchId: match.id,
          message: refusalMessage(e, matchLabel(match, current.current.names)),
        });
      }
      await refresh();
    },
    [id, qc, refresh],
  );

  const abandon = useCallback(
    async (match: Match) => {
      try {
        await api.abandonMatch(id, match.id);
      } catch (err) {
        const e = err instanceof ApiError ? err : { code: 'error', message: String(err) };
        dispatch({
          type: 'refused',
          matchId: match.id,
          message: refusalMessage(e, matchLabel(match, current.current.names)),
        });
      }
      await refresh();
    },
    [id, refresh],
  );

  return {
    tournament: tournament.data,
    error: tournament.error,
    teams: teams.data ?? [],
    names,
    snapshot,
    standings: standings.data ?? [],
    live,
    results,
    dispatch,
    record,
    abandon,
  };
}
