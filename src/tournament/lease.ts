import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.js';
import { parseIds } from '../store/ids.js';
import { tournamentServers } from '../store/schema.js';

/** How long a lease lasts without renewal (SPEC §1: lapses within 10 s). */
export const LEASE_MS = 10_000;
const RENEW_MS = 3_000;

/** This process no longer holds the tournament's lease: it must not write. */
export class LeaseLostError extends Error {
  constructor(readonly tournamentId: string) {
    super(`lease of ${tournamentId} lost`);
  }
}

/**
 * The single-writer lease of one tournament, a PostgreSQL row with an epoch
 * that increases each time the lease changes hands. Every write checks the
 * epoch inside its own transaction (fencing) and locks the row, so a takeover
 * waits for a write in flight and every later write of the old holder fails.
 */
export class Lease {
  readonly holder = randomUUID();
  epoch = 0;
  private timer: NodeJS.Timeout | undefined;
  private lost = false;

  constructor(
    private readonly database: Database,
    readonly tournamentId: string,
    private readonly onLost: () => void,
  ) {}

  private get key(): number {
    const n = parseIds.tournament(this.tournamentId);
    if (n === null) throw new Error(`malformed tournament id ${this.tournamentId}`);
    return n;
  }

  /** Takes the lease if it is free or lapsed; false when another holder has it. */
  async tryAcquire(): Promise<boolean> {
    const db = this.database.db;
    await db
      .insert(tournamentServers)
      .values({ tournament_id: this.key, runner: 'unknown', status: 'starting' })
      .onConflictDoNothing();
    const rows = await db
      .update(tournamentServers)
      .set({
        epoch: sql`${tournamentServers.epoch} + 1`,
        lease_holder: this.holder,
        lease_expires_at: sql`now() + ${`${LEASE_MS} milliseconds`}::interval`,
        updated_at: sql`now()`,
      })
      .where(
        and(
          eq(tournamentServers.tournament_id, this.key),
          or(
            isNull(tournamentServers.lease_holder),
            lt(tournamentServers.lease_expires_at, sql`now()`),
          ),
        ),
      )
      .returning({ epoch: tournamentServers.epoch });
    if (rows.length === 0) return false;
    this.epoch = (rows[0] as { epoch: number }).epoch;
    return true;
  }

  /** Waits for the lease (a dead holder's lapses within LEASE_MS), then keeps renewing it. */
  async acquire(timeoutMs = LEASE_MS + 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.tryAcquire())) {
      if (Date.now() > deadline) throw new LeaseLostError(this.tournamentId);
      await new Promise((r) => setTimeout(r, 250));
    }
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
    this.timer.unref();
  }

  async renew(): Promise<void> {
    if (this.lost) return;
    try {
      const rows = await this.database.db
        .update(tournamentServers)
        .set({ lease_expires_at: sql`now() + ${`${LEASE_MS} milliseconds`}::interval` })
        .where(this.mine())
        .returning({ epoch: tournamentServers.epoch });
      if (rows.length === 0) this.markLost();
    } catch {
      // The database did not answer: the lease may lapse; the next write's fence decides.
    }
  }

  private mine() {
    return and(
      eq(tournamentServers.tournament_id, this.key),
      eq(tournamentServers.epoch, this.epoch),
      eq(tournamentServers.lease_holder, this.holder),
    );
  }

  private markLost() {
    if (this.lost) return;
    this.lost = true;
    clearInterval(this.timer);
    this.onLost();
  }

  /** The fence of every write: inside the write's transaction, this process still holds the lease. */
  fence = async (tx: Executor, tournamentId: string): Promise<void> => {
    if (tournamentId !== this.tournamentId || this.lost) throw new LeaseLostError(tournamentId);
    const rows = await tx
      .select({ epoch: tournamentServers.epoch })
      .from(tournamentServers)
      .where(and(this.mine(), gt(tournamentServers.lease_expires_at, sql`now()`)))
      .for('update');
    if (rows.length === 0) {
      this.markLost();
      throw new LeaseLostError(tournamentId);
    }
  };

  /** Gives the lease up so a successor need not wait for it to lapse. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    if (this.lost) return;
    this.lost = true;
    await this.database.db
      .update(tournamentServers)
      .set({ lease_holder: null, lease_expires_at: null })
      .where(this.mine())
      .catch(() => {});
  }
}

/**
 * Frees a tournament's lease for the orchestrator, once it knows the holder
 * is dead. With `epoch`, only the lease of that epoch: a supervisor that
 * acts late cannot take the lease from a successor started meanwhile.
 */
export async function revokeLease(
  db: Executor,
  tournamentId: string,
  epoch?: number,
): Promise<void> {
  const n = parseIds.tournament(tournamentId);
  if (n === null) return;
  await db
    .update(tournamentServers)
    .set({ lease_holder: null, lease_expires_at: null })
    .where(
      and(
        eq(tournamentServers.tournament_id, n),
        epoch === undefined ? undefined : eq(tournamentServers.epoch, epoch),
      ),
    );
}
