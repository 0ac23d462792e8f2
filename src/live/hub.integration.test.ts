import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/eventually.js';
import { startLiveHarness } from '../../test/support/live-harness.js';
import { freePort, OwnRedis } from '../../test/support/redis-server.js';
import { SseClient } from '../../test/support/sse-client.js';
import { RedisBus } from '../bus/redis-bus.js';
import { unpublishedEvents } from './event-log.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** How long from a commit until `client` holds `n` messages. */
async function latency(client: SseClient, n: number, commit: () => Promise<void>) {
  const at = Date.now();
  await commit();
  await client.until((c) => c.messages.length >= n, 2000);
  return Date.now() - at;
}

describe('live delivery while Redis is down (SPEC §9)', () => {
  it('streams every event from the log within 2 s, takes new viewers, and repeats nothing once Redis is back', async () => {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.stop());
    const bus = await RedisBus.connect(redis.url);
    // The heartbeat and its poll are far off: only the outage path can deliver in time.
    const h = await startLiveHarness('postgres', 'redis', { bus, heartbeatMs: 60_000 });
    cleanups.push(async () => {
      await h.close();
      await bus.close();
    });
    h.outbox.startRelay();
    const ch = 'tournament:t_down:events';
    const before = await SseClient.open(`${h.url}/events/${ch}`);
    cleanups.push(() => before.close());
    await h.emit(ch, 1);
    await before.until((c) => c.messages.length === 1);

    await redis.stop();
    await eventually(() => !bus.connected, 2000, 'the bus to notice Redis is gone');
    // A write does not wait on Redis; its event reaches the viewer from the log.
    const started = Date.now();
    expect(await latency(before, 2, () => h.emit(ch, 2))).toBeLessThan(2000);
    expect(Date.now() - started).toBeLessThan(2000);
    // A viewer arriving during the outage is served, and gets what follows.
    const during = await SseClient.open(`${h.url}/events/${ch}`, { lastEventId: 1 });
    cleanups.push(() => during.close());
    expect(during.status).toBe(200);
    await during.until((c) => c.messages.length === 1);
    expect(await latency(before, 3, () => h.emit(ch, 3))).toBeLessThan(2000);
    await during.until((c) => c.messages.length === 2, 2000);

    await redis.start();
    await h.emit(ch, 4);
    await before.until((c) => c.messages.length === 4, 5000);
    await during.until((c) => c.messages.length === 3, 5000);
    // The relay republishes 2 and 3 once Redis is back: nobody sees them twice.
    await eventually(
      async () =>
        (await unpublishedEvents(h.t.database.db, new Date(Date.now() + 1000))).length === 0,
      8000,
      'the relay to republish',
    );
    await h.emit(ch, 5);
    await before.until((c) => c.messages.length === 5, 2000);
    expect(before.data().map((d) => d.n)).toEqual([1, 2, 3, 4, 5]);
    await during.until((c) => c.messages.length === 4, 2000);
    expect(during.data().map((d) => d.n)).toEqual([2, 3, 4, 5]);
  });
});
