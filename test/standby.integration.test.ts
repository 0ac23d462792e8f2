import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisBus } from '../src/bus/redis-bus.js';
import { type Config, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { buildOrchestratorApp } from '../src/orchestrator/app.js';
import { childEnv, ProcessRunner } from '../src/orchestrator/runners/process-runner.js';
import { createTestDatabase, type TestDatabase, uniquePrefix } from './support/backends.js';
import { eventually, type NotYet } from './support/eventually.js';
import { freePort } from './support/redis-server.js';

/**
 * Standby tournament servers (process runner, TOURNAMENT_STANDBY): real
 * PostgreSQL, real Redis, real child processes of the bundled CLI.
 */
const CLI = join(import.meta.dirname, '../dist/bundle/cli.mjs');
const portBase = 6700 + (process.pid % 20) * 10;

/** Whether a process runs: it exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The TCP sockets of a process, from its file descriptors and /proc/net/tcp{,6}. */
function sockets(pid: number): Array<{ state: string; localPort: number; remotePort: number }> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // closed meanwhile
    }
  }
  const found: Array<{ state: string; localPort: number; remotePort: number }> = [];
  const port = (address: string) => Number.parseInt(address.split(':')[1] as string, 16);
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      // local and remote addresses are ip:port in hex, then the state; the inode is the 10th column.
      const cols = line.trim().split(/\s+/);
      if (!inodes.has(cols[9] as string)) continue;
      found.push({
        state: cols[3] as string,
        localPort: port(cols[1] as string),
        remotePort: port(cols[2] as string),
      });
    }
  }
  return found;
}

/** The TCP ports a process listens on (state 0A). */
function listeningPorts(pid: number): number[] {
  return sockets(pid)
    .filter((s) => s.state === '0A')
    .map((s) => s.localPort);
}

/** Whether a process has an established connection (state 01) to `port`. */
function connectedTo(pid: number, port: number): boolean {
  return sockets(pid).some((s) => s.state === '01' && s.remotePort === port);
}

/** Children of `parent` whose command line contains `marker`. */
function childrenOf(parent: number, marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === parent && cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Waits up to 15 s for `probe` (processes start and stop slower than requests answer). */
function until<T>(
  what: string,
  probe: () => T | NotYet | Promise<T | NotYet>,
  ms = 15_000,
): Promise<T> {
  return eventually(probe, ms, what);
}

interface Orchestrator {
  app: FastifyInstance;
  runner: ProcessRunner;
  base: string;
  token: string;
  t: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** An orchestrator in this process on a database and Redis prefix of its own. */
async function orchestrator(ports: string, standby: string): Promise<Orchestrator> {
  const t = await createTestDatabase('postgres');
  const prefix = uniquePrefix();
  const config = {
    ...loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-standby-')),
      DATABASE_URL: t.url as string,
      REDIS_URL: inject('redisUrl'),
      SESSION_SECRET: 'a-test-secret-of-some-length',
      TOURNAMENT_RUNNER: 'process',
      TOURNAMENT_PORTS: ports,
      TOURNAMENT_STANDBY: standby,
      LOG_LEVEL: 'warn',
    }),
    channelPrefix: prefix,
  };
  const bus = await RedisBus.connect(config.redisUrl as string, { prefix });
  const logger = createLogger('silent');
  const runner = new ProcessRunner(config, logger, [CLI]);
  const app = await buildOrchestratorApp({ config, database: t.database, bus, logger, runner });
  await app.listen({ port: await freePort(), host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const reg = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'organizer', password: 'password123' }),
  }).then((r) => r.json() as Promise<{ token: string }>);
  let closed = false;
  return {
    app,
    runner,
    base,
    token: reg.token,
    t,
    config,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await bus.close();
      await t.drop();
    },
  };
}

async function api(o: Orchestrator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${o.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${o.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function publish(o: Orchestrator): Promise<{ id: string; url: string }> {
  const created = await api(o, 'POST', '/api/v1/tournaments', {
    name: `Cup ${Date.now()}`,
    format: 'single_elimination',
    min_teams: 2,
    max_teams: 16,
  });
  expect(created.status).toBe(201);
  const published = await api(o, 'POST', `/api/v1/tournaments/${created.body.id}/publish`);
  expect(published.status).toBe(200);
  expect(published.body.server.status).toBe('running');
  return { id: created.body.id as string, url: published.body.server.url as string };
}

async function serverPid(o: Orchestrator, id: string): Promise<number | null> {
  const r = (await o.t.database.db.execute(
    `select pid from tournament_servers where tournament_id = ${Number(id.slice(2))}` as never,
  )) as unknown as { rows: Array<{ pid: number | null }> };
  return r.rows[0]?.pid ?? null;
}

async function leasesHeld(o: Orchestrator): Promise<number> {
  const r = (await o.t.database.db.execute(
    'select count(*)::int as n from tournament_servers where lease_holder is not null' as never,
  )) as unknown as { rows: Array<{ n: number }> };
  return r.rows[0]?.n ?? -1;
}

const warmStandby = (o: Orchestrator) =>
  until('a warm standby', () => o.runner.standbyProcesses().find((p) => p.warm));

describe('standby tournament servers (process runner)', () => {
  let o: Orchestrator;

  beforeAll(async () => {
    o = await orchestrator(`${portBase}-${portBase + 7}`, '1');
  }, 60_000);

  afterAll(async () => {
    await o?.close();
  });

  it('a standby is warm before any publish, holds no lease and listens on no port', async () => {
    const standby = await warmStandby(o);
    expect(readFileSync(`/proc/${standby.pid}/cmdline`, 'utf8').split('\0')).toContain('--standby');
    expect(running(standby.pid)).toBe(true);
    expect(listeningPorts(standby.pid)).toEqual([]);
    expect(await leasesHeld(o)).toBe(0);
    // It stays so: warm, it waits without taking anything.
    await new Promise((r) => setTimeout(r, 1000));
    expect(listeningPorts(standby.pid)).toEqual([]);
    expect(await leasesHeld(o)).toBe(0);
  });

  it('publishing hands the tournament to the standby, and a new standby takes its place', async () => {
    const standby = await warmStandby(o);
    const { id, url } = await publish(o);
    expect(await serverPid(o, id)).toBe(standby.pid);
    const port = Number(new URL(url).port);
    expect(listeningPorts(standby.pid)).toEqual([port]);
    const state = await fetch(`${url}/api/state`).then((r) => r.json());
    expect(state).toMatchObject({ tournament_id: id, state: 'REGISTRATION' });
    // Its results page, and the script that page loads.
    const page = await fetch(`${url}/`).then((r) => r.text());
    expect(page).toContain(`<meta name="tourney-tournament" content="${id}">`);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1] as string;
    const asset = await fetch(`${url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect((await asset.text()).length).toBeGreaterThan(1000);
    expect(await leasesHeld(o)).toBe(1);
    // Writes go through it, fenced by its lease.
    expect((await api(o, 'POST', `/api/v1/tournaments/${id}/teams`, { name: 'Ana' })).status).toBe(
      201,
    );
    const next = await warmStandby(o);
    expect(next.pid).not.toBe(standby.pid);
    expect(listeningPorts(next.pid)).toEqual([]);
    expect(await leasesHeld(o)).toBe(1);
  });

  it('a restart after kill -9 goes to the standby, with nothing lost', async () => {
    const { id } = await publish(o);
    expect((await api(o, 'POST', `/api/v1/tournaments/${id}/teams`, { name: 'Bo' })).status).toBe(
      201,
    );
    const standby = await warmStandby(o);
    const killed = (await serverPid(o, id)) as number;
    process.kill(killed, 'SIGKILL');
    // A request on its way to the dying server is answered 503, never sent twice: try again.
    const team = await until('the team to be registered', async () => {
      const r = await api(o, 'POST', `/api/v1/tournaments/${id}/teams`, { name: 'Cy' });
      return r.status === 503 ? null : r;
    });
    expect(team.status).toBe(201);
    expect(await serverPid(o, id)).toBe(standby.pid);
    const teams = await api(o, 'GET', `/api/v1/tournaments/${id}/teams`);
    expect(teams.body.teams.map((x: { name: string }) => x.name)).toEqual(['Bo', 'Cy']);
  }, 30_000);

  it('a standby assigned a tournament whose lease another server holds waits and never answers', async () => {
    const { id } = await publish(o);
    const standby = await warmStandby(o);
    const port = await freePort();
    // As a second registry would: the runner hands the standby a tournament that is served.
    const handle = await o.runner.start({ tournamentId: id, port, host: '127.0.0.1' });
    try {
      expect(handle.pid).toBe(standby.pid);
      await new Promise((r) => setTimeout(r, 2500));
      expect(running(standby.pid)).toBe(true);
      expect(listeningPorts(standby.pid)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      expect(await serverPid(o, id)).not.toBe(standby.pid);
      expect((await api(o, 'POST', `/api/v1/tournaments/${id}/teams`, { name: 'Di' })).status).toBe(
        201,
      );
    } finally {
      handle.kill();
      await handle.exited;
    }
  }, 30_000);

  it('shutdown stops the standby as well as the servers', async () => {
    const other = await orchestrator(`${portBase + 8}-${portBase + 9}`, '1');
    let standby: number;
    let server: number;
    try {
      const { id } = await publish(other);
      server = (await serverPid(other, id)) as number;
      standby = (await warmStandby(other)).pid;
      expect(running(server)).toBe(true);
    } finally {
      await other.close();
    }
    expect(running(standby)).toBe(false);
    expect(running(server)).toBe(false);
  }, 60_000);

  it('with TOURNAMENT_STANDBY=0 no standby is kept and a publish starts a server cold', async () => {
    const cold = await orchestrator(`${portBase + 8}-${portBase + 9}`, '0');
    try {
      const { id, url } = await publish(cold);
      expect(cold.runner.standbyProcesses()).toEqual([]);
      const pid = (await serverPid(cold, id)) as number;
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(args).toEqual(expect.arrayContaining(['tournament', '--id', id]));
      expect(args).not.toContain('--standby');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await cold.close();
    }
  }, 60_000);
});

describe('a standby that cannot warm up', () => {
  it('exits, and the runner starts another after a pause instead of waiting on it', async () => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-standby-')),
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing',
      REDIS_URL: inject('redisUrl'),
      SESSION_SECRET: 'a-test-secret-of-some-length',
      CHANNEL_PREFIX: uniquePrefix(),
      TOURNAMENT_RUNNER: 'process',
      LOG_LEVEL: 'silent',
    });
    const runner = new ProcessRunner(config, createLogger('silent'), [CLI]);
    runner.prepare();
    try {
      const first = await until('a standby', () => runner.standbyProcesses()[0]?.pid);
      await until('it to exit', () => !running(first));
      // The runner hears of the exit from the child's 'exit' event, a moment later.
      await until('the runner to drop it', () =>
        runner.standbyProcesses().every((p) => p.pid !== first),
      );
      const second = await until(
        'the next standby',
        () => runner.standbyProcesses().find((p) => p.pid !== first)?.pid,
      );
      await until('that one to exit too', () => !running(second));
    } finally {
      await runner.close();
    }
    expect(runner.standbyProcesses()).toEqual([]);
  }, 60_000);
});

describe('a standby and its orchestrator process', () => {
  it('the standby exits when the orchestrator dies (its IPC channel closes); tournament servers stay', async () => {
    const t = await createTestDatabase('postgres');
    const port = await freePort();
    const ports = `${portBase + 8}-${portBase + 9}`;
    const env = {
      ...childEnv(
        loadConfig({
          DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-standby-')),
          DATABASE_URL: t.url as string,
          REDIS_URL: inject('redisUrl'),
          SESSION_SECRET: 'a-test-secret-of-some-length',
          CHANNEL_PREFIX: uniquePrefix(),
          LOG_LEVEL: 'warn',
        }),
      ),
      PORT: String(port),
      TOURNAMENT_PORTS: ports,
    };
    // `npm start`'s orchestrator (dist/cli.js): its process runner starts the bundled CLI.
    const orch = spawn(
      process.execPath,
      [join(import.meta.dirname, '../dist/cli.js'), 'orchestrator'],
      {
        env,
        stdio: 'ignore',
      },
    );
    const base = `http://127.0.0.1:${port}`;
    let standby = 0;
    let server = 0;
    try {
      await until(
        'the orchestrator',
        async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok,
      );
      const reg = await fetch(`${base}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'organizer', password: 'password123' }),
      }).then((r) => r.json() as Promise<{ token: string }>);
      const auth = { authorization: `Bearer ${reg.token}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/v1/tournaments`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          name: 'Cup',
          format: 'single_elimination',
          min_teams: 2,
          max_teams: 8,
        }),
      }).then((r) => r.json() as Promise<{ id: string }>);
      const published = await fetch(`${base}/api/v1/tournaments/${created.id}/publish`, {
        method: 'POST',
        headers: { authorization: auth.authorization },
      }).then((r) => r.json() as Promise<{ server: { url: string } }>);
      const url = published.server.url;
      const children = () => childrenOf(orch.pid as number, 'tournament');
      server =
        children().find((pid) => listeningPorts(pid).includes(Number(new URL(url).port))) ?? 0;
      expect(server).toBeGreaterThan(0);
      // The standby that took the served one's place: a child listening on no port.
      standby = await until('a new standby', () =>
        children().find((pid) => pid !== server && listeningPorts(pid).length === 0),
      );
      // Warm: connected to PostgreSQL and Redis, waiting (not exiting while it warms up).
      const pgPort = Number(new URL(t.url as string).port || 5432);
      const redisPort = Number(new URL(inject('redisUrl')).port || 6379);
      await until(
        'the standby to connect',
        () => connectedTo(standby, pgPort) && connectedTo(standby, redisPort),
      );
      await new Promise((r) => setTimeout(r, 1000));
      expect(running(standby)).toBe(true);

      orch.kill('SIGKILL');
      await until('the standby to exit', () => !running(standby), 10_000);
      // The served tournament's server outlives it: a new orchestrator adopts it.
      expect(running(server)).toBe(true);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      orch.kill('SIGKILL');
      for (const pid of [standby, server]) if (pid && running(pid)) process.kill(pid, 'SIGKILL');
      await t.drop();
    }
  }, 60_000);
});
