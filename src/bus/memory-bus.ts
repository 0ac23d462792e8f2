import { type Bus, globToRegExp, type MessageHandler, type Unsubscribe } from './bus.js';

interface Subscription {
  match: (channel: string) => boolean;
  handler: MessageHandler;
}

/** The embedded bus: one process, same semantics as Redis pub/sub (asynchronous delivery). */
export class MemoryBus implements Bus {
  private readonly subs = new Set<Subscription>();
  private closed = false;

  async publish(channel: string, message: string): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const targets = [...this.subs].filter((s) => s.match(channel));
    if (targets.length === 0) return;
    // Delivered on a later tick, as from Redis: a publisher never runs subscribers' code inline.
    queueMicrotask(() => {
      for (const s of targets) {
        if (this.subs.has(s)) s.handler(channel, message);
      }
    });
  }

  async subscribe(
    channel: string,
    handler: MessageHandler,
    opts: { pattern?: boolean } = {},
  ): Promise<Unsubscribe> {
    const re = opts.pattern ? globToRegExp(channel) : null;
    const sub: Subscription = { match: re ? (c) => re.test(c) : (c) => c === channel, handler };
    this.subs.add(sub);
    return async () => {
      this.subs.delete(sub);
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
  }

  get connected(): boolean {
    return !this.closed;
  }

  onReconnect(): void {
    // Never disconnects.
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
  }
}
