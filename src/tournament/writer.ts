import { channels } from '../bus/bus.js';
import {
  type CommandResult,
  type CommandSuccess,
  type DomainEvent,
  type Failure,
  fail as failure,
} from '../domain/index.js';
import type { OutgoingEvent } from '../live/event-log.js';
import type { Outbox } from '../live/outbox.js';
import type { Database, Executor } from '../store/database.js';
import { parseIds } from '../store/ids.js';
import { notifications } from '../store/schema.js';
import {
  loadTournament,
  type StoredTournament,
  saveTournament,
  VersionConflictError,
} from '../store/tournaments.js';
import { LeaseLostError } from './lease.js';

export interface WriteSuccess {
  ok: true;
  stored: StoredTournament;
  /** True when the command changed nothing (e.g. the same result posted again). */
  unchanged: boolean;
}

export type WriteResult = WriteSuccess | Failure;

/** Checks, inside the write's transaction, that this process may still write (lease fencing). */
export type Fence = (tx: Executor, tournamentId: string) => Promise<void>;

export type Decide = (
  stored: StoredTournament,
  ctx: { now: string },
) => CommandResult | Promise<CommandResult>;

/** How a tournament is changed: read it, and run a command against it. */
export interface Writer {
  load(tournamentId: string): Promise<StoredTournament | null>;
  run(tournamentId: string, decide: Decide): Promise<WriteResult>;
}

/** Where each domain event goes (SPEC §6). */
export function channelEvents(
  tournamentId: string,
  events: readonly DomainEvent[],
): OutgoingEvent[] {
  return events.map((e) => {
    const data = e.data as unknown as Record<string, unknown> & { type: string };
    const channel =
      e.scope.kind === 'tournament'
        ? channels.tournament(tournamentId)
        : e.scope.kind === 'user'
          ? channels.user(e.scope.user_id)
          : channels.global;
    return { channel, type: data.type, data };
  });
}

function isNoop(stored: StoredTournament, result: CommandSuccess): boolean {
  return (
    result.events.length === 0 &&
    result.changed_matches.length === 0 &&
    result.removed_matches.length === 0 &&
    result.tournament === stored.agg
  );
}

/**
 * Saves a decided command in one transaction: the fence, the tournament's
 * changes, the users' notifications and the events (outbox), then publishes.
 */
async function commitChange(
  outbox: Outbox,
  fence: Fence | undefined,
  stored: StoredTournament,
  result: CommandSuccess,
): Promise<StoredTournament> {
  const id = stored.agg.id;
  const { value: saved } = await outbox.commit(async (tx) => {
    await fence?.(tx, id);
    const saved = await saveTournament(
      tx,
      stored,
      result.tournament,
      result.changed_matches,
      result.removed_matches,
    );
    const userEvents = result.events.filter((e) => e.scope.kind === 'user');
    if (userEvents.length > 0) {
      await tx.insert(notifications).values(
        userEvents.map((e) => ({
          user_id: parseIds.user((e.scope as { user_id: string }).user_id) ?? 0,
          type: (e.data as { type: string }).type,
          data: e.data as unknown as Record<string, unknown>,
        })),
      );
    }
    return { value: saved, events: channelEvents(id, result.events) };
  });
  return { ...stored, agg: result.tournament, ...saved };
}

/** A fence that lost its lease, or a tournament owned elsewhere: try again shortly. */
function unavailable(tournamentId: string): Failure {
  return failure('service_unavailable', { tournament_id: tournamentId });
}

/** Runs jobs one at a time, in arrival order. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();

  push<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.catch(() => {}).then(job);
    this.tail = next;
    return next;
  }

  /** Whether `job`, a promise push returned, is the last one queued. */
  isLast(job: Promise<unknown>): boolean {
    return this.tail === job;
  }
}

const MAX_ATTEMPTS = 5;

/**
 * Writes to tournaments that no server owns (drafts, and the archive of a
 * cancelled one), on the orchestrator: every command loads the tournament,
 * decides and saves, with a fence that refuses to write while a tournament
 * server holds the lease. The version check keeps two orchestrators from
 * both winning.
 */
export class TournamentWriter implements Writer {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly fence?: Fence,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  load(tournamentId: string): Promise<StoredTournament | null> {
    return loadTournament(this.database.db, tournamentId);
  }

  run(tournamentId: string, decide: Decide): Promise<WriteResult> {
    let queue = this.queues.get(tournamentId);
    if (!queue) {
      queue = new Queue();
      this.queues.set(tournamentId, queue);
    }
    const q = queue;
    const done = q.push(() => this.attempt(tournamentId, decide));
    void done
      .finally(() => {
        // Forget the queue once it is idle (nothing was pushed behind this command).
        if (this.queues.get(tournamentId) === q && q.isLast(done)) this.queues.delete(tournamentId);
      })
      .catch(() => {});
    return done;
  }

  private async attempt(tournamentId: string, decide: Decide): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.load(tournamentId);
      if (!stored) return failure('tournament_not_found', { tournament_id: tournamentId });
      const result = await decide(stored, { now: this.clock().toISOString() });
      if (!result.ok) return result;
      if (isNoop(stored, result)) return { ok: true, stored, unchanged: true };
      try {
        const saved = await commitChange(this.outbox, this.fence, stored, result);
        return { ok: true, stored: saved, unchanged: false };
      } catch (err) {
        if (err instanceof VersionConflictError && attempt < MAX_ATTEMPTS) continue;
        if (err instanceof VersionConflictError)
          return failure('conflict', { tournament_id: tournamentId });
        if (err instanceof LeaseLostError) return unavailable(tournamentId);
        throw err;
      }
    }
  }
}

/**
 * The owner of one tournament, inside its tournament server (STYLE.md "One
 * owner per tournament"): loads the tournament once, when the server has taken
 * the lease, and keeps it in memory. Commands run one at a time against that
 * aggregate; each saves only what it changed, with its events and the lease's
 * fence, in one transaction, and the aggregate in memory moves on only once
 * that transaction has committed. Reads are served from memory.
 */
export class TournamentOwner implements Writer {
  private readonly queue = new Queue();
  /** Null after a write whose outcome is unknown: the next command reads the store again. */
  private current: StoredTournament | null;

  private constructor(
    readonly tournamentId: string,
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly fence: Fence,
    private readonly clock: () => Date,
    stored: StoredTournament,
  ) {
    this.current = stored;
  }

  /** Loads the tournament: call once this process holds its lease. */
  static async open(deps: {
    database: Database;
    outbox: Outbox;
    fence: Fence;
    tournamentId: string;
    clock?: () => Date;
  }): Promise<TournamentOwner | null> {
    const stored = await loadTournament(deps.database.db, deps.tournamentId);
    if (!stored) return null;
    return new TournamentOwner(
      deps.tournamentId,
      deps.database,
      deps.outbox,
      deps.fence,
      deps.clock ?? (() => new Date()),
      stored,
    );
  }

  async load(tournamentId: string): Promise<StoredTournament | null> {
    const stored = this.current ?? (await this.queue.push(() => this.reread()));
    return stored.agg.id === tournamentId ? stored : null;
  }

  run(tournamentId: string, decide: Decide): Promise<WriteResult> {
    return this.queue.push(async () => {
      const stored = this.current ?? (await this.reread());
      if (stored.agg.id !== tournamentId) {
        return failure('tournament_not_found', { tournament_id: tournamentId });
      }
      const result = await decide(stored, { now: this.clock().toISOString() });
      if (!result.ok) return result;
      if (isNoop(stored, result)) return { ok: true, stored, unchanged: true };
      try {
        this.current = await commitChange(this.outbox, this.fence, stored, result);
        return { ok: true, stored: this.current, unchanged: false };
      } catch (err) {
        if (err instanceof LeaseLostError) return unavailable(tournamentId);
        // Another writer, or a commit whose outcome is unknown: believe the store from now on.
        this.current = null;
        if (err instanceof VersionConflictError) return unavailable(tournamentId);
        throw err;
      }
    });
  }

  private async reread(): Promise<StoredTournament> {
    if (this.current) return this.current;
    const stored = await loadTournament(this.database.db, this.tournamentId);
    if (!stored) throw new Error('owned tournament vanished from the store');
    this.current = stored;
    return stored;
  }
}
