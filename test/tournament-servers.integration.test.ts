import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisBus } from '../src/bus/redis-bus.js';
import { type Config, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { buildOrchestratorApp } from '../src/orchestrator/app.js';
import { childEnv, ProcessRunner } from '../src/orchestrator/runners/process-runner.js';
import { Lease, LeaseLostError } from '../src/tournament/lease.js';
import { createTestDatabase, type TestDatabase, uniquePrefix } from './support/backends.js';
import { eventually } from './support/eventually.js';
import { freePort } from './support/redis-server.js';
import { SseClient } from './support/sse-client.js';

/** Real PostgreSQL, real Redis, tournament servers as child processes (the `process` runner). */
describe('one server per tournament (process runner)', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let base: string;
  let config: Config;
  let bus: RedisBus;
  let token = '';
  const portBase = 6400 + (process.pid % 50) * 10;

  async function api(method: string, path: string, body?: unknown, auth = token) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function tournamentWithTeams(n: number, format = 'single_elimination') {
    const created = await api('POST', '/api/v1/tournaments', {
      name: `Cup ${Date.now()}`,
      format,
      min_teams: 2,
      max_teams: 64,
    });
    const id = created.body.id as string;
    const published = await api('POST', `/api/v1/tournaments/${id}/publish`);
    expect(published.status).toBe(200);
    for (let i = 0; i < n; i++) {
      expect(
        (await api('POST', `/api/v1/tournaments/${id}/teams`, { name: `Team ${i}` })).status,
      ).toBe(201);
    }
    return { id, server: published.body.server as { url: string; status: string } };
  }

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    const prefix = uniquePrefix();
    config = {
      ...loadConfig({
        DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-ts-')),
        DATABASE_URL: t.url as string,
        REDIS_URL: inject('redisUrl'),
        SESSION_SECRET: 'a-test-secret-of-some-length',
        TOURNAMENT_RUNNER: 'process',
        TOURNAMENT_PORTS: `${portBase}-${portBase + 9}`,
        LOG_LEVEL: 'warn',
      }),
      channelPrefix: prefix,
    };
    bus = await RedisBus.connect(config.redisUrl as string, { prefix });
    const logger = createLogger('silent');
    // The bundled CLI (test/build-dist.ts), as in production: a restart must fit in 5 s even on a busy machine.
    const runner = new ProcessRunner(config, logger, [
      join(import.meta.dirname, '../dist/bundle/cli.mjs'),
    ]);
    app = await buildOrchestratorApp({ config, database: t.database, bus, logger, runner });
    await app.listen({ port: await freePort(), host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const reg = await api(
      'POST',
      '/api/v1/auth/register',
      { username: 'organizer', password: 'password123' },
      '',
    );
    token = reg.body.token;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await bus?.close();
    await t?.drop();
  });

  it('publishing starts a separate OS process on a port of the range, answering directly and through the gateway', async () => {
    const { id, server } = await tournamentWithTeams(4);
    expect(server.status).toBe('running');
    const port = Number(new URL(server.url).port);
    expect(port).toBeGreaterThanOrEqual(portBase);
    expect(port).toBeLessThanOrEqual(portBase + 9);
    const direct = await fetch(`${server.url}/api/state`).then((r) => r.json());
    expect(direct).toMatchObject({ tournament_id: id, state: 'REGISTRATION' });
    const row = await t.database.db.execute(
      `select pid from tournament_servers where tournament_id = ${id.slice(2)}` as never,
    );
    const pid = (row as unknown as { rows: Array<{ pid: number }> }).rows[0]?.pid as number;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    expect(() => process.kill(pid, 0)).not.toThrow();
    const teams = await api('GET', `/api/v1/tournaments/${id}/teams`);
    expect(teams.body.teams).toHaveLength(4);
    // Its own results form at `/`, and the API paths that page uses, for this tournament only.
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<meta name="tourney-tournament" content="${id}">`);
    const own = await fetch(`${server.url}/api/v1/tournaments/${id}/matches`);
    expect(own.status).toBe(200);
    const other = await fetch(`${server.url}/api/v1/tournaments/t_999999/matches`);
    expect(other.status).toBe(404);
    // A viewer of its stream through the gateway is the gateway's own live viewer (it serves the stream).
    const viewer = await SseClient.open(`${base}/api/v1/tournaments/${id}/events`);
    expect((await api('GET', '/api/v1/stats')).body.live_viewers).toBe(1);
    await viewer.close();
  });

  it('comes back within 5 s after kill -9 mid-round, with no result lost and no event missed', async () => {
    const { id } = await tournamentWithTeams(8);
    expect((await api('POST', `/api/v1/tournaments/${id}/start`)).status).toBe(200);
    const round = await api('GET', `/api/v1/tournaments/${id}/matches`);
    const [m1, m2] = round.body.matches as Array<{ id: string; team1_id: string }>;
    const viewer = await SseClient.open(`${base}/api/v1/tournaments/${id}/events?last_event_id=0`);
    expect(
      (
        await api('POST', `/api/v1/tournaments/${id}/matches/${m1?.id}/result`, {
          winner: m1?.team1_id,
        })
      ).status,
    ).toBe(200);
    await viewer.until((c) => c.messages.some((m) => m.event === 'match_result'));
    const lastSeen = viewer.messages.at(-1)?.id as string;
    await viewer.close();

    const row = (await t.database.db.execute(
      `select pid from tournament_servers where tournament_id = ${id.slice(2)}` as never,
    )) as unknown as { rows: Array<{ pid: number }> };
    const killedAt = Date.now();
    process.kill(row.rows[0]?.pid as number, 'SIGKILL');

    // Served again: the next write goes through within 5 s of the kill. One that was on its
    // way to the dying server is answered 503 (it is never sent twice): the client tries again.
    const res = await eventually(
      async () => {
        const r = await api('POST', `/api/v1/tournaments/${id}/matches/${m2?.id}/result`, {
          winner: m2?.team1_id,
        });
        if (r.status === 503) expect(r.body.error.code).toBe('service_unavailable');
        return r.status === 503 ? null : r;
      },
      5000,
      'the result to be accepted',
    );
    expect(res.status).toBe(200);
    expect(Date.now() - killedAt).toBeLessThan(5000);

    const all = await api('GET', `/api/v1/tournaments/${id}/matches?round=all`);
    const done = (all.body.matches as Array<{ id: string; status: string }>).filter(
      (m) => m.status === 'completed',
    );
    expect(done.map((m) => m.id).sort()).toEqual([m1?.id, m2?.id].sort());

    const back = await SseClient.open(`${base}/api/v1/tournaments/${id}/events`, {
      lastEventId: lastSeen,
    });
    await back.until((c) => c.messages.some((m) => m.event === 'match_result'));
    const results = back.data().filter((d) => d.type === 'match_result');
    expect(results.map((d) => d.match_id)).toEqual([m2?.id]);
    expect(Number(back.messages[0]?.id)).toBe(Number(lastSeen) + 1);
    await back.close();
  }, 30_000);

  it('accepts exactly one of 100 concurrent different results for one match', async () => {
    const { id } = await tournamentWithTeams(2);
    await api('POST', `/api/v1/tournaments/${id}/start`);
    const match = (await api('GET', `/api/v1/tournaments/${id}/matches`)).body.matches[0] as {
      id: string;
      team1_id: string;
      team2_id: string;
    };
    const attempts = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api('POST', `/api/v1/tournaments/${id}/matches/${match.id}/result`, {
          scores: { [match.team1_id]: i + 1, [match.team2_id]: i },
        }),
      ),
    );
    const statuses = attempts.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
  }, 30_000);

  it('a forced second server for the same tournament cannot write', async () => {
    const { id } = await tournamentWithTeams(2);
    const intruder = new Lease(t.database, id, () => {});
    expect(await intruder.tryAcquire()).toBe(false);
    // Even holding a stale epoch, its fence refuses inside a transaction.
    intruder.epoch = 1;
    await expect(t.database.db.transaction((tx) => intruder.fence(tx, id))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    const state = await api('GET', `/api/v1/tournaments/${id}`);
    expect(state.body.server.status).toBe('running');

    // A second real process started by hand for the same tournament waits for the
    // lease instead of serving: it never answers, so it never writes.
    const port = await freePort();
    const second = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '../dist/bundle/cli.mjs'),
        'tournament',
        '--id',
        id,
        '--port',
        String(port),
      ],
      { env: { ...childEnv(config), LOG_LEVEL: 'silent' }, stdio: 'ignore' },
    );
    try {
      await new Promise((r) => setTimeout(r, 2500));
      expect(second.exitCode).toBeNull();
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      const team = await api('POST', `/api/v1/tournaments/${id}/teams`, { name: 'Late entry' });
      expect(team.status).toBe(201);
    } finally {
      second.kill('SIGKILL');
    }
  });

  it('archive goes through the owner, then stops the process and frees the port; reads still answer from the orchestrator', async () => {
    const { id, server } = await tournamentWithTeams(2);
    await api('POST', `/api/v1/tournaments/${id}/start`);
    const match = (await api('GET', `/api/v1/tournaments/${id}/matches`)).body.matches[0];
    await api('POST', `/api/v1/tournaments/${id}/matches/${match.id}/result`, {
      winner: match.team1_id,
    });
    expect((await api('GET', `/api/v1/tournaments/${id}`)).body.state).toBe('COMPLETED');
    const archived = await api('POST', `/api/v1/tournaments/${id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ state: 'ARCHIVED', server: null });
    await eventually(
      () =>
        fetch(`${server.url}/healthz`).then(
          () => false,
          () => true,
        ),
      10_000,
      'the archived tournament server to stop',
    );
    const standings = await api('GET', `/api/v1/tournaments/${id}/standings`);
    expect(standings.status).toBe(200);
    expect(standings.body.standings[0].team_id).toBe(match.team1_id);
  }, 30_000);
});
