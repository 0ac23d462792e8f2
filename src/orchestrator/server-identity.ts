import { eq, inArray } from 'drizzle-orm';
import type { ServerIdentity } from '../http/health.js';
import type { Executor } from '../store/database.js';
import { ids, parseIds } from '../store/ids.js';
import { tournamentServers, tournaments } from '../store/schema.js';

/** States in which a tournament has its own server (SPEC §1: from REGISTRATION until ARCHIVED or CANCELLED). */
import { isServed, SERVED_STATES } from '../tournament/served-states.js';

export { isServed, SERVED_STATES };

/** A tournament and, when it has one, its `tournament_servers` row. */
export interface ServerRow {
  tournamentId: string;
  state: string;
  runner: string | null;
  status: string | null;
  url: string | null;
  port: number | null;
  pid: number | null;
  /** The epoch of the tournament's lease: the one its server must report. */
  epoch: number;
}

const columns = {
  id: tournaments.id,
  state: tournaments.state,
  runner: tournamentServers.runner,
  status: tournamentServers.status,
  url: tournamentServers.url,
  port: tournamentServers.port,
  pid: tournamentServers.pid,
  epoch: tournamentServers.epoch,
};

function toRow(r: {
  id: number;
  state: string;
  runner: string | null;
  status: string | null;
  url: string | null;
  port: number | null;
  pid: number | null;
  epoch: number | null;
}): ServerRow {
  return {
    tournamentId: ids.tournament(r.id),
    state: r.state,
    runner: r.runner,
    status: r.status,
    url: r.url,
    port: r.port,
    pid: r.pid,
    epoch: r.epoch ?? 0,
  };
}

/** The tournament's state and where its server was recorded; null when there is no such tournament. */
export async function serverRowOf(db: Executor, tournamentId: string): Promise<ServerRow | null> {
  const key = parseIds.tournament(tournamentId);
  if (key === null) return null;
  const rows = await db
    .select(columns)
    .from(tournaments)
    .leftJoin(tournamentServers, eq(tournamentServers.tournament_id, tournaments.id))
    .where(eq(tournaments.id, key));
  return rows[0] ? toRow(rows[0]) : null;
}

/** Every tournament that should have a server, with its row. */
export async function servedRows(db: Executor): Promise<ServerRow[]> {
  const rows = await db
    .select(columns)
    .from(tournaments)
    .leftJoin(tournamentServers, eq(tournamentServers.tournament_id, tournaments.id))
    .where(inArray(tournaments.state, [...SERVED_STATES]))
    .orderBy(tournaments.id);
  return rows.map(toRow);
}

/** The states of the given tournaments (a deleted one is absent). */
export async function statesOf(
  db: Executor,
  tournamentIds: string[],
): Promise<Map<string, string>> {
  const keys = tournamentIds.map((id) => parseIds.tournament(id)).filter((k) => k !== null);
  if (keys.length === 0) return new Map();
  const rows = await db
    .select({ id: tournaments.id, state: tournaments.state })
    .from(tournaments)
    .where(inArray(tournaments.id, keys));
  return new Map(rows.map((r) => [ids.tournament(r.id), r.state]));
}

/** What the server at `url` says it is; null when it does not answer as a tournament server. */
export async function identify(url: string, timeoutMs: number): Promise<ServerIdentity | null> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const body = (await res.json()) as Partial<ServerIdentity>;
    if (typeof body.tournament_id !== 'string' || typeof body.epoch !== 'number') return null;
    return { tournament_id: body.tournament_id, epoch: body.epoch };
  } catch {
    return null;
  }
}

/**
 * Whether `identity` is the server of `tournamentId` under the lease `epoch`
 * recorded for it. Anything else (another tournament's server on a reused
 * port, a stale holder) is not this tournament's server.
 */
export function isServerOf(
  identity: ServerIdentity | null,
  tournamentId: string,
  epoch: number,
): boolean {
  return identity !== null && identity.tournament_id === tournamentId && identity.epoch === epoch;
}
