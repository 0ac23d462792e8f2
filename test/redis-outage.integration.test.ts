import { afterEach, describe, expect, it } from 'vitest';
import { unpublishedEvents } from '../src/live/event-log.js';
import { createTestDatabase, type TestDatabase, uniquePrefix } from './support/backends.js';
import {
  activeTournament,
  deploymentConfig,
  type InProcessOrchestrator,
  inProcessOrchestrator,
  killServers,
  loggedIds,
  recordNext,
  register,
  serverRow,
  until,
} from './support/gateway.js';
import { freePort, OwnRedis } from './support/redis-server.js';
import { SseClient } from './support/sse-client.js';

/**
 * Redis is a speed-up, not a dependency of delivery (SPEC §9): a Redis of the
 * test's own, stopped and started again while a tournament server process
 * records results and viewers watch through the gateway.
 */
describe('a Redis outage', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  it('writes succeed, viewers get each event within 2 s, and after Redis returns nothing is lost or repeated', async () => {
    let redis = new OwnRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.stop());
    const t: TestDatabase = await createTestDatabase('postgres');
    cleanups.push(() => t.drop());
    const portBase = 6990 - (process.pid % 4) * 10 - 10;
    const config = deploymentConfig(t, {
      redisUrl: redis.url,
      prefix: uniquePrefix(),
      ports: `${portBase}-${portBase + 9}`,
    });
    const o: InProcessOrchestrator = await inProcessOrchestrator(t, config);
    cleanups.push(() => killServers(t));
    cleanups.push(() => o.close());
    const token = await register(o.base);
    const id = await activeTournament(o.base, token, 8);
    const serverPid = (await serverRow(t, id)).pid;
    const start = Math.max(0, ...(await loggedIds(t, id)));

    const viewers = await Promise.all(
      Array.from({ length: 10 }, () => SseClient.open(`${o.base}/api/v1/tournaments/${id}/events`)),
    );
    cleanups.push(async () => {
      await Promise.all(viewers.map((v) => v.close()));
    });
    const allCaughtUp = async (ms: number) => {
      const want = await loggedIds(t, id, start);
      for (const v of viewers) await v.until((c) => c.messages.length >= want.length, ms);
      return want;
    };
    await recordNext(o.base, token, id);
    await allCaughtUp(3000);

    await redis.stop();
    await until('the gateway to see Redis gone', () => !o.bus.connected, 5000);
    for (let i = 0; i < 4; i++) {
      const r = await recordNext(o.base, token, id, 5000);
      // The write does not wait on Redis.
      expect(r.ms).toBeLessThan(2000);
      const answered = Date.now();
      await allCaughtUp(2000);
      expect(Date.now() - answered).toBeLessThan(2000);
    }
    expect(
      (await unpublishedEvents(t.database.db, new Date(Date.now() + 1000))).length,
    ).toBeGreaterThan(0);

    redis = new OwnRedis(redis.port);
    await redis.start();
    await until('the gateway to see Redis back', () => o.bus.connected, 10_000);
    // The relay republishes what the outage left: viewers drop what they already have.
    await until(
      'the relay to republish',
      async () =>
        (await unpublishedEvents(t.database.db, new Date(Date.now() + 1000))).length === 0,
      10_000,
    );
    for (let i = 0; i < 2; i++) await recordNext(o.base, token, id);
    const all = await allCaughtUp(5000);
    for (const v of viewers) expect(v.messages.map((m) => Number(m.id))).toEqual(all);
    // The same server all along: nothing was restarted for the outage.
    expect((await serverRow(t, id)).pid).toBe(serverPid);
  }, 90_000);
});
