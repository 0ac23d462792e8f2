import type { Bus, Unsubscribe } from '../bus/bus.js';
import type { Executor } from '../store/database.js';
import {
  decodeMessage,
  type LoggedEvent,
  lastEventSeq,
  lastEventSeqs,
  readEventsSince,
} from './event-log.js';

type Listener = (event: LoggedEvent) => void;

interface ChannelEntry {
  listeners: Set<Listener>;
  subscribed: Promise<Unsubscribe>;
  /** Settles once the entry can deliver: subscribed (or given up waiting), its starting id read. */
  ready: Promise<void>;
  /** The newest id known for the channel, from the bus or from the log. */
  latest: number;
  /** The newest id handed to the listeners; the log is read after it while the bus is down. */
  delivered: number;
}

/** While the bus is down, how often each listened channel's log is read (SPEC §9: within 2 s). */
const OUTAGE_POLL_MS = 500;
/**
 * After the bus comes back, how long the log is still read: a message published
 * before the subscriber connection had subscribed again is in the log only, and
 * the relay republishes only once the bus has settled (outbox.ts).
 */
const RECOVERY_MS = 5000;
/** How long a new channel waits for its subscription before going on from the log alone. */
const SUBSCRIBE_WAIT_MS = 1000;

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * One bus subscription per channel per process, shared by every live client
 * of that channel. With the event log at hand (`db`), delivery does not
 * depend on the bus: while the bus is down (and for 5 s after it is back),
 * the hub reads each listened channel's new events from the log every
 * 0.5 s and hands them to the listeners as the bus would have, one query for
 * all channels when nothing is new. Listeners drop what they already have by
 * id (the SSE layer does), so an event coming both ways is sent once.
 */
export class LiveHub {
  private readonly entries = new Map<string, ChannelEntry>();
  /** Open live connections (SSE clients), for metrics. */
  connections = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private lastLatestPoll = Date.now();
  /** Until when the log is read for new events (the bus was seen down until shortly before). */
  private fromLogUntil = 0;

  /**
   * With `db`, the hub also reads each listened channel's newest id from the
   * log every `pollMs` (one query, whatever the number of clients), so that
   * an event the bus lost is noticed even when nothing follows it.
   */
  constructor(
    private readonly bus: Bus,
    private readonly opts: { db?: Executor; pollMs?: number; outagePollMs?: number } = {},
  ) {}

  /** The newest id known for a channel (0 when nobody listens to it). */
  latest(channel: string): number {
    return this.entries.get(channel)?.latest ?? 0;
  }

  /** Whether events are being read from the log because the bus is (or just was) down. */
  get readingLog(): boolean {
    return Date.now() < this.fromLogUntil;
  }

  private tick(): void {
    if (this.polling) return;
    const now = Date.now();
    if (!this.bus.connected) this.fromLogUntil = now + RECOVERY_MS;
    let task: (() => Promise<void>) | undefined;
    if (now < this.fromLogUntil) task = () => this.deliverFromLog();
    else if (now - this.lastLatestPoll >= (this.opts.pollMs ?? 15_000)) {
      this.lastLatestPoll = now;
      task = () => this.pollLatest();
    }
    if (!task) return;
    this.polling = task()
      .catch(() => {})
      .finally(() => {
        this.polling = undefined;
      });
  }

  private async pollLatest(): Promise<void> {
    const db = this.opts.db as Executor;
    const seqs = await lastEventSeqs(db, [...this.entries.keys()]);
    for (const [channel, seq] of seqs) {
      const entry = this.entries.get(channel);
      if (entry && seq > entry.latest) entry.latest = seq;
    }
  }

  /** Hands the listeners every event of the log after what they were last given, in order. */
  private async deliverFromLog(): Promise<void> {
    const db = this.opts.db as Executor;
    const seqs = await lastEventSeqs(db, [...this.entries.keys()]);
    for (const [channel, seq] of seqs) {
      const entry = this.entries.get(channel);
      if (!entry) continue;
      if (seq > entry.latest) entry.latest = seq;
      while (this.entries.get(channel) === entry && entry.delivered < seq) {
        const page = await readEventsSince(db, channel, entry.delivered);
        if (page.length === 0) break;
        for (const e of page) this.deliver(entry, e);
      }
    }
  }

  private deliver(entry: ChannelEntry, event: LoggedEvent): void {
    if (event.seq > entry.latest) entry.latest = event.seq;
    if (event.seq > entry.delivered) entry.delivered = event.seq;
    for (const l of entry.listeners) l(event);
  }

  private ensureTimer(): void {
    if (this.timer || !this.opts.db) return;
    const every = Math.min(this.opts.outagePollMs ?? OUTAGE_POLL_MS, this.opts.pollMs ?? 15_000);
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async listen(channel: string, listener: Listener): Promise<() => Promise<void>> {
    let entry = this.entries.get(channel);
    if (!entry) {
      const created: ChannelEntry = {
        listeners: new Set<Listener>(),
        subscribed: Promise.resolve(async () => {}),
        ready: Promise.resolve(),
        latest: 0,
        delivered: 0,
      };
      created.subscribed = this.bus.subscribe(channel, (name, raw) => {
        const event = decodeMessage(name, raw);
        if (event) this.deliver(created, event);
      });
      created.ready = this.prepare(channel, created);
      entry = created;
      this.entries.set(channel, entry);
      this.ensureTimer();
    }
    entry.listeners.add(listener);
    try {
      await entry.ready;
    } catch (err) {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0 && this.entries.get(channel) === entry) {
        this.entries.delete(channel);
      }
      throw err;
    }
    const current = entry;
    return async () => {
      current.listeners.delete(listener);
      if (current.listeners.size > 0 || this.entries.get(channel) !== current) return;
      this.entries.delete(channel);
      await current.subscribed.then((off) => off()).catch(() => {});
    };
  }

  /**
   * The channel's starting id from the log (what the log is read after while
   * the bus is down), and its subscription: waited for while the bus is up;
   * while it is down, the subscription completes when the bus is back and
   * the log serves meanwhile.
   */
  private async prepare(channel: string, entry: ChannelEntry): Promise<void> {
    const db = this.opts.db;
    if (!db) {
      await entry.subscribed;
      return;
    }
    entry.subscribed.catch(() => {});
    const [start] = await Promise.all([
      lastEventSeq(db, channel),
      this.bus.connected
        ? Promise.race([entry.subscribed, pause(SUBSCRIBE_WAIT_MS)])
        : Promise.resolve(),
    ]);
    if (start > entry.latest) entry.latest = start;
    if (start > entry.delivered) entry.delivered = start;
  }

  /** Channels with at least one listener. */
  get channelCount(): number {
    return this.entries.size;
  }
}
