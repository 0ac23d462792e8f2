import { Redis } from 'ioredis';
import { type Bus, BusUnavailableError, type MessageHandler, type Unsubscribe } from './bus.js';

/** How long a publish (or ping) waits for Redis to answer before it fails. */
const PUBLISH_TIMEOUT_MS = 1000;

interface Entry {
  pattern: boolean;
  handlers: Set<MessageHandler>;
}

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return 'the configured address';
  }
}

/**
 * Redis pub/sub with separate publisher and subscriber connections. Both
 * reconnect on their own; ioredis resubscribes after a reconnect. Publishing
 * while Redis is down fails at once rather than queueing, and one that gets
 * no answer fails after a second: a write never waits on Redis, and the
 * outbox relay republishes from the event log when Redis is back.
 */
export class RedisBus implements Bus {
  private readonly entries = new Map<string, Entry>();
  private readonly reconnectListeners: Array<() => void> = [];

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
  ) {
    const dispatch = (key: string, channel: string, message: string) => {
      const entry = this.entries.get(key);
      if (!entry) return;
      const name = channel.startsWith(this.prefix) ? channel.slice(this.prefix.length) : channel;
      for (const h of entry.handlers) h(name, message);
    };
    sub.on('message', (channel: string, message: string) =>
      dispatch(`c:${channel}`, channel, message),
    );
    sub.on('pmessage', (pattern: string, channel: string, message: string) =>
      dispatch(`p:${pattern}`, channel, message),
    );
    let wasReady = true;
    sub.on('close', () => {
      wasReady = false;
    });
    sub.on('ready', () => {
      if (wasReady) return;
      wasReady = true;
      for (const l of this.reconnectListeners) l();
    });
  }

  static async connect(url: string, opts: { prefix?: string } = {}): Promise<RedisBus> {
    const common = {
      lazyConnect: true,
      connectTimeout: 5000,
      // Reconnect forever with a short, capped delay: Redis coming back is picked up within a second.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    };
    const pub = new Redis(url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: PUBLISH_TIMEOUT_MS,
    });
    const sub = new Redis(url, { ...common, maxRetriesPerRequest: null });
    // Errors surface through failed commands and reconnects; without a listener ioredis logs them.
    let lastError: Error | undefined;
    pub.on('error', (err: Error) => {
      lastError = err;
    });
    sub.on('error', () => {});
    try {
      await Promise.all([pub.connect(), sub.connect()]);
      await pub.ping();
    } catch (err) {
      pub.disconnect();
      sub.disconnect();
      const reason = (lastError ?? (err instanceof Error ? err : new Error(String(err)))).message;
      throw new BusUnavailableError(
        `REDIS_URL: cannot reach Redis at ${describe(url)} (${reason})`,
      );
    }
    return new RedisBus(pub, sub, opts.prefix ?? '');
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.pub.publish(this.prefix + channel, message);
  }

  async subscribe(
    channel: string,
    handler: MessageHandler,
    opts: { pattern?: boolean } = {},
  ): Promise<Unsubscribe> {
    const pattern = opts.pattern === true;
    const full = this.prefix + channel;
    const key = `${pattern ? 'p' : 'c'}:${full}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { pattern, handlers: new Set() };
      this.entries.set(key, entry);
      if (pattern) await this.sub.psubscribe(full);
      else await this.sub.subscribe(full);
    }
    entry.handlers.add(handler);
    return async () => {
      const e = this.entries.get(key);
      if (!e) return;
      e.handlers.delete(handler);
      if (e.handlers.size > 0) return;
      this.entries.delete(key);
      if (this.sub.status !== 'ready') return;
      if (pattern) await this.sub.punsubscribe(full);
      else await this.sub.unsubscribe(full);
    };
  }

  async ping(): Promise<void> {
    await this.pub.ping();
  }

  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async close(): Promise<void> {
    this.entries.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
