import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase, uniquePrefix } from './support/backends.js';
import {
  activeTournament,
  call,
  deploymentConfig,
  establishedSockets,
  type InProcessOrchestrator,
  inProcessOrchestrator,
  killServers,
  loggedIds,
  recordNext,
  register,
  serverRow,
} from './support/gateway.js';
import { SseClient } from './support/sse-client.js';

/**
 * The gateway serves tournament streams itself (SPEC §9): real PostgreSQL and
 * Redis, tournament servers as processes of the bundled CLI.
 */
describe('viewers live on the gateway', () => {
  let t: TestDatabase;
  let o: InProcessOrchestrator;
  let token: string;
  const portBase = 6900 + (process.pid % 5) * 10;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    const config = deploymentConfig(t, {
      redisUrl: inject('redisUrl'),
      prefix: uniquePrefix(),
      ports: `${portBase}-${portBase + 9}`,
    });
    o = await inProcessOrchestrator(t, config);
    token = await register(o.base);
  }, 60_000);

  afterAll(async () => {
    await o?.close();
    if (t) await killServers(t);
    await t?.drop();
  });

  it('300 viewers of one tournament: results go through promptly, each viewer gets every event once, in order, and the server holds no more sockets', async () => {
    const id = await activeTournament(o.base, token, 8);
    const row = await serverRow(t, id);
    const pid = row.pid as number;
    const serverPort = row.port as number;
    // Connections to the server's own port: what viewers would add if they were forwarded.
    const inbound = () => establishedSockets(pid).filter((s) => s.localPort === serverPort);
    const before = { inbound: inbound().length, all: establishedSockets(pid).length };

    const start = Math.max(0, ...(await loggedIds(t, id)));
    const viewers = await Promise.all(
      Array.from({ length: 300 }, () =>
        SseClient.open(`${o.base}/api/v1/tournaments/${id}/events`),
      ),
    );
    try {
      expect(viewers.every((v) => v.status === 200)).toBe(true);
      expect((await call(o.base, token, 'GET', '/api/v1/stats')).body.live_viewers).toBe(300);

      const took: number[] = [];
      for (let i = 0; i < 6; i++) took.push((await recordNext(o.base, token, id, 5000)).ms);
      // Results are not held up behind the viewers (a forwarding pool of 128 would queue them forever).
      expect(Math.max(...took)).toBeLessThan(2000);

      const expected = await loggedIds(t, id, start);
      expect(expected.length).toBeGreaterThanOrEqual(6);
      for (const v of viewers) {
        await v.until((c) => c.messages.length >= expected.length, 10_000);
      }
      for (const v of viewers) {
        expect(v.messages.map((m) => Number(m.id))).toEqual(expected);
        for (const m of v.messages) expect(m.event).toBe(JSON.parse(m.data).type);
      }

      const after = { inbound: inbound().length, all: establishedSockets(pid).length };
      // Flat: at most the gateway's keep-alive connection for the results, whatever the viewers.
      expect(after.inbound).toBeLessThanOrEqual(Math.max(before.inbound, 1) + 1);
      expect(after.all).toBeLessThan(before.all + 5);
    } finally {
      await Promise.all(viewers.map((v) => v.close()));
    }
  }, 90_000);

  it('a stream of a tournament that does not exist is 404; a draft streams from the gateway', async () => {
    const missing = await SseClient.open(`${o.base}/api/v1/tournaments/t_999999/events`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.messages[0]?.data as string).error.code).toBe('tournament_not_found');
    const draft = await call(o.base, token, 'POST', '/api/v1/tournaments', {
      name: 'Draft',
      format: 'single_elimination',
      min_teams: 2,
      max_teams: 8,
    });
    const viewer = await SseClient.open(`${o.base}/api/v1/tournaments/${draft.body.id}/events`);
    try {
      expect(viewer.status).toBe(200);
      // Published: the server starts, and the viewer of the draft sees it happen.
      await call(o.base, token, 'POST', `/api/v1/tournaments/${draft.body.id}/publish`);
      await viewer.until((c) => c.messages.some((m) => m.event === 'state_changed'), 10_000);
    } finally {
      await viewer.close();
    }
  }, 30_000);
});
