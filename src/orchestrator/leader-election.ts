import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from '../logger.js';
import type { Executor } from '../store/database.js';
import { leaders } from '../store/schema.js';

/**
 * The roles one orchestrator of a deployment holds at a time: `supervisor`
 * starts, checks and stops the tournament servers (SPEC §9); `relay`
 * republishes the events a crash or a bus outage left unpublished.
 */
export type LeaderRole = 'supervisor' | 'relay';

/**
 * How long a leader's lease lasts without renewal: with the others looking
 * every 0.5 s, one takes over within 8.5 s of the leader's last renewal
 * (SPEC §9: within 10 s).
 */
export const LEADER_LEASE_MS = 8000;
const RENEW_MS = 2500;
/** How often an orchestrator that does not lead looks whether the lease lapsed. */
const WATCH_MS = 500;

export interface ElectionOptions {
  role: LeaderRole;
  db: Executor;
  logger: Logger;
  /** This orchestrator now holds the role, under `epoch`. */
  onElected: (epoch: number) => Promise<void> | void;
  /** It no longer does (its lease lapsed or was taken): stop (a supervisor leaves the servers running). */
  onDeposed: () => Promise<void> | void;
  leaseMs?: number;
  renewMs?: number;
  watchMs?: number;
}

/**
 * Which of the orchestrators sharing a database holds a role (SPEC §9): the
 * holder of the `leaders` row of that role, a lease with an epoch that
 * increases at every change of hands. The holder renews it every 2.5 s; the
 * others try to take it every 0.5 s, which they can once it lapsed (8 s after
 * the last renewal) or was given up.
 */
export class LeaderElection {
  readonly holder = randomUUID();
  private epoch = 0;
  private leading = false;
  /** When the lease was last taken or renewed, by this process's clock. */
  private renewedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** The takeover `onElected` runs, once elected. */
  private taking: Promise<void> | undefined;
  private stopped = false;
  private readonly leaseMs: number;

  constructor(private readonly o: ElectionOptions) {
    this.leaseMs = o.leaseMs ?? LEADER_LEASE_MS;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get leaderEpoch(): number | null {
    return this.leading ? this.epoch : null;
  }

  /**
   * Tries once at once, then keeps at it; when the first try wins, resolves
   * once `onElected` is done (a lone orchestrator supervises from its first
   * moment, its servers adopted or started before it listens).
   */
  async start(): Promise<void> {
    await this.tick();
    this.schedule();
    await this.taking;
  }

  private schedule() {
    if (this.stopped) return;
    const every = this.leading ? (this.o.renewMs ?? RENEW_MS) : (this.o.watchMs ?? WATCH_MS);
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, every);
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.ticking ??= (this.leading ? this.renew() : this.tryAcquire()).finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private interval() {
    return sql`now() + ${`${this.leaseMs} milliseconds`}::interval`;
  }

  private async tryAcquire(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.o.db.insert(leaders).values({ role: this.o.role }).onConflictDoNothing();
      const rows = await this.o.db
        .update(leaders)
        .set({
          holder: this.holder,
          epoch: sql`${leaders.epoch} + 1`,
          expires_at: this.interval(),
          updated_at: sql`now()`,
        })
        .where(
          and(
            eq(leaders.role, this.o.role),
            or(
              isNull(leaders.holder),
              isNull(leaders.expires_at),
              lt(leaders.expires_at, sql`now()`),
            ),
          ),
        )
        .returning({ epoch: leaders.epoch });
      if (rows.length === 0 || this.stopped) return;
      this.epoch = (rows[0] as { epoch: number }).epoch;
      this.leading = true;
      this.renewedAt = Date.now();
      this.o.logger.info({ role: this.o.role, epoch: this.epoch }, 'elected');
      // Not awaited here: a takeover that starts many servers must not hold up the renewals.
      this.taking = Promise.resolve()
        .then(() => this.o.onElected(this.epoch))
        .catch((err) =>
          this.o.logger.error(
            { role: this.o.role, err: (err as Error).message },
            'taking over the role failed',
          ),
        );
    } catch (err) {
      this.o.logger.warn(
        { role: this.o.role, err: (err as Error).message },
        'election: database error',
      );
    }
  }

  private async renew(): Promise<void> {
    try {
      const rows = await this.o.db
        .update(leaders)
        .set({ expires_at: this.interval(), updated_at: sql`now()` })
        .where(this.mine())
        .returning({ epoch: leaders.epoch });
      if (rows.length > 0) {
        this.renewedAt = Date.now();
        return;
      }
      await this.depose('the lease was taken');
    } catch (err) {
      // Unreachable database: the lease may be lapsing; step down before another can take it.
      if (Date.now() - this.renewedAt > this.leaseMs - (this.o.renewMs ?? RENEW_MS)) {
        await this.depose(`the lease could not be renewed: ${(err as Error).message}`);
      }
    }
  }

  private mine() {
    return and(
      eq(leaders.role, this.o.role),
      eq(leaders.holder, this.holder),
      eq(leaders.epoch, this.epoch),
    );
  }

  private async depose(reason: string) {
    if (!this.leading) return;
    this.leading = false;
    this.o.logger.warn({ role: this.o.role, epoch: this.epoch, reason }, 'no longer leading');
    await this.o.onDeposed();
  }

  /**
   * Stops taking part. `release` gives the lease up so another orchestrator
   * takes over at once instead of after it lapses.
   */
  async stop(opts: { release: boolean } = { release: true }): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking?.catch(() => {});
    if (!this.leading) return;
    this.leading = false;
    if (!opts.release) return;
    await this.o.db
      .update(leaders)
      .set({ holder: null, expires_at: null, updated_at: sql`now()` })
      .where(this.mine())
      .catch(() => {});
  }
}
