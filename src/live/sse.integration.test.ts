import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveHarness, startLiveHarness } from '../../test/support/live-harness.js';
import { SseClient, type SseMessage } from '../../test/support/sse-client.js';
import type { OutgoingEvent } from './event-log.js';

/** A raw HTTP connection reading one event stream byte for byte. */
class RawStream {
  private bytes = Buffer.alloc(0);
  private constructor(private readonly socket: Socket) {
    socket.on('data', (b: Buffer) => {
      this.bytes = Buffer.concat([this.bytes, b]);
    });
  }

  static async open(url: string, path: string, version: '1.0' | '1.1'): Promise<RawStream> {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `GET ${path} HTTP/${version}\r\nHost: x\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n`,
    );
    return new RawStream(socket);
  }

  /** Response headers (lower case) and the body bytes received so far, or null before them. */
  response(): { headers: string; body: Buffer } | null {
    const end = this.bytes.indexOf('\r\n\r\n');
    if (end < 0) return null;
    return {
      headers: this.bytes.subarray(0, end).toString('latin1').toLowerCase(),
      body: this.bytes.subarray(end + 4),
    };
  }

  async until(predicate: (body: string) => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this.response()?.body.toString('utf8') ?? '')) {
      if (Date.now() > deadline) throw new Error(`raw stream: timed out (${this.bytes.length} B)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Splits an HTTP/1.1 chunked body into its chunks, checking each one's declared size against
 * its bytes; a trailing incomplete chunk is left out.
 */
function chunksOf(body: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) return out;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isInteger(size)) throw new Error(`bad chunk size line at byte ${at}`);
    const start = eol + 2;
    if (body.length < start + size + 2) return out;
    if (body.subarray(start + size, start + size + 2).toString('latin1') !== '\r\n') {
      throw new Error(`chunk at byte ${at} is not ${size} bytes long`);
    }
    out.push(body.subarray(start, start + size).toString('utf8'));
    at = start + size + 2;
  }
}

/** The SSE messages (not comments) of a stream's text. */
function messagesOf(text: string): SseMessage[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? null;
      return { id: field('id'), event: field('event') ?? 'message', data: field('data') ?? '' };
    });
}

/** Whether every line of an event stream's text is a field or comment the server writes. */
function onlySseLines(text: string): boolean {
  return text
    .split('\n')
    .every((line) => /^(retry: \d+|: heartbeat|id: \d+|event: [a-z_]+|data: \{.*\}|)$/.test(line));
}

/** Events of several types with text beyond ASCII, for checking messages byte for byte. */
const varied = (channel: string): OutgoingEvent[] => [
  { channel, type: 'match_result', data: { type: 'match_result', match_id: 'm_1', score: [2, 1] } },
  { channel, type: 'chat_message', data: { type: 'chat_message', text: 'Héllo – 🏆, ça va ?' } },
  { channel, type: 'team_registered', data: { type: 'team_registered', team: 'Ørsted 東京' } },
];

const combos = [
  ['pglite', 'memory'],
  ['postgres', 'redis'],
] as const;

describe.each(combos)('SSE over %s + %s', (store, bus) => {
  let h: LiveHarness;
  beforeAll(async () => {
    h = await startLiveHarness(store, bus, { heartbeatMs: 200 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('streams live events with id, event name equal to the data type, retry hint and heartbeats', async () => {
    const c = await SseClient.open(`${h.url}/events/tournament:t_live:events`);
    expect(c.status).toBe(200);
    await h.emit('tournament:t_live:events', 1);
    await h.emit('tournament:t_live:events', 2);
    await c.until((x) => x.messages.length === 2 && x.comments.includes('heartbeat'));
    expect(c.retry).toBeGreaterThan(0);
    expect(c.messages.map((m) => [m.id, m.event])).toEqual([
      ['1', 'tick'],
      ['2', 'tick'],
    ]);
    expect(c.data()).toEqual([
      { id: 1, type: 'tick', n: 1 },
      { id: 2, type: 'tick', n: 2 },
    ]);
    await c.close();
  });

  it('sends a client without Last-Event-ID every event committed after its response arrived', async () => {
    // A new channel each time: the stream's bus subscription starts with the request.
    for (let i = 0; i < 10; i++) {
      const ch = `tournament:t_start_${i}:events`;
      await h.emit(ch, 1);
      const c = await SseClient.open(`${h.url}/events/${ch}`);
      await h.emit(ch, 2);
      await c.until((x) => x.messages.length >= 1);
      expect(c.messages.map((m) => m.id)).toEqual(['2']);
      await c.close();
    }
  });

  it('replays what a client missed after Last-Event-ID (header or query), then goes live', async () => {
    const ch = 'tournament:t_replay:events';
    for (let i = 1; i <= 5; i++) await h.emit(ch, i);
    const byHeader = await SseClient.open(`${h.url}/events/${ch}`, { lastEventId: 2 });
    const byQuery = await SseClient.open(`${h.url}/events/${ch}?last_event_id=3`);
    await byHeader.until((x) => x.messages.length === 3);
    await byQuery.until((x) => x.messages.length === 2);
    await h.emit(ch, 6);
    await byHeader.until((x) => x.messages.length === 4);
    await byQuery.until((x) => x.messages.length === 3);
    expect(byHeader.messages.map((m) => m.id)).toEqual(['3', '4', '5', '6']);
    expect(byQuery.messages.map((m) => m.id)).toEqual(['4', '5', '6']);
    await byHeader.close();
    await byQuery.close();
  });

  it('sends every client the same whole messages, live or replayed, UTF-8 included', async () => {
    const ch = 'tournament:t_frames:events';
    // Last-Event-ID 0: each client gets every event of the channel, however the timing falls.
    const clients = await Promise.all(
      [1, 2, 3].map(() => SseClient.open(`${h.url}/events/${ch}`, { lastEventId: 0 })),
    );
    const all = [...clients];
    try {
      // Once every client has the first event, each one's replay is over: the rest comes live.
      await h.emit(ch, 1);
      for (const c of clients) await c.until((x) => x.messages.length === 1);
      const { events } = await h.outbox.commit(async () => ({ value: null, events: varied(ch) }));
      await h.emit(ch, 5);
      for (const c of clients) await c.until((x) => x.messages.length === 5);
      const expected = [
        { id: '1', event: 'tick', data: { id: 1, type: 'tick', n: 1 } },
        ...events.map((e) => ({
          id: String(e.seq),
          event: e.type,
          data: { id: e.seq, ...e.data },
        })),
        { id: '5', event: 'tick', data: { id: 5, type: 'tick', n: 5 } },
      ];
      for (const c of clients) {
        expect(c.messages.map((m) => ({ ...m, data: JSON.parse(m.data) }))).toEqual(expected);
      }
      // The live messages are the same text for every client.
      const live = (c: SseClient) => c.messages.slice(1);
      for (const c of clients) expect(live(c)).toEqual(live(clients[0] as SseClient));
      // A client that comes back after id 2 is replayed the rest from the log: the same messages.
      const back = await SseClient.open(`${h.url}/events/${ch}`, { lastEventId: 2 });
      all.push(back);
      await back.until((x) => x.messages.length === 3);
      expect(back.messages.map((m) => ({ ...m, data: JSON.parse(m.data) }))).toEqual(
        expected.slice(2),
      );
    } finally {
      for (const c of all) await c.close();
    }
  });

  it('frames each message as one HTTP/1.1 chunk, and streams plainly to HTTP/1.0 clients', async () => {
    const ch = 'tournament:t_wire:events';
    const v11 = await RawStream.open(h.url, `/events/${ch}`, '1.1');
    const v10 = await RawStream.open(h.url, `/events/${ch}`, '1.0');
    try {
      await v11.until((body) => body.includes('retry: '));
      await v10.until((body) => body.includes('retry: '));
      const { events } = await h.outbox.commit(async () => ({ value: null, events: varied(ch) }));
      await h.emit(ch, 4);
      const expected = [
        ...events.map((e) => ({
          id: String(e.seq),
          event: e.type,
          data: { id: e.seq, ...e.data },
        })),
        { id: '4', event: 'tick', data: { id: 4, type: 'tick', n: 4 } },
      ];
      const parsed = (ms: SseMessage[]) => ms.map((m) => ({ ...m, data: JSON.parse(m.data) }));

      await v11.until((body) => body.includes('"n":4}\n\n'));
      const chunked = v11.response();
      expect(chunked?.headers).toMatch(/^http\/1\.1 200/);
      expect(chunked?.headers).toContain('transfer-encoding: chunked');
      // Every chunk is exactly one whole message, comment or retry hint.
      const chunks = chunksOf(chunked?.body ?? Buffer.alloc(0));
      expect(chunks.every(onlySseLines)).toBe(true);
      const messages = chunks.filter((c) => !c.startsWith(':') && !c.startsWith('retry: '));
      expect(messages.every((c) => messagesOf(c).length === 1 && c.endsWith('\n\n'))).toBe(true);
      expect(parsed(messages.flatMap(messagesOf))).toEqual(expected);

      await v10.until((body) => body.includes('"n":4}\n\n'));
      const plain = v10.response();
      expect(plain?.headers).not.toContain('transfer-encoding');
      const text = plain?.body.toString('utf8') ?? '';
      expect(text.startsWith('retry: ')).toBe(true);
      expect(onlySseLines(text)).toBe(true);
      expect(parsed(messagesOf(text))).toEqual(expected);
    } finally {
      v11.close();
      v10.close();
    }
  });

  it('refuses a malformed last event id with a 422 error body', async () => {
    const res = await fetch(`${h.url}/events/x?last_event_id=abc`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_error');
  });

  it('fills a hole left by a message the bus lost, from the log', async () => {
    const ch = 'tournament:t_gap:events';
    const c = await SseClient.open(`${h.url}/events/${ch}`);
    await h.emit(ch, 1);
    await c.until((x) => x.messages.length === 1);
    // Commit an event without publishing it: the bus never carries it.
    await h.t.database.db.transaction(async (tx) => {
      const { appendEvents } = await import('./event-log.js');
      await appendEvents(tx, [{ channel: ch, type: 'tick', data: { type: 'tick', n: 2 } }]);
    });
    await h.emit(ch, 3);
    await c.until((x) => x.messages.length === 3);
    expect(c.data().map((d) => d.n)).toEqual([1, 2, 3]);
    await c.close();
  });

  it('delivers an event the bus lost even when nothing follows it', async () => {
    const ch = 'tournament:t_lost:events';
    const c = await SseClient.open(`${h.url}/events/${ch}`);
    await h.emit(ch, 1);
    await c.until((x) => x.messages.length === 1);
    const { appendEvents } = await import('./event-log.js');
    await appendEvents(h.t.database.db, [
      { channel: ch, type: 'tick', data: { type: 'tick', n: 2 } },
    ]);
    // The hub's poll of the log (every heartbeat here) finds it; the next heartbeat sends it.
    await c.until((x) => x.messages.length === 2, 3000);
    expect(c.data().map((d) => d.n)).toEqual([1, 2]);
    await c.close();
  });

  it('releases its subscription when the client goes away', async () => {
    const ch = 'tournament:t_release:events';
    // Earlier tests' clients are gone once the server has seen their sockets close.
    const deadline = Date.now() + 3000;
    while (h.hub.connections > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(h.hub.connections).toBe(0);
    const channelsBefore = h.hub.channelCount;
    const c = await SseClient.open(`${h.url}/events/${ch}`);
    await c.until(() => h.hub.connections === 1);
    expect(h.hub.channelCount).toBe(channelsBefore + 1);
    await c.close();
    await c.until(() => h.hub.connections === 0 && h.hub.channelCount === channelsBefore);
  });

  it('sees every event exactly once, in order, across random disconnects (seeded)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }),
        async (total, cuts) => {
          const ch = `tournament:t_prop_${run++}:events`;
          const seen: number[] = [];
          let last: string | undefined;
          let produced = 0;
          // A producer that keeps emitting while the client comes and goes.
          const producer = (async () => {
            while (produced < total) {
              await h.emit(ch, ++produced);
              if (produced % 3 === 0) await new Promise((r) => setTimeout(r, 1));
            }
          })();
          let cut = 0;
          while (seen.length < total) {
            const c = await SseClient.open(`${h.url}/events/${ch}`, { lastEventId: last ?? 0 });
            const readBefore = cuts[cut++ % cuts.length] as number;
            const target = Math.min(total, seen.length + readBefore + 1);
            await c.until((x) => seen.length + x.messages.length >= target, 5000);
            await c.close();
            for (const m of c.messages) {
              seen.push(JSON.parse(m.data).n);
              last = m.id ?? last;
            }
          }
          await producer;
          expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        },
      ),
      { seed: 20261125, numRuns: 15 },
    );
  });
});

describe('slow clients', () => {
  it('disconnects a client that does not read instead of buffering without bound', async () => {
    const h = await startLiveHarness('pglite', 'memory', { maxBufferedBytes: 64 * 1024 });
    try {
      const ch = 'tournament:t_slow:events';
      // A raw connection that never reads its socket.
      const net = await import('node:net');
      const port = Number(new URL(h.url).port);
      const sock = net.connect(port, '127.0.0.1');
      sock.pause();
      sock.write(`GET /events/${ch} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
      await new Promise((r) => setTimeout(r, 200));
      expect(h.hub.connections).toBe(1);
      // The kernel's socket buffers take the first few MiB whatever the server does (their size is
      // the system's: about 4 MiB here); past them, what waits in the server passes the limit.
      // Without the limit all 400 events (50 MiB) would be queued for this client.
      const big = 'x'.repeat(128 * 1024);
      const { Outbox } = await import('./outbox.js');
      expect(h.outbox).toBeInstanceOf(Outbox);
      for (let i = 0; i < 400 && h.hub.connections > 0; i++) {
        await h.outbox.commit(async () => ({
          value: null,
          events: [{ channel: ch, type: 'tick', data: { type: 'tick', pad: big } }],
        }));
      }
      await new Promise((r) => setTimeout(r, 100));
      expect(h.hub.connections).toBe(0);
      sock.destroy();
    } finally {
      await h.close();
    }
  });

  it('replays a long backlog page by page to a client that reads late, without dropping it', async () => {
    // Default limit (1 MiB) per client; the backlog (about 5 MiB) passes what the kernel's socket
    // buffers take, so the replay has to wait for the client between pages.
    const h = await startLiveHarness('pglite', 'memory');
    const ch = 'tournament:t_backlog:events';
    const total = 5000;
    const pad = 'y'.repeat(1000);
    const { appendEvents } = await import('./event-log.js');
    await appendEvents(
      h.t.database.db,
      Array.from({ length: total }, (_, i) => ({
        channel: ch,
        type: 'tick',
        data: { type: 'tick', n: i + 1, pad },
      })),
    );
    const sock = connect(Number(new URL(h.url).port), '127.0.0.1');
    const parts: Buffer[] = [];
    try {
      sock.pause();
      sock.on('data', (b: Buffer) => parts.push(b));
      sock.write(
        `GET /events/${ch} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n`,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(h.hub.connections).toBe(1);
      sock.resume();
      const deadline = Date.now() + 20_000;
      const body = () => {
        const all = Buffer.concat(parts);
        return all.subarray(all.indexOf('\r\n\r\n') + 4);
      };
      while (!body().toString('latin1').includes(`"n":${total},`) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const ns = chunksOf(body())
        .flatMap(messagesOf)
        .map((m) => (JSON.parse(m.data) as { n: number }).n);
      expect(ns).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(h.hub.connections).toBe(1);
    } finally {
      sock.destroy();
      await h.close();
    }
  });
});
