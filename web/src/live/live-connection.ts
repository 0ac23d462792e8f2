import {
  isLiveMessageData,
  type LiveMessageData,
  liveQueryOf,
  liveUrl,
} from '../../../src/live/live-stream-shape.js';
import { formatPositions, parsePositions } from '../../../src/live/stream-position.js';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChannelHandlers {
  /** One event of the channel: its type (the SSE `event:`), its data, its id in the channel. */
  onEvent: (type: string, data: LiveMessageData, id: string) => void;
  /** The stream came back after a break (the server has replayed what was missed). */
  onReconnect?: () => void;
}

/** What is used of an EventSource, so that tests can hand in their own. */
export interface Source {
  readonly readyState: number;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
  addEventListener(type: string, listener: (e: Event) => void): void;
  close(): void;
}

const CLOSED = 2;

interface Consumer {
  channel: string;
  types: readonly string[];
  handlers: () => ChannelHandlers;
}

const browserSource = (url: string): Source => new EventSource(url, { withCredentials: true });

/**
 * A page's one live stream (issue 13: browsers allow six connections per
 * site, and a page used to open three). Consumers ask for channels; the
 * connection follows them all on one `GET /api/v1/live` and hands each event
 * to the consumers of its `channel`.
 *
 * EventSource reconnects by itself with the last composite id, so the server
 * replays each channel's missed events. When the page's channels change (a
 * navigation, signing in), the stream is opened again with the positions of
 * the channels it keeps, so they miss nothing either. Holds keep it from
 * opening while the page does not yet know what it will ask for (the session,
 * the tournament loading), so that a page opens one stream, not one per step.
 */
export class LiveConnection {
  private readonly consumers = new Set<Consumer>();
  private readonly statusListeners = new Set<() => void>();
  private holds = 0;
  private source: Source | null = null;
  private carried: string[] = [];
  private listened = new Set<string>();
  /** The composite id of the last message: every carried channel's position. */
  private lastId: string | null = null;
  /** Channels kept across a reopen without a known position: refreshed once it opens. */
  private unplaced = new Set<string>();
  private broken = false;
  private scheduled = false;
  private status: StreamStatus = 'connecting';

  constructor(
    private readonly open: (url: string) => Source = browserSource,
    // Called as a method, the browser's own queueMicrotask throws "Illegal invocation".
    private readonly defer: (task: () => void) => void = (task) => queueMicrotask(task),
  ) {}

  /** Follows `channel`; `handlers` is read at each event (the latest render's). Returns the undo. */
  add(channel: string, types: readonly string[], handlers: () => ChannelHandlers): () => void {
    const consumer = { channel, types, handlers };
    this.consumers.add(consumer);
    this.schedule();
    return () => {
      this.consumers.delete(consumer);
      this.schedule();
    };
  }

  /** Keeps the stream from (re)opening until released. */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.schedule();
    };
  }

  /** The stream's own status. */
  get streamStatus(): StreamStatus {
    return this.status;
  }

  /** The status as `channel`'s consumers see it. */
  statusOf(channel: string): StreamStatus {
    return this.carried.includes(channel) ? this.status : 'connecting';
  }

  subscribe = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  close(): void {
    this.source?.close();
    this.source = null;
    this.carried = [];
  }

  private setStatus(status: StreamStatus): void {
    this.status = status;
    for (const l of this.statusListeners) l();
  }

  /** Changes made in one go (one render's effects) lead to one reconcile. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  private reconcile(): void {
    if (this.holds > 0) return;
    const { query, carried } = liveQueryOf(new Set([...this.consumers].map((c) => c.channel)));
    if (this.source && carried.join() === this.carried.join()) {
      this.listen(this.source);
      return;
    }
    const previous = this.carried;
    const known = this.lastId === null ? null : parsePositions(this.lastId, previous);
    const kept = new Map<string, number>();
    if (known?.ok) {
      for (const [channel, seq] of known.positions)
        if (carried.includes(channel)) kept.set(channel, seq);
    }
    this.unplaced = new Set(previous.filter((c) => carried.includes(c) && !kept.has(c)));
    this.close();
    this.carried = carried;
    this.lastId = null;
    this.listened = new Set();
    this.broken = false;
    if (carried.length === 0) {
      this.setStatus('connecting');
      return;
    }
    const resume = formatPositions(carried, kept);
    const source = this.open(liveUrl(resume ? { ...query, last_event_id: resume } : query));
    this.source = source;
    this.setStatus('connecting');
    source.onopen = () => {
      if (this.source !== source) return;
      this.setStatus('open');
      for (const c of this.consumers) {
        if (this.broken || this.unplaced.has(c.channel)) c.handlers().onReconnect?.();
      }
      this.broken = false;
      this.unplaced.clear();
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === CLOSED) this.setStatus('closed');
      else {
        this.broken = true;
        this.setStatus('reconnecting');
      }
    };
    this.listen(source);
  }

  /** Listens for every event type a consumer wants (EventSource dispatches by `event:`). */
  private listen(source: Source): void {
    for (const c of this.consumers) {
      for (const type of c.types) {
        if (this.listened.has(type)) continue;
        this.listened.add(type);
        source.addEventListener(type, (e) => this.receive(source, e as MessageEvent<string>));
      }
    }
  }

  private receive(source: Source, message: MessageEvent<string>): void {
    if (this.source !== source) return;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (!isLiveMessageData(data)) return;
    this.lastId = message.lastEventId || this.lastId;
    for (const c of this.consumers) {
      if (c.channel === data.channel && c.types.includes(message.type))
        c.handlers().onEvent(message.type, data, String(data.id));
    }
  }
}

export const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Not live: reload to retry',
};
