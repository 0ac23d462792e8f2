import type { Bus, Unsubscribe } from '../bus/bus.js';
import { decodeMessage, type LoggedEvent } from './event-log.js';

type Listener = (event: LoggedEvent) => void;

interface ChannelEntry {
  listeners: Set<Listener>;
  subscribed: Promise<Unsubscribe>;
}

/**
 * One bus subscription per channel per process, shared by every live client
 * of that channel.
 */
export class LiveHub {
  private readonly entries = new Map<string, ChannelEntry>();
  /** Open live connections (SSE clients), for metrics. */
  connections = 0;

  constructor(private readonly bus: Bus) {}

  async listen(channel: string, listener: Listener): Promise<() => Promise<void>> {
    let entry = this.entries.get(channel);
    if (!entry) {
      const listeners = new Set<Listener>();
      const subscribed = this.bus.subscribe(channel, (name, raw) => {
        const event = decodeMessage(name, raw);
        if (!event) return;
        for (const l of listeners) l(event);
      });
      entry = { listeners, subscribed };
      this.entries.set(channel, entry);
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
