/**
 * The API's wire shapes as the web app reads them (SPEC §5). States and
 * formats come from the domain so that the UI and the API cannot disagree.
 */
import type { Format, TournamentState } from '../../../src/domain/types.js';

export type { Format, TournamentState };

export interface User {
  id: string;
  username: string;
  is_admin?: boolean;
}

export interface Tournament {
  id: string;
  name: string;
  description: string;
  format: Format;
  state: TournamentState;
  organizer_id: string;
  min_teams: number;
  max_teams: number;
  team_count: number;
  current_round: number;
  winner: string | null;
  seeding: 'random' | 'manual';
  options: Record<string, unknown>;
  starts_at: string | null;
  created_at: string;
}

export interface TournamentList {
  tournaments: Tournament[];
  total: number;
}

export interface Team {
  id: string;
  name: string;
  captain_id: string;
  seed: number | null;
  withdrawn?: boolean;
}

export type MatchStatus = 'waiting' | 'pending' | 'completed' | 'abandoned' | 'bye';
export type BracketName = 'main' | 'winners' | 'losers' | 'grand_final' | 'third_place';
export type Scores = Record<string, number>;

export interface Match {
  id: string;
  round: number;
  bracket: BracketName;
  bracket_round: number;
  status: MatchStatus;
  team1_id: string | null;
  team2_id: string | null;
  winner: string | null;
  scores: Scores | null;
  walkover?: boolean;
}

/** `GET .../matches?round=all`: every match; `round` is the current round. */
export interface MatchesSnapshot {
  round: number;
  matches: Match[];
}

export interface Standing {
  rank: number;
  team_id: string;
  name: string;
  wins: number;
  losses: number;
  draws: number;
  points: number;
  tiebreaks?: Record<string, number>;
  withdrawn?: boolean;
}

/** What `POST .../result` answers: the match and where the tournament now stands. */
export interface RecordedResult extends Match {
  tournament: { state: TournamentState; current_round: number; winner: string | null };
}

export interface Stats {
  tournaments_by_state?: Partial<Record<TournamentState, number>>;
  teams?: number;
  matches_played?: number;
  live_viewers?: number;
}

export interface ResultInput {
  winner?: string | null;
  scores?: Scores;
}
