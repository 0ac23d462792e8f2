import { EventSource } from 'eventsource';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Config } from '../src/config.js';
import { createTestDatabase, type TestDatabase, uniquePrefix } from './support/backends.js';
import {
  activeTournament,
  deploymentConfig,
  kill9,
  killServers,
  loggedIds,
  type OrchestratorProcess,
  orchestratorProcess,
  recordNext,
  register,
  serverRow,
  until,
} from './support/gateway.js';
import { SseClient } from './support/sse-client.js';

/**
 * Every orchestrator serves every stream, and none holds anything a viewer
 * needs (SPEC §9): orchestrators and tournament servers as processes of the
 * built CLI on real PostgreSQL and Redis, killed with SIGKILL.
 */
const portBase = 6950 + (process.pid % 4) * 10;

let t: TestDatabase | undefined;
const orchestrators: OrchestratorProcess[] = [];

afterEach(async () => {
  for (const o of orchestrators.splice(0)) o.proc.kill('SIGKILL');
  if (t) await killServers(t);
  await t?.drop();
  t = undefined;
});

async function deployment(): Promise<{ t: TestDatabase; config: Config }> {
  t = await createTestDatabase('postgres');
  const config = deploymentConfig(t, {
    redisUrl: inject('redisUrl'),
    prefix: uniquePrefix(),
    ports: `${portBase}-${portBase + 9}`,
  });
  return { t, config };
}

async function orchestrator(config: Config, port?: number) {
  const o = await orchestratorProcess(config, port);
  orchestrators.push(o);
  return o;
}

const idsOf = (c: SseClient) => c.messages.map((m) => Number(m.id));
const newest = async (db: TestDatabase, id: string) => Math.max(0, ...(await loggedIds(db, id)));

describe('viewers across orchestrators', () => {
  it('a viewer moving from one orchestrator to another with its Last-Event-ID gets every missed event once', async () => {
    const { t, config } = await deployment();
    const o1 = await orchestrator(config);
    const o2 = await orchestrator(config);
    const token = await register(o1.base);
    const id = await activeTournament(o1.base, token, 6);
    const start = await newest(t, id);
    const stream = `/api/v1/tournaments/${id}/events`;

    const first = await SseClient.open(`${o1.base}${stream}`);
    await recordNext(o2.base, token, id);
    await recordNext(o1.base, token, id);
    const seenFirst = await loggedIds(t, id, start);
    await first.until((c) => c.messages.length >= seenFirst.length, 5000);
    await first.close();
    const last = idsOf(first).at(-1) as number;

    // Missed while away.
    await recordNext(o1.base, token, id);
    await recordNext(o2.base, token, id);
    const moved = await SseClient.open(`${o2.base}${stream}`, { lastEventId: last });
    try {
      await recordNext(o2.base, token, id);
      const missed = await loggedIds(t, id, last);
      await moved.until((c) => c.messages.length >= missed.length, 5000);
      expect(idsOf(moved)).toEqual(missed);
      expect([...idsOf(first), ...idsOf(moved)]).toEqual(await loggedIds(t, id, start));
    } finally {
      await moved.close();
    }
  }, 90_000);

  it('an orchestrator killed with viewers connected: they reconnect to the other, or to it restarted, and lose nothing', async () => {
    const { t, config } = await deployment();
    const o1 = await orchestrator(config);
    const o2 = await orchestrator(config);
    const token = await register(o1.base);
    const id = await activeTournament(o1.base, token, 6);
    const start = await newest(t, id);
    const stream = `/api/v1/tournaments/${id}/events`;
    const viewers = await Promise.all(
      Array.from({ length: 20 }, () => SseClient.open(`${o1.base}${stream}`)),
    );
    await recordNext(o1.base, token, id);
    await recordNext(o2.base, token, id);
    const before = await loggedIds(t, id, start);
    for (const v of viewers) await v.until((c) => c.messages.length >= before.length, 5000);

    // o1 supervises (it started first); it dies, and its viewers' streams with it.
    await kill9(o1.proc.pid as number);
    for (const v of viewers) await v.until((c) => c.ended, 5000);
    // The tournament server outlives it: results go on through o2.
    await recordNext(o2.base, token, id);
    await recordNext(o2.base, token, id);

    const restarted = await orchestrator(config, o1.port);
    const back = await Promise.all(
      viewers.map((v, i) =>
        SseClient.open(`${(i % 2 === 0 ? o2 : restarted).base}${stream}`, {
          lastEventId: idsOf(v).at(-1) as number,
        }),
      ),
    );
    try {
      await recordNext(restarted.base, token, id);
      const all = await loggedIds(t, id, start);
      for (const [i, b] of back.entries()) {
        const v = viewers[i] as SseClient;
        await b.until((c) => idsOf(v).length + c.messages.length >= all.length, 5000);
        expect([...idsOf(v), ...idsOf(b)]).toEqual(all);
      }
    } finally {
      await Promise.all(back.map((b) => b.close()));
    }
  }, 90_000);
});

/** The event types a tournament's stream carries (SPEC §6): EventSource dispatches by name. */
const TYPES = [
  'state_changed',
  'team_registered',
  'team_unregistered',
  'round_advanced',
  'match_result',
  'match_abandoned',
  'match_ready',
  'tournament_starting',
];

describe('a browser-like EventSource client (eventsource@4)', () => {
  it('reconnects by itself with Last-Event-ID across a tournament server kill -9 and an orchestrator restart, and gets every event once, in order', async () => {
    const { t, config } = await deployment();
    const o = await orchestrator(config);
    const token = await register(o.base);
    const id = await activeTournament(o.base, token, 6);
    const start = await newest(t, id);

    const got: number[] = [];
    const es = new EventSource(`${o.base}/api/v1/tournaments/${id}/events`);
    let errors = 0;
    es.onerror = () => {
      errors++;
    };
    for (const type of TYPES) {
      es.addEventListener(type, (e) => {
        const data = JSON.parse(e.data) as { id: number; type: string };
        expect(data.type).toBe(type);
        expect(Number(e.lastEventId)).toBe(data.id);
        got.push(data.id);
      });
    }
    const caughtUp = async (ms = 10_000) => {
      const want = await loggedIds(t, id, start);
      await until('the EventSource to catch up', () => got.length >= want.length, ms);
      return want;
    };
    try {
      await until('the EventSource to open', () => es.readyState === EventSource.OPEN);
      await recordNext(o.base, token, id);
      await caughtUp();

      // The tournament server dies: the gateway's stream goes on, results come back within 5 s.
      const server = await serverRow(t, id);
      await kill9(server.pid as number);
      await recordNext(o.base, token, id, 10_000);
      await recordNext(o.base, token, id);
      await caughtUp();
      expect(es.readyState).toBe(EventSource.OPEN);

      // The orchestrator dies and comes back on its port; the client reconnects on its own.
      await kill9(o.proc.pid as number);
      await until('the client to notice', () => errors > 0, 10_000);
      // A result recorded meanwhile, straight at the tournament server: only a replay after the
      // client's Last-Event-ID brings it.
      await recordNext((await serverRow(t, id)).url as string, token, id);
      const again = await orchestrator(config, o.port);
      await recordNext(again.base, token, id);
      await recordNext(again.base, token, id);
      const all = await caughtUp(15_000);
      expect(got).toEqual(all);
      expect(es.readyState).toBe(EventSource.OPEN);
    } finally {
      es.close();
    }
  }, 90_000);
});
