import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/backends.js';
import { startLiveHarness } from '../../test/support/live-harness.js';
import { freePort, OwnRedis } from '../../test/support/redis-server.js';
import { SseClient } from '../../test/support/sse-client.js';
import { RedisBus } from '../bus/redis-bus.js';
import { createLogger } from '../logger.js';
import { appendEvents, decodeMessage, type LoggedEvent, unpublishedEvents } from './event-log.js';
import { Outbox } from './outbox.js';

const silent = createLogger('silent');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor(predicate: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('outbox', () => {
  it('publishes at commit, and the relay republishes what a crash left unpublished', async () => {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.stop());
    const t: TestDatabase = await createTestDatabase('postgres');
    cleanups.push(() => t.drop());
    const bus = await RedisBus.connect(redis.url);
    cleanups.push(() => bus.close());
    const got: LoggedEvent[] = [];
    await bus.subscribe(
      'tournament:*:events',
      (ch, raw) => got.push(decodeMessage(ch, raw) as LoggedEvent),
      {
        pattern: true,
      },
    );

    // A process that committed and died before publishing.
    await appendEvents(t.database.db, [
      {
        channel: 'tournament:t_1:events',
        type: 'match_result',
        data: { type: 'match_result', match_id: 'r1_match_1' },
      },
    ]);
    const outbox = new Outbox(t.database, bus, silent);
    cleanups.push(() => outbox.stop());
    await outbox.commit(async () => ({
      value: null,
      events: [
        {
          channel: 'tournament:t_1:events',
          type: 'round_advanced',
          data: { type: 'round_advanced', new_round: 2 },
        },
      ],
    }));
    await waitFor(() => got.length === 1);
    expect(got[0]?.seq).toBe(2);
    expect(await outbox.relay(0)).toBe(1);
    await waitFor(() => got.length === 2);
    expect(got.map((e) => [e.seq, e.type])).toEqual([
      [2, 'round_advanced'],
      [1, 'match_result'],
    ]);
    expect(await unpublishedEvents(t.database.db, new Date(Date.now() + 1000))).toEqual([]);
  });

  it('delivers events produced during a Redis outage once Redis is back', async () => {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.stop());
    const bus = await RedisBus.connect(redis.url);
    const h = await startLiveHarness('postgres', 'redis', { bus, heartbeatMs: 60_000 });
    cleanups.push(async () => {
      await h.close();
      await bus.close();
    });
    h.outbox.startRelay();
    const ch = 'tournament:t_outage:events';
    const client = await SseClient.open(`${h.url}/events/${ch}`);
    cleanups.push(() => client.close());
    const direct: number[] = [];
    const other = await RedisBus.connect(redis.url);
    cleanups.push(() => other.close());
    await other.subscribe(ch, (c, raw) => direct.push(decodeMessage(c, raw)?.seq ?? -1));

    await h.emit(ch, 1);
    await client.until((c) => c.messages.length === 1);

    await redis.stop();
    for (let n = 2; n <= 4; n++) await h.emit(ch, n);
    expect((await unpublishedEvents(h.t.database.db, new Date(Date.now() + 1000))).length).toBe(3);
    await redis.start();

    await client.until((c) => c.messages.length === 4, 8000);
    await waitFor(() => direct.length >= 4, 8000);
    expect(client.data().map((d) => d.n)).toEqual([1, 2, 3, 4]);
    expect([...new Set(direct)].sort()).toEqual([1, 2, 3, 4]);
  });
});
