/**
 * Messages between the process runner and a standby tournament server, over
 * the child's IPC channel. A standby is a tournament server process that has
 * loaded its code and opened its connections but owns no tournament: it
 * takes no lease and listens on no port until it is assigned one.
 */
import { parseIds } from '../store/ids.js';

/** Orchestrator to standby: serve this tournament on this port. */
export interface AssignMessage {
  type: 'assign';
  tournament_id: string;
  port: number;
}

/** Standby to orchestrator. */
export type StandbyMessage =
  /** Warm: code loaded, database and bus connected; waiting for an assignment. */
  | { type: 'standby' }
  /** Assigned and answering: it holds the lease (at `epoch`) and listens on `port`. */
  | { type: 'serving'; tournament_id: string; port: number; epoch: number }
  /** The assignment could not be served; the process exits. */
  | { type: 'failed'; tournament_id: string; message: string };

export function isTournamentId(value: unknown): value is string {
  return typeof value === 'string' && parseIds.tournament(value) !== null;
}

export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** The assignment in `message`, or null when it is not a well-formed one. */
export function parseAssignment(message: unknown): { tournamentId: string; port: number } | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Partial<AssignMessage>;
  if (m.type !== 'assign' || !isTournamentId(m.tournament_id) || !isPort(m.port)) return null;
  return { tournamentId: m.tournament_id, port: m.port };
}

/** A message from a standby, or null when `message` is not one. */
export function parseStandbyMessage(message: unknown): StandbyMessage | null {
  if (typeof message !== 'object' || message === null) return null;
  const type = (message as { type?: unknown }).type;
  return type === 'standby' || type === 'serving' || type === 'failed'
    ? (message as StandbyMessage)
    : null;
}
