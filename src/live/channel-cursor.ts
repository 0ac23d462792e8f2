import type { Executor } from '../store/database.js';
import { type LoggedEvent, lastEventSeq, readEventsSince } from './event-log.js';
import type { LiveHub } from './hub.js';

const REPLAY_PAGE = 500;

/** Where a channel cursor's events go: one stream's response. */
export interface CursorSink {
  /**
   * Sends the channel's next event (the cursor has checked its id follows the
   * last one sent, and counts it sent before the call). May end the stream.
   */
  write(e: LoggedEvent): void;
  /** Resolves once the client has taken what was written; awaited between replay pages. */
  drained(): Promise<void>;
  /** The cursor cannot go on (the log could not be read): the stream ends. */
  failed(err: Error, what: string): void;
}

/**
 * One channel of a live stream, delivered with no gap and no duplicate
 * (docs/ARCHITECTURE.md "Lossless live delivery"): it listens to the hub
 * before the replay starts, replays the log after the client's last id, drops
 * what was already sent by id, and fills a hole in the live ids (a message the
 * bus lost) from the log before going on.
 *
 * A live event that follows the last one sent, with nothing queued, is written
 * at once in the hub's delivery (the single-channel stream's fast path);
 * anything else (events arriving during the replay or behind a hole) waits its
 * turn in the cursor's queue.
 */
export class ChannelCursor {
  /** The id of the last event sent (or the starting point, before any). */
  lastSent: number;
  private closed = false;
  private replayed = false;
  private readonly early: LoggedEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Deliveries waiting in `chain`; while there are any, live events queue behind them. */
  private queued = 0;
  private readonly unlisten: Promise<() => Promise<void>>;

  /** Starts listening at once; `from` is the client's last id of this channel, null for none. */
  constructor(
    private readonly hub: LiveHub,
    private readonly db: Executor,
    readonly channel: string,
    private readonly from: number | null,
    private readonly sink: CursorSink,
  ) {
    this.lastSent = from ?? 0;
    this.unlisten = hub.listen(channel, (e) => this.onLive(e));
  }

  /**
   * Resolves once the hub listens, with the starting point fixed: every event
   * committed after this is delivered, even to a client without a last id.
   * Call before the client hears 200; rejects when the bus or the log fails.
   */
  async ready(): Promise<void> {
    await this.unlisten;
    if (this.from === null) this.lastSent = await lastEventSeq(this.db, this.channel);
  }

  /** Replays what the client missed, then the live events that came meanwhile; live after. */
  async replay(): Promise<void> {
    if (this.from !== null) await this.catchUp();
    this.replayed = true;
    for (const e of this.early.splice(0)) this.queue(() => this.deliver(e), 'SSE delivery failed');
  }

  /** The heartbeat's check: an event the bus lost with nothing after it (the hub's poll of the log knows of it). */
  check(): void {
    if (this.closed) return;
    if (this.hub.latest(this.channel) > this.lastSent)
      this.queue(() => this.catchUp(), 'SSE catch-up failed');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.unlisten.then((off) => off()).catch(() => {});
  }

  private onLive(e: LoggedEvent): void {
    if (this.closed) return;
    if (!this.replayed) this.early.push(e);
    else if (this.queued > 0 || e.seq > this.lastSent + 1)
      this.queue(() => this.deliver(e), 'SSE delivery failed');
    else if (e.seq === this.lastSent + 1) {
      // The next event with nothing queued before it: written now, in the hub's delivery. A
      // failure ends this stream alone; the hub goes on with the other clients.
      try {
        this.write(e);
      } catch (err) {
        this.sink.failed(err as Error, 'SSE delivery failed');
      }
    }
  }

  private write(e: LoggedEvent): void {
    if (this.closed) return;
    this.lastSent = e.seq;
    this.sink.write(e);
  }

  /** Sends everything of the log after lastSent, up to `upTo` (inclusive) when given. */
  private async catchUp(upTo = Number.MAX_SAFE_INTEGER): Promise<void> {
    while (!this.closed && this.lastSent < upTo) {
      const page = await readEventsSince(this.db, this.channel, this.lastSent, REPLAY_PAGE);
      for (const e of page) {
        if (e.seq > upTo) return;
        if (e.seq > this.lastSent) this.write(e);
      }
      if (page.length < REPLAY_PAGE) return;
      await this.sink.drained();
    }
  }

  private async deliver(e: LoggedEvent): Promise<void> {
    if (this.closed || e.seq <= this.lastSent) return;
    if (e.seq > this.lastSent + 1) await this.catchUp(e.seq - 1);
    if (!this.closed && e.seq > this.lastSent) this.write(e);
  }

  /** Runs `task` after everything queued before it; a failure ends the stream. */
  private queue(task: () => Promise<void>, failure: string): void {
    this.queued++;
    this.chain = this.chain
      .then(task)
      .catch((err) => this.sink.failed(err as Error, failure))
      .finally(() => {
        this.queued--;
      });
  }
}
