import type { Bus } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { Database, Executor } from '../store/database.js';
import {
  appendEvents,
  encodeMessage,
  type LoggedEvent,
  markPublished,
  type OutgoingEvent,
  unpublishedEvents,
} from './event-log.js';

/** How long a committed event may stay unpublished before the relay takes it over. */
const RELAY_AFTER_MS = 2000;
const RELAY_EVERY_MS = 1000;
/**
 * After the bus reconnects, how long the relay waits before republishing:
 * every process's subscriber (which retries at least every second) is back
 * by then, so the republished events reach them. Viewers of this deployment
 * get those events from the event log meanwhile (LiveHub).
 */
const SETTLE_AFTER_RECONNECT_MS = 2000;

/**
 * The transactional outbox: a change and the events that report it commit
 * together, then the events are published at once. The relay republishes what
 * a crash or a bus outage left unpublished; subscribers drop duplicates by id.
 * Every writer publishes its own events, but one process of a deployment
 * relays (the orchestrator elected for the `relay` role): the relay reads
 * the whole event table, which must not grow with the number of processes.
 */
export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private relayOn = false;
  private reconnectWatched = false;
  private reconnectedAt = 0;
  private settleTimer: NodeJS.Timeout | undefined;
  private relaying: Promise<number> | undefined;
  /** The marks of published events still being written. */
  private marking: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs `work` in a transaction; the events it returns are written in that
   * transaction and published after commit.
   */
  async commit<T>(
    work: (tx: Executor) => Promise<{ value: T; events: readonly OutgoingEvent[] }>,
  ): Promise<{ value: T; events: LoggedEvent[] }> {
    const { value, logged } = await this.database.db.transaction(async (tx) => {
      const out = await work(tx);
      return { value: out.value, logged: await appendEvents(tx, out.events) };
    });
    if (logged.length > 0) await this.publish(logged, false);
    return { value, events: logged };
  }

  /**
   * Publishes logged events in order; a failure leaves them to the relay.
   * Marking them published is bookkeeping for the relay: a write's answer
   * does not wait for it (`awaitMark: false`), the relay's next pass does.
   */
  async publish(logged: readonly LoggedEvent[], awaitMark = true): Promise<boolean> {
    try {
      for (const e of logged) await this.bus.publish(e.channel, encodeMessage(e));
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, count: logged.length },
        'publish failed; the relay will retry',
      );
      return false;
    }
    const mark = markPublished(this.database.db, logged).catch((err: unknown) => {
      // Published but not marked: the relay will publish again and subscribers drop the duplicate.
      this.logger.warn({ err: (err as Error).message }, 'could not mark events published');
    });
    this.marking = this.marking.then(() => mark);
    if (awaitMark) await mark;
    return true;
  }

  /** Republishes every event left unpublished; returns how many went out. */
  relay(olderThanMs = RELAY_AFTER_MS): Promise<number> {
    this.relaying ??= (async () => {
      let total = 0;
      try {
        for (;;) {
          const batch = await unpublishedEvents(
            this.database.db,
            new Date(Date.now() - olderThanMs),
          );
          if (batch.length === 0) break;
          await this.marking;
          if (!(await this.publish(batch))) break;
          total += batch.length;
        }
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'relay pass failed');
      } finally {
        this.relaying = undefined;
      }
      if (total > 0) this.logger.info({ count: total }, 'relayed unpublished events');
      return total;
    })();
    return this.relaying;
  }

  /** A pass of the relay loop: none while the bus is down or settling after a reconnect. */
  private pass(olderThanMs?: number): void {
    if (!this.relayOn || !this.bus.connected) return;
    if (Date.now() - this.reconnectedAt < SETTLE_AFTER_RECONNECT_MS) return;
    void this.relay(olderThanMs);
  }

  /**
   * Runs the relay: at once, every second, and shortly after the bus
   * reconnects (see SETTLE_AFTER_RECONNECT_MS), until {@link stopRelay}.
   */
  startRelay(): void {
    if (this.relayOn) return;
    this.relayOn = true;
    if (!this.reconnectWatched) {
      this.reconnectWatched = true;
      this.bus.onReconnect(() => {
        this.reconnectedAt = Date.now();
        clearTimeout(this.settleTimer);
        this.settleTimer = setTimeout(() => this.pass(0), SETTLE_AFTER_RECONNECT_MS);
        this.settleTimer.unref();
      });
    }
    this.pass(0);
    this.timer = setInterval(() => this.pass(), RELAY_EVERY_MS);
    this.timer.unref();
  }

  /** Stops the relay loop (another process relays now); a pass under way finishes. */
  async stopRelay(): Promise<void> {
    this.relayOn = false;
    clearInterval(this.timer);
    clearTimeout(this.settleTimer);
    this.timer = undefined;
    await this.relaying;
  }

  get isRelaying(): boolean {
    return this.relayOn;
  }

  async stop(): Promise<void> {
    await this.stopRelay();
    await this.marking;
  }
}
