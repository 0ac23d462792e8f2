import type { TournamentState } from '../domain/index.js';

/** States in which a tournament has its own server (SPEC §1: from REGISTRATION until ARCHIVED or CANCELLED). */
export const SERVED_STATES = [
  'REGISTRATION',
  'ACTIVE',
  'COMPLETED',
] as const satisfies readonly TournamentState[];

export function isServed(state: TournamentState | string): boolean {
  return (SERVED_STATES as readonly string[]).includes(state);
}
