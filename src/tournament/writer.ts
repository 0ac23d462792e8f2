import { channels } from '../bus/bus.js';
import {
  type CommandResult,
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

export interface WriteSuccess {
  ok: true;
  stored: StoredTournament;
  /** True when the command changed nothing (e.g. the same result posted again). */
  unchanged: boolean;
}

export type WriteResult = WriteSuccess | Failure;

/** Checks, inside the write's transaction, that this process may still write (lease fencing). */
export type Fence = (tx: Executor, tournamentId: string) => Promise<void>;

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

const MAX_ATTEMPTS = 5;

/**
 * The single writer of STYLE.md: commands for one tournament run one at a time
 * (load, decide with the engine, save with its events in one transaction,
 * publish). Across processes the tournament's version (and the lease fence)
 * keeps two writers from both winning.
 */
export class TournamentWriter {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly fence?: Fence,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  run(
    tournamentId: string,
    decide: (
      stored: StoredTournament,
      ctx: { now: string },
    ) => CommandResult | Promise<CommandResult>,
  ): Promise<WriteResult> {
    const prev = this.queues.get(tournamentId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => this.attempt(tournamentId, decide));
    this.queues.set(tournamentId, next);
    void next
      .finally(() => {
        if (this.queues.get(tournamentId) === next) this.queues.delete(tournamentId);
      })
      .catch(() => {});
    return next;
  }

  private async attempt(
    tournamentId: string,
    decide: (
      stored: StoredTournament,
      ctx: { now: string },
    ) => CommandResult | Promise<CommandResult>,
  ): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      const stored = await loadTournament(this.database.db, tournamentId);
      if (!stored) return failure('tournament_not_found', { tournament_id: tournamentId });
      const result = await decide(stored, { now: this.clock().toISOString() });
      if (!result.ok) return result;
      const changed = result.changed_matches.length > 0 || result.removed_matches.length > 0;
      if (result.events.length === 0 && !changed && result.tournament === stored.agg) {
        return { ok: true, stored, unchanged: true };
      }
      try {
        const { value: saved } = await this.outbox.commit(async (tx) => {
          await this.fence?.(tx, tournamentId);
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
          return { value: saved, events: channelEvents(tournamentId, result.events) };
        });
        return {
          ok: true,
          stored: { ...stored, agg: result.tournament, ...saved },
          unchanged: false,
        };
      } catch (err) {
        if (err instanceof VersionConflictError && attempt < MAX_ATTEMPTS) continue;
        if (err instanceof VersionConflictError)
          return failure('conflict', { tournament_id: tournamentId });
        throw err;
      }
    }
  }
}
