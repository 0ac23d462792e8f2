import { channels } from '../bus/bus.js';
import type { TournamentStartingEvent } from '../domain/events.js';
import { appendEvents, type LoggedEvent, type OutgoingEvent } from '../live/event-log.js';
import type { Outbox } from '../live/outbox.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import {
  claimStartingTournaments,
  insertNotifications,
  reserveNotificationIds,
  subscribersOf,
} from '../store/notifications.js';

/** SPEC §6: subscribers hear of a tournament 5 minutes before its `starts_at`. */
export const STARTING_LEAD_MINUTES = 5;
const LEAD_MS = STARTING_LEAD_MINUTES * 60_000;

export interface StartingNotifierOptions {
  database: Database;
  outbox: Outbox;
  logger: Logger;
  /** The time; tests move it. */
  clock?: () => Date;
  /** How often to look for tournaments about to start. */
  everyMs?: number;
}

/**
 * Sends `tournament_starting` to every subscriber of a tournament once, 5
 * minutes before it starts (SPEC §6), even across restarts and with several
 * orchestrators: the claim on the tournament (its `starting_notified` flag),
 * the notifications and their events commit in one transaction, so a crash
 * either sends nothing (and the next pass sends all) or leaves the events to
 * the outbox relay.
 */
export class StartingNotifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly clock: () => Date;

  constructor(private readonly o: StartingNotifierOptions) {
    this.clock = o.clock ?? (() => new Date());
  }

  /** One pass; returns how many notifications it sent. Overlapping calls share one pass. */
  tick(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = this.clock();
    const logged = await this.o.database.db.transaction(async (tx) => {
      const due = await claimStartingTournaments(tx, now, new Date(now.getTime() + LEAD_MS));
      const out: OutgoingEvent[] = [];
      const rows: Array<{ user_id: string; data: Record<string, unknown> }> = [];
      for (const t of due) {
        const data: TournamentStartingEvent & { starts_at: string; timestamp: string } = {
          type: 'tournament_starting',
          tournament_id: t.tournament_id,
          tournament_name: t.name,
          // 5 on time; fewer when the tournament was published (or the orchestrator came back) later.
          starts_in_minutes: Math.max(
            1,
            Math.ceil((t.starts_at.getTime() - now.getTime()) / 60_000),
          ),
          starts_at: t.starts_at.toISOString(),
          timestamp: now.toISOString(),
        };
        for (const user_id of await subscribersOf(tx, t.tournament_id)) {
          rows.push({ user_id, data: data as unknown as Record<string, unknown> });
        }
      }
      const noteIds = await reserveNotificationIds(tx, rows.length);
      for (const [i, r] of rows.entries()) {
        out.push({
          channel: channels.user(r.user_id),
          type: 'tournament_starting',
          data: { ...r.data, notification_id: noteIds[i] },
        });
      }
      const events = await appendEvents(tx, out);
      await insertNotifications(
        tx,
        rows.map((r, i) => ({
          id: noteIds[i] as number,
          user_id: r.user_id,
          type: 'tournament_starting',
          data: r.data,
          event_seq: (events[i] as LoggedEvent).seq,
        })),
      );
      if (due.length > 0) {
        this.o.logger.info(
          { tournaments: due.map((t) => t.tournament_id), notifications: rows.length },
          'tournament_starting sent',
        );
      }
      return events;
    });
    if (logged.length > 0) await this.o.outbox.publish(logged);
    return logged.length;
  }

  start(everyMs = this.o.everyMs ?? 5000): void {
    if (this.timer) return;
    const run = () =>
      void this.tick().catch((err) => {
        this.o.logger.warn({ err: (err as Error).message }, 'starting notifier pass failed');
      });
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }
}
