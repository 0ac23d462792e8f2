/**
 * Many SSE clients in one process, each a raw TCP connection speaking just
 * enough HTTP/1.1 (a GET, the status line, chunked transfer coding) with a
 * tiny line parser: node:http's client, or a fetch and a stream reader per
 * client, would cost more than the server being measured, and the clients
 * share the machine with it. All connections read into one buffer
 * (`onread`), handled at once. Each client records, per event id, how many
 * times it got it and the moment (on this process's clock) its bytes were
 * handed to us; the benchmark turns those into delays from the server's
 * timestamps. Every message is checked whole: its `id:` line, its `event:`
 * name and the `id` and `type` of its JSON data must agree. A client whose
 * stream ends reconnects after the server's `retry:` with `Last-Event-ID`, as
 * EventSource does, so "lost" counts what the contract loses.
 *
 * The bytes are decoded as Latin-1: the benchmark's events are ASCII.
 */
import { connect, type Socket } from 'node:net';

export interface SwarmOptions {
  /** e.g. http://127.0.0.1:41234/events/ch */
  url: string;
  clients: number;
  /** Event ids 1..events are expected on the channel, once each. */
  events: number;
  /** Source addresses 127.0.0.1..127.0.0.<sources> are used in turn (ephemeral ports per address). */
  sources?: number;
  /** Connections being opened at once. */
  concurrency?: number;
  /** The server's clock minus ours, in ms, to bring `data.t` onto our clock. */
  clockOffsetMs?: number;
}

const now = () => performance.timeOrigin + performance.now();

export class SseSwarm {
  readonly counts: Uint8Array;
  /** When each (client, event) cell first arrived, ms since the epoch on this process's clock. */
  readonly receivedAt: Float64Array;
  private readonly lastId: Int32Array;
  /** Per client: text not yet parsed, HTTP framing first (headers, chunk sizes), then SSE lines. */
  private readonly raw: string[];
  private readonly bufs: string[];
  /** Per client: bytes left in the current HTTP chunk; -1 before a size line, -2 before its CRLF. */
  private readonly chunkLeft: Int32Array;
  /** The message being read by each client: its `id:` and `event:` lines so far. */
  private readonly pendingId: string[];
  private readonly pendingEvent: string[];
  private readonly sockets: Array<Socket | undefined>;
  /** One read buffer for every connection: each read is handled before the next one. */
  private readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  unexpected = 0;
  /** Messages whose id line, event name and data disagree. */
  malformed = 0;
  disconnects = 0;
  reconnects = 0;
  private retryMs = 2000;
  private closing = false;
  private waiters: Array<() => void> = [];
  private readonly url: URL;

  constructor(private readonly opts: SwarmOptions) {
    const cells = opts.clients * opts.events;
    this.counts = new Uint8Array(cells);
    this.receivedAt = new Float64Array(cells).fill(Number.NaN);
    this.lastId = new Int32Array(opts.clients);
    this.raw = new Array<string>(opts.clients).fill('');
    this.bufs = new Array<string>(opts.clients).fill('');
    this.chunkLeft = new Int32Array(opts.clients);
    this.pendingId = new Array<string>(opts.clients).fill('');
    this.pendingEvent = new Array<string>(opts.clients).fill('');
    this.sockets = new Array(opts.clients);
    this.url = new URL(opts.url);
  }

  get expected(): number {
    return this.opts.clients * this.opts.events;
  }

  /** Opens every client (Last-Event-ID 0, so none can miss an event); resolves when all stream. */
  async connectAll(): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.opts.clients) {
        const i = next++;
        await this.open(i, 0);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.opts.concurrency ?? 200, this.opts.clients) }, worker),
    );
  }

  /** Resolves when every client has every event, or after `ms`; true when complete. */
  async waitComplete(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.received < this.expected && Date.now() < deadline) {
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100).unref();
      });
    }
    return this.received >= this.expected;
  }

  /** Counts cells never received (events lost). */
  lost(): number {
    let lost = 0;
    for (const c of this.counts) if (c === 0) lost++;
    return lost;
  }

  /**
   * Delays of every cell received, from `since[id - 1]` (a server timestamp per event, on the
   * server's clock; NaN skips the event) to its arrival.
   */
  delaysFrom(since: ArrayLike<number>): Float64Array {
    const { clients, events, clockOffsetMs = 0 } = this.opts;
    const out: number[] = [];
    for (let i = 0; i < clients; i++) {
      for (let e = 0; e < events; e++) {
        const at = this.receivedAt[i * events + e] as number;
        const from = since[e] as number;
        if (!Number.isNaN(at) && !Number.isNaN(from)) out.push(at - (from - clockOffsetMs));
      }
    }
    return Float64Array.from(out);
  }

  /** Per event, the arrival at its last client (NaN when some client never got it). */
  lastArrivals(): Float64Array {
    const { clients, events } = this.opts;
    const out = new Float64Array(events);
    for (let e = 0; e < events; e++) {
      let last = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < clients; i++) {
        const at = this.receivedAt[i * events + e] as number;
        last = Number.isNaN(at) ? Number.NaN : Math.max(last, at);
        if (Number.isNaN(last)) break;
      }
      out[e] = last;
    }
    return out;
  }

  close(): void {
    this.closing = true;
    for (const socket of this.sockets) socket?.destroy();
  }

  private open(i: number, lastEventId: number): Promise<void> {
    const sources = this.opts.sources ?? 1;
    return new Promise<void>((resolve, reject) => {
      let streaming = false;
      let headers = true;
      this.raw[i] = '';
      this.bufs[i] = '';
      this.chunkLeft[i] = -1;
      this.pendingId[i] = '';
      this.pendingEvent[i] = '';
      const ended = () => {
        if (this.closing) return;
        if (!streaming) return;
        streaming = false;
        socket.destroy();
        this.disconnects++;
        if (this.lastId[i] === this.opts.events) return;
        setTimeout(() => {
          if (this.closing) return;
          this.reconnects++;
          this.open(i, this.lastId[i] as number).catch(() => {});
        }, this.retryMs).unref();
      };
      const socket = connect({
        host: this.url.hostname,
        port: Number(this.url.port),
        ...(sources > 1 ? { localAddress: `127.0.0.${1 + (i % sources)}` } : {}),
        onread: {
          buffer: this.readBuffer,
          callback: (size: number, buf: Uint8Array) => {
            const at = now();
            let text = this.raw[i] + (buf as Buffer).toString('latin1', 0, size);
            if (headers) {
              const end = text.indexOf('\r\n\r\n');
              if (end < 0) {
                this.raw[i] = text;
                return true;
              }
              const head = text.slice(0, end).toLowerCase();
              if (
                !head.startsWith('http/1.1 200') ||
                !head.includes('transfer-encoding: chunked')
              ) {
                socket.destroy();
                reject(new Error(`client ${i}: ${head.split('\r\n')[0]}`));
                return false;
              }
              headers = false;
              streaming = true;
              resolve();
              text = text.slice(end + 4);
            }
            if (this.dechunk(i, text, at)) ended();
            return true;
          },
        },
      });
      this.sockets[i] = socket;
      socket.setNoDelay(true);
      socket.write(
        `GET ${this.url.pathname}${this.url.search} HTTP/1.1\r\nHost: ${this.url.host}\r\nAccept: text/event-stream\r\nLast-Event-ID: ${lastEventId}\r\n\r\n`,
      );
      socket.on('error', (err) => {
        if (!streaming) reject(err);
        ended();
      });
      socket.on('end', ended);
      socket.on('close', ended);
    });
  }

  /** Takes the HTTP chunks out of `text` and parses their content; true at the last chunk. */
  private dechunk(i: number, text: string, at: number): boolean {
    let pos = 0;
    let body = '';
    let last = false;
    let left = this.chunkLeft[i] as number;
    while (pos < text.length) {
      if (left > 0) {
        const take = Math.min(left, text.length - pos);
        body += text.slice(pos, pos + take);
        pos += take;
        left -= take;
        if (left === 0) left = -2;
      } else if (left === -2) {
        if (text.length - pos < 2) break;
        pos += 2;
        left = -1;
      } else {
        const eol = text.indexOf('\r\n', pos);
        if (eol < 0) break;
        const size = Number.parseInt(text.slice(pos, eol), 16);
        pos = eol + 2;
        if (size === 0) {
          last = true;
          break;
        }
        left = size;
      }
    }
    this.chunkLeft[i] = left;
    this.raw[i] = text.slice(pos);
    if (body) this.parse(i, body, at);
    return last;
  }

  private parse(i: number, chunk: string, at: number): void {
    const buf = this.bufs[i] + chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf('\n', start);
      if (nl < 0) break;
      if (nl === start) {
        // A blank line ends the message (the `data:` line has been handled).
        this.pendingId[i] = '';
        this.pendingEvent[i] = '';
      } else if (buf.startsWith('data: ', start)) this.onData(i, buf.slice(start + 6, nl), at);
      else if (buf.startsWith('id: ', start)) this.pendingId[i] = buf.slice(start + 4, nl);
      else if (buf.startsWith('event: ', start)) this.pendingEvent[i] = buf.slice(start + 7, nl);
      else if (buf.startsWith('retry: ', start)) this.retryMs = Number(buf.slice(start + 7, nl));
      start = nl + 1;
    }
    this.bufs[i] = start === buf.length ? '' : buf.slice(start);
  }

  private onData(i: number, json: string, at: number): void {
    const { id, type } = JSON.parse(json) as { id: number; type: string };
    const { events } = this.opts;
    if (this.pendingId[i] !== String(id) || this.pendingEvent[i] !== type) {
      this.malformed++;
      return;
    }
    if (!Number.isInteger(id) || id < 1 || id > events) {
      this.unexpected++;
      return;
    }
    const cell = i * events + id - 1;
    const seen = this.counts[cell] as number;
    this.counts[cell] = Math.min(255, seen + 1);
    if (seen > 0) {
      this.duplicates++;
      return;
    }
    if (id < (this.lastId[i] as number)) this.outOfOrder++;
    else this.lastId[i] = id;
    this.receivedAt[cell] = at;
    this.received++;
    if (this.received === this.expected) for (const w of this.waiters.splice(0)) w();
  }
}
