import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Bus } from '../../src/bus/bus.js';
import { channels } from '../../src/bus/bus.js';
import { RedisBus } from '../../src/bus/redis-bus.js';
import { type Config, loadConfig } from '../../src/config.js';
import { readEventsSince } from '../../src/live/event-log.js';
import { createLogger } from '../../src/logger.js';
import { buildOrchestratorApp } from '../../src/orchestrator/app.js';
import { childEnv, ProcessRunner } from '../../src/orchestrator/runners/process-runner.js';
import type { TestDatabase } from './backends.js';
import { eventually, type NotYet } from './eventually.js';
import { freePort } from './redis-server.js';

/**
 * Helpers of the gateway tests (SPEC §9): a deployment on real PostgreSQL and
 * Redis whose tournament servers are processes of the bundled CLI, with
 * orchestrators in the test's process or as processes of their own.
 */
export const BUNDLED_CLI = join(import.meta.dirname, '../../dist/bundle/cli.mjs');
export const ORCHESTRATOR_CLI = join(import.meta.dirname, '../../dist/cli.js');

export function until<T>(what: string, probe: () => T | NotYet | Promise<T | NotYet>, ms = 15_000) {
  return eventually(probe, ms, what);
}

/** Whether a process runs: it exists and is not a zombie waiting to be reaped. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The established TCP connections (state 01) of a process, from /proc: its local and remote ports. */
export function establishedSockets(pid: number): Array<{ localPort: number; remotePort: number }> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // closed meanwhile
    }
  }
  const port = (address: string) => Number.parseInt(address.split(':')[1] as string, 16);
  const found: Array<{ localPort: number; remotePort: number }> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '01' || !inodes.has(cols[9] as string)) continue;
      found.push({ localPort: port(cols[1] as string), remotePort: port(cols[2] as string) });
    }
  }
  return found;
}

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by assertions, not by types
  body: any;
  headers: Headers;
}

/** A JSON request to `base` with a bearer token. */
export async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export async function register(base: string, username = 'organizer'): Promise<string> {
  const res = await call(base, '', 'POST', '/api/v1/auth/register', {
    username,
    password: 'password123',
  });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

/** A round robin of `teams` teams, published and started: every round has matches to play. */
export async function activeTournament(base: string, token: string, teams: number) {
  const created = await call(base, token, 'POST', '/api/v1/tournaments', {
    name: `Live ${Date.now()}`,
    format: 'round_robin',
    min_teams: 2,
    max_teams: 64,
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const published = await call(base, token, 'POST', `/api/v1/tournaments/${id}/publish`);
  expect(published.status).toBe(200);
  for (let i = 0; i < teams; i++) {
    const team = await call(base, token, 'POST', `/api/v1/tournaments/${id}/teams`, {
      name: `Team ${i}`,
    });
    expect(team.status).toBe(201);
  }
  expect((await call(base, token, 'POST', `/api/v1/tournaments/${id}/start`)).status).toBe(200);
  return id;
}

/**
 * Records the result of the next pending match through `base`, asking again
 * while the answer is 503 (a server restarting); returns how long the
 * accepted write took.
 */
export async function recordNext(base: string, token: string, id: string, ms = 15_000) {
  return until(
    `a result of ${id} to be accepted`,
    async () => {
      const round = await call(base, token, 'GET', `/api/v1/tournaments/${id}/matches`).catch(
        () => null,
      );
      if (!round || round.status === 503) return null;
      expect(round.status).toBe(200);
      const match = (round.body.matches as Array<{ id: string; status: string; team1_id: string }>)
        .filter((m) => m.status === 'pending')
        .at(0);
      expect(match, 'a pending match').toBeDefined();
      const at = Date.now();
      const res = await call(
        base,
        token,
        'POST',
        `/api/v1/tournaments/${id}/matches/${match?.id}/result`,
        { winner: match?.team1_id },
      ).catch(() => null);
      if (!res || res.status === 503) return null;
      expect(res.status).toBe(200);
      return { ms: Date.now() - at, matchId: match?.id as string };
    },
    ms,
  );
}

/** The ids of a tournament's events in the log after `after`, in order. */
export async function loggedIds(t: TestDatabase, id: string, after = 0): Promise<number[]> {
  const out: number[] = [];
  for (;;) {
    const page = await readEventsSince(t.database.db, channels.tournament(id), after);
    if (page.length === 0) return out;
    for (const e of page) out.push(e.seq);
    after = page.at(-1)?.seq as number;
  }
}

export interface ServerRow {
  pid: number | null;
  port: number | null;
  url: string | null;
  epoch: number;
}

export async function serverRow(t: TestDatabase, id: string): Promise<ServerRow> {
  const r = (await t.database.db.execute(
    `select pid, port, url, epoch::int as epoch from tournament_servers where tournament_id = ${Number(id.slice(2))}` as never,
  )) as unknown as { rows: ServerRow[] };
  return r.rows[0] as ServerRow;
}

/** Every tournament server process the rows name, killed (after a test: they are the test's own). */
export async function killServers(t: TestDatabase): Promise<void> {
  const r = (await t.database.db.execute(
    'select pid from tournament_servers where pid is not null' as never,
  )) as unknown as { rows: Array<{ pid: number }> };
  for (const { pid } of r.rows) if (running(pid)) process.kill(pid, 'SIGKILL');
}

/** Settings of a test deployment: its own database, Redis prefix and port range. */
export function deploymentConfig(
  t: TestDatabase,
  opts: { redisUrl: string; prefix: string; ports: string },
): Config {
  return {
    ...loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-gw-')),
      DATABASE_URL: t.url as string,
      REDIS_URL: opts.redisUrl,
      SESSION_SECRET: 'a-test-secret-of-some-length',
      TOURNAMENT_RUNNER: 'process',
      TOURNAMENT_PORTS: opts.ports,
      TOURNAMENT_STANDBY: '0',
      LOG_LEVEL: 'warn',
    }),
    channelPrefix: opts.prefix,
  };
}

export interface InProcessOrchestrator {
  app: FastifyInstance;
  bus: Bus;
  base: string;
  close(): Promise<void>;
}

/** An orchestrator in the test's process (its tournament servers are child processes). */
export async function inProcessOrchestrator(
  t: TestDatabase,
  config: Config,
): Promise<InProcessOrchestrator> {
  const bus = await RedisBus.connect(config.redisUrl as string, { prefix: config.channelPrefix });
  const logger = createLogger('silent');
  const runner = new ProcessRunner(config, logger, [BUNDLED_CLI]);
  const app = await buildOrchestratorApp({ config, database: t.database, bus, logger, runner });
  await app.listen({ port: await freePort(), host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    app,
    bus,
    base,
    close: async () => {
      await app.close();
      await bus.close();
    },
  };
}

export interface OrchestratorProcess {
  proc: ChildProcess;
  port: number;
  base: string;
}

/** An orchestrator as a process of the built CLI, on `port` (a free one by default). */
export async function orchestratorProcess(
  config: Config,
  port?: number,
): Promise<OrchestratorProcess> {
  const p = port ?? (await freePort());
  const proc = spawn(process.execPath, [ORCHESTRATOR_CLI, 'orchestrator'], {
    env: {
      ...childEnv(config),
      TOURNAMENT_PORTS: `${config.tournamentPorts[0]}-${config.tournamentPorts.at(-1)}`,
      TOURNAMENT_STANDBY: '0',
      PORT: String(p),
    },
    stdio: 'ignore',
  });
  const o = { proc, port: p, base: `http://127.0.0.1:${p}` };
  await until(
    'the orchestrator to answer',
    async () => (await fetch(`${o.base}/healthz`).catch(() => null))?.ok,
  );
  return o;
}

export async function kill9(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await until(`process ${pid} to die`, () => !running(pid));
}
