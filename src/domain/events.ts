/**
 * Event shapes. Field names follow the seed's event section exactly
 * (seed "Pub/Sub Event Types"; SPEC §6); extra fields are additions.
 * Every event says where it goes: a tournament's channel, one user's
 * notifications, or the global announcements.
 */
import type { Format, MatchId, TeamId, TournamentState, UserId } from './types.js';

export type EventScope =
  | { kind: 'tournament' }
  | { kind: 'user'; user_id: UserId }
  | { kind: 'global' };

export interface StateChangedEvent {
  type: 'state_changed';
  tournament_id: string;
  from_state: TournamentState;
  to_state: TournamentState;
  timestamp: string;
}

export interface MatchResultEvent {
  type: 'match_result';
  tournament_id: string;
  match_id: MatchId;
  /** null for a draw. */
  winner: TeamId | null;
  round: number;
  timestamp: string;
  loser: TeamId | null;
  scores: Record<TeamId, number> | null;
  draw: boolean;
  /** Decided without being played (the opponent withdrew). */
  walkover: boolean;
}

export interface RoundAdvancedEvent {
  type: 'round_advanced';
  tournament_id: string;
  new_round: number;
  /** Every match of the round, byes and walkovers included. */
  matches_count: number;
  timestamp: string;
  /** The matches of the round that are to be played. */
  pending_count: number;
}

/** To one captain: `team_id` is the captain's team, `opponent` the other team's name. */
export interface MatchReadyEvent {
  type: 'match_ready';
  tournament_id: string;
  match_id: MatchId;
  opponent: string;
  team_id: TeamId;
  timestamp: string;
  opponent_id: TeamId;
  round: number;
}

export interface TournamentStartingEvent {
  type: 'tournament_starting';
  tournament_id: string;
  tournament_name: string;
  starts_in_minutes: number;
}

export interface TeamRegisteredEvent {
  type: 'team_registered';
  tournament_id: string;
  team_id: TeamId;
  team_name: string;
  captain_id: UserId;
  seed: number | null;
  team_count: number;
  timestamp: string;
}

export interface TeamUnregisteredEvent {
  type: 'team_unregistered';
  tournament_id: string;
  team_id: TeamId;
  team_name: string;
  team_count: number;
  timestamp: string;
}

export interface TeamWithdrawnEvent {
  type: 'team_withdrawn';
  tournament_id: string;
  team_id: TeamId;
  team_name: string;
  round: number;
  timestamp: string;
}

export interface MatchAbandonedEvent {
  type: 'match_abandoned';
  tournament_id: string;
  match_id: MatchId;
  round: number;
  team1_id: TeamId | null;
  team2_id: TeamId | null;
  timestamp: string;
}

export interface ResultCorrectedEvent {
  type: 'result_corrected';
  tournament_id: string;
  match_id: MatchId;
  round: number;
  winner: TeamId | null;
  loser: TeamId | null;
  scores: Record<TeamId, number> | null;
  previous_winner: TeamId | null;
  previous_scores: Record<TeamId, number> | null;
  /** Later matches whose teams changed with the correction. */
  affected: MatchId[];
  timestamp: string;
}

export interface TournamentPublishedEvent {
  type: 'tournament_published';
  tournament_id: string;
  tournament_name: string;
  format: Format;
  timestamp: string;
}

export interface TournamentCompletedEvent {
  type: 'tournament_completed';
  tournament_id: string;
  tournament_name: string;
  winner: TeamId | null;
  winner_name: string | null;
  timestamp: string;
}

export type EventData =
  | StateChangedEvent
  | MatchResultEvent
  | RoundAdvancedEvent
  | MatchReadyEvent
  | TournamentStartingEvent
  | TeamRegisteredEvent
  | TeamUnregisteredEvent
  | TeamWithdrawnEvent
  | MatchAbandonedEvent
  | ResultCorrectedEvent
  | TournamentPublishedEvent
  | TournamentCompletedEvent;

export type EventType = EventData['type'];

/** An event with its address; the shells map the scope to a channel (SPEC §6). */
export interface DomainEvent<D extends EventData = EventData> {
  scope: EventScope;
  data: D;
}

const TOURNAMENT_SCOPE: EventScope = Object.freeze({ kind: 'tournament' });
const GLOBAL_SCOPE: EventScope = Object.freeze({ kind: 'global' });

export function toTournament<D extends EventData>(data: D): DomainEvent<D> {
  return { scope: TOURNAMENT_SCOPE, data };
}

export function toUser<D extends EventData>(user_id: UserId, data: D): DomainEvent<D> {
  return { scope: { kind: 'user', user_id }, data };
}

export function toGlobal<D extends EventData>(data: D): DomainEvent<D> {
  return { scope: GLOBAL_SCOPE, data };
}
