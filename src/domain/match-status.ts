import type { Match } from './types.js';

/** Whether a match has its outcome: a result, a double forfeit, a bye or a walkover. */
export function isDecided(m: Match): boolean {
  return m.status === 'completed' || m.status === 'abandoned' || m.status === 'bye';
}
