/**
 * Shapes shared by the whole tournament engine. Data shapes use the wire's
 * snake_case field names (SPEC §5) so that the shells hand them out unchanged.
 */

export type TournamentState =
  | 'DRAFT'
  | 'REGISTRATION'
  | 'ACTIVE'
  | 'COMPLETED'
  | 'CANCELLED'
  | 'ARCHIVED';

export type Format = 'single_elimination' | 'double_elimination' | 'round_robin' | 'swiss';

export type Seeding = 'random' | 'manual';

export type TeamId = string;
export type UserId = string;
export type MatchId = string;

export interface SingleEliminationOptions {
  third_place: boolean;
}

export interface DoubleEliminationOptions {
  grand_final: 'with_reset' | 'single' | 'none';
}

export interface RoundRobinOptions {
  double: boolean;
  points: { win: number; draw: number; loss: number };
}

export type SwissTiebreak = 'buchholz' | 'sonneborn_berger' | 'head_to_head';

export interface SwissOptions {
  /** null: ceil(log2(teams)), fixed when the tournament starts. */
  rounds: number | null;
  tiebreaks: SwissTiebreak[];
  points: { win: number; draw: number; loss: number };
}

export type FormatOptions =
  | SingleEliminationOptions
  | DoubleEliminationOptions
  | RoundRobinOptions
  | SwissOptions;

export interface Team {
  id: TeamId;
  name: string;
  captain_id: UserId;
  /** Manual seed (1 = best); null follows registration order. */
  seed: number | null;
  /** Set once the team withdraws from an ACTIVE tournament. */
  withdrawn?: boolean;
  /** The tournament round during which the team withdrew (Swiss stops pairing it after). */
  withdrawn_round?: number;
}

export type MatchStatus = 'waiting' | 'pending' | 'completed' | 'abandoned' | 'bye';

/** A slot of a later match that a match's winner or loser moves into. */
export interface SlotRef {
  match_id: MatchId;
  slot: 1 | 2;
}

/** Where a slot's team comes from in an elimination bracket. */
export interface SlotSource {
  match_id: MatchId;
  take: 'winner' | 'loser';
}

export type Bracket = 'main' | 'winners' | 'losers' | 'grand_final' | 'third_place';

export interface Match {
  /** r{round}_match_{n}; double elimination wb_r1_match_1, lb_r2_match_3, gf_match_1. */
  id: MatchId;
  /** The tournament round in which the match is played (1-based). */
  round: number;
  bracket: Bracket;
  /** Round inside its bracket (the r in wb_r2_...); equals `round` outside double elimination. */
  bracket_round: number;
  team1_id: TeamId | null;
  team2_id: TeamId | null;
  status: MatchStatus;
  winner: TeamId | null;
  scores: Record<TeamId, number> | null;
  /** True when the match was decided without being played (bye, walkover). */
  walkover?: boolean;
  /** Elimination formats: where the winner and the loser go next (null: nowhere). */
  winner_to?: SlotRef | null;
  loser_to?: SlotRef | null;
  /** Elimination formats: which match feeds each slot (null: seeded at start). */
  team1_from?: SlotSource | null;
  team2_from?: SlotSource | null;
}

/** A result as a user submits it (SPEC §4). winner null is a draw. */
export interface ResultInput {
  winner?: TeamId | null;
  scores?: Record<TeamId, number> | null;
}

export interface Standing {
  rank: number;
  team_id: TeamId;
  name: string;
  wins: number;
  losses: number;
  draws: number;
  points: number;
  /** Tiebreak values by name (buchholz, sonneborn_berger, head_to_head...). */
  tiebreaks?: Record<string, number>;
  withdrawn?: boolean;
}
