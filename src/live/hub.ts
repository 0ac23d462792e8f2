import type { Bus, Unsubscribe } from '../bus/bus.js';
import type { Executor } from '../store/database.js';
import { decodeMessage, type LoggedEvent, lastEventSeq } from './event-log.js';

type Listener = (event: LoggedEvent) => void;

interface ChannelEntry {
  listeners: Set<Listener>;
  subscribed: Promise<Unsubscribe>;
  /** The newest id known for the channel, from the bus or from the log. */
  latest: number;
}

/**
 * One bus subscription per channel per process, shared by every live client
 * of that channel.
 */
export class LiveHub {
  private readonly entries = new Map<string, ChannelEntry>();
  /** Open live connections (SSE clients), for metrics. */
  connections = 0;
  private timer: NodeJS.Timeout | undefined;

  /**
   * With `db`, the hub reads each listened channel's newest id from the log
   * every `pollMs` (one query per channel, whatever the number of clients), so
   * that an event the bus lost is noticed even when nothing follows it.
   */
  constructor(
    private readonly bus: Bus,
    private readonly opts: { db?: Executor; pollMs?: number } = {},
  ) {}

  /** The newest id known for a channel (0 when nobody listens to it). */
  latest(channel: string): number {
    return this.entries.get(channel)?.latest ?? 0;
  }

  private async poll(): Promise<void> {
    const db = this.opts.db;
    if (!db) return;
    for (const [channel, entry] of this.entries) {
      const seq = await lastEventSeq(db, channel).catch(() => 0);
      if (seq > entry.latest) entry.latest = seq;
    }
  }

  private ensurePolling(): void {
    if (this.timer || !this.opts.db) return;
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? 15_000);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async listen(channel: string, listener: Listener): Promise<() => Promise<void>> {
    let entry = this.entries.get(channel);
    if (!entry) {
      const listeners = new Set<Listener>();
      const created: ChannelEntry = {
        listeners,
        subscribed: Promise.resolve(async () => {}),
        latest: 0,
      };
      created.subscribed = this.bus.subscribe(channel, (name, raw) => {
        const event = decodeMessage(name, raw);
        if (!event) return;
        if (event.seq > created.latest) created.latest = event.seq;
        for (const l of listeners) l(event);
      });
      entry = created;
      this.entries.set(channel, entry);
      this.ensurePolling();
    }
    entry.listeners.add(listener);
    try {
      await entry.subscribed;
    } catch (err) {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0) this.entries.delete(channel);
      throw err;
    }
    const current = entry;
    return async () => {
      current.listeners.delete(listener);
      if (current.listeners.size > 0 || this.entries.get(channel) !== current) return;
      this.entries.delete(channel);
      await (await current.subscribed)().catch(() => {});
    };
  }

  /** Channels with at least one listener. */
  get channelCount(): number {
    return this.entries.size;
  }
}
