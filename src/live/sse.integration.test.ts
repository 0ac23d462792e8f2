import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveHarness, startLiveHarness } from '../../test/support/live-harness.js';
import { SseClient } from '../../test/support/sse-client.js';

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
      const big = 'x'.repeat(8 * 1024);
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
});
