/**
 * Many SSE clients in one process: raw `node:http` GET requests with a tiny
 * line parser (a fetch and a stream reader per client would cost more than the
 * server being measured). Each client records, per event id, how many times it
 * got it and the delay from the event's publish timestamp (`data.t`, taken on
 * the server's clock) to the moment its bytes were handed to us. A client
 * whose stream ends reconnects after the server's `retry:` with
 * `Last-Event-ID`, as EventSource does, so "lost" counts what the contract loses.
 */
import http from 'node:http';

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
  readonly latency: Float64Array;
  private readonly lastId: Int32Array;
  private readonly bufs: string[];
  private readonly reqs: Array<http.ClientRequest | undefined>;
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  unexpected = 0;
  disconnects = 0;
  reconnects = 0;
  private retryMs = 2000;
  private closing = false;
  private waiters: Array<() => void> = [];
  private readonly url: URL;

  constructor(private readonly opts: SwarmOptions) {
    const cells = opts.clients * opts.events;
    this.counts = new Uint8Array(cells);
    this.latency = new Float64Array(cells).fill(Number.NaN);
    this.lastId = new Int32Array(opts.clients);
    this.bufs = new Array<string>(opts.clients).fill('');
    this.reqs = new Array(opts.clients);
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

  latencies(): Float64Array {
    return this.latency.filter((v) => !Number.isNaN(v));
  }

  close(): void {
    this.closing = true;
    for (const req of this.reqs) req?.destroy();
  }

  private open(i: number, lastEventId: number): Promise<void> {
    const sources = this.opts.sources ?? 1;
    return new Promise<void>((resolve, reject) => {
      let streaming = false;
      const req = http.get({
        host: this.url.hostname,
        port: this.url.port,
        path: `${this.url.pathname}${this.url.search}`,
        headers: { accept: 'text/event-stream', 'last-event-id': String(lastEventId) },
        agent: false,
        ...(sources > 1 ? { localAddress: `127.0.0.${1 + (i % sources)}` } : {}),
      });
      this.reqs[i] = req;
      const ended = () => {
        if (this.closing) return;
        if (!streaming) return;
        streaming = false;
        this.disconnects++;
        if (this.lastId[i] === this.opts.events) return;
        setTimeout(() => {
          if (this.closing) return;
          this.reconnects++;
          this.open(i, this.lastId[i] as number).catch(() => {});
        }, this.retryMs).unref();
      };
      req.on('error', (err) => {
        if (!streaming) reject(err);
        ended();
      });
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`client ${i}: HTTP ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = now();
          if (!streaming) {
            streaming = true;
            resolve();
          }
          this.parse(i, chunk, at);
        });
        res.on('end', ended);
        res.on('close', ended);
      });
    });
  }

  private parse(i: number, chunk: string, at: number): void {
    const buf = this.bufs[i] + chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf('\n', start);
      if (nl < 0) break;
      if (buf.startsWith('data: ', start)) this.onData(i, buf.slice(start + 6, nl), at);
      else if (buf.startsWith('retry: ', start)) this.retryMs = Number(buf.slice(start + 7, nl));
      start = nl + 1;
    }
    this.bufs[i] = start === buf.length ? '' : buf.slice(start);
  }

  private onData(i: number, json: string, at: number): void {
    const { id, t } = JSON.parse(json) as { id: number; t: number };
    const { events } = this.opts;
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
    this.latency[cell] = at - (t - (this.opts.clockOffsetMs ?? 0));
    this.received++;
    if (this.received === this.expected) for (const w of this.waiters.splice(0)) w();
  }
}
