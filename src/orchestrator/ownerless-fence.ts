import { eq } from 'drizzle-orm';
import { fail } from '../http/api-error.js';
import type { Executor } from '../store/database.js';
import { parseIds } from '../store/ids.js';
import { tournaments } from '../store/schema.js';
import type { Fence } from '../tournament/writer.js';
import { isServed } from './server-identity.js';

/**
 * The fence of the orchestrator's own writes (SPEC §1 "single writer"): it
 * writes only tournaments that have no server (DRAFT, CANCELLED, ARCHIVED).
 * Inside the write's transaction the tournament's row is locked and its state
 * checked, so that a request routed here while the tournament was a DRAFT
 * cannot change it once it was published meanwhile: that one is answered 503,
 * to be sent again to the tournament's server.
 */
export const ownerlessFence: Fence = async (tx: Executor, tournamentId: string) => {
  const key = parseIds.tournament(tournamentId);
  if (key === null) return;
  const rows = await tx
    .select({ state: tournaments.state })
    .from(tournaments)
    .where(eq(tournaments.id, key))
    .for('update');
  const state = rows[0]?.state;
  if (state !== undefined && isServed(state)) {
    fail(
      'service_unavailable',
      { tournament_id: tournamentId },
      'the tournament has its own server',
    );
  }
};
