import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { childEnv } from '../src/orchestrator/runners/process-runner.js';
import { createTestDatabase, type TestDatabase, uniquePrefix } from './support/backends.js';
import { eventually, type NotYet } from './support/eventually.js';
import { freePort } from './support/redis-server.js';

/**
 * Supervision of tournament servers across orchestrator restarts and several
 * orchestrators (SPEC §1, §9): real PostgreSQL, real Redis, orchestrators and
 * tournament servers as processes of the built CLI, killed with SIGKILL.
 */
const ORCHESTRATOR_CLI = join(import.meta.dirname, '../dist/cli.js');
const portBase = 6200 + (process.pid % 20) * 10;

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function until<T>(what: string, probe: () => T | NotYet | Promise<T | NotYet>, ms = 15_000) {
  return eventually(probe, ms, what);
}

interface Orchestrator {
  proc: ChildProcess;
  base: string;
}

interface Deployment {
  t: TestDatabase;
  env: Record<string, string>;
  orchestrators: Orchestrator[];
  pids: Set<number>;
  token: string;
}

let current: Deployment | undefined;

/** A database and Redis prefix of their own, shared by the orchestrators the test starts. */
async function deployment(): Promise<Deployment> {
  const t = await createTestDatabase('postgres');
  const env = {
    ...childEnv(
      loadConfig({
        DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-sup-')),
        DATABASE_URL: t.url as string,
        REDIS_URL: inject('redisUrl'),
        SESSION_SECRET: 'a-test-secret-of-some-length',
        CHANNEL_PREFIX: uniquePrefix(),
        LOG_LEVEL: 'warn',
      }),
    ),
    TOURNAMENT_PORTS: `${portBase}-${portBase + 9}`,
    TOURNAMENT_STANDBY: '0',
  };
  current = { t, env, orchestrators: [], pids: new Set(), token: '' };
  return current;
}

async function startOrchestrator(d: Deployment): Promise<Orchestrator> {
  const port = await freePort();
  const proc = spawn(process.execPath, [ORCHESTRATOR_CLI, 'orchestrator'], {
    env: { ...d.env, PORT: String(port) },
    stdio: 'ignore',
  });
  const o = { proc, base: `http://127.0.0.1:${port}` };
  d.orchestrators.push(o);
  await until(
    'the orchestrator to answer',
    async () => (await fetch(`${o.base}/healthz`).catch(() => null))?.ok,
  );
  if (!d.token) {
    const reg = await fetch(`${o.base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'organizer', password: 'password123' }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    d.token = reg.token;
  }
  return o;
}

async function kill(o: Orchestrator) {
  const pid = o.proc.pid as number;
  o.proc.kill('SIGKILL');
  await until('the orchestrator to die', () => !running(pid));
}

async function api(d: Deployment, o: Orchestrator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${o.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${d.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function publish(d: Deployment, o: Orchestrator, teams: string[]): Promise<string> {
  const created = await api(d, o, 'POST', '/api/v1/tournaments', {
    name: `Cup ${teams.join(' ')}`,
    format: 'single_elimination',
    min_teams: 2,
    max_teams: 16,
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const published = await api(d, o, 'POST', `/api/v1/tournaments/${id}/publish`);
  expect(published.status).toBe(200);
  expect(published.body.server.status).toBe('running');
  for (const name of teams) {
    expect((await api(d, o, 'POST', `/api/v1/tournaments/${id}/teams`, { name })).status).toBe(201);
  }
  const row = await serverRow(d, id);
  if (row.pid) d.pids.add(row.pid);
  return id;
}

interface Row {
  url: string | null;
  port: number | null;
  pid: number | null;
  status: string;
  epoch: number;
}

async function serverRow(d: Deployment, id: string): Promise<Row> {
  const r = (await d.t.database.db.execute(
    `select url, port, pid, status, epoch::int as epoch from tournament_servers where tournament_id = ${Number(id.slice(2))}` as never,
  )) as unknown as { rows: Row[] };
  return r.rows[0] as Row;
}

async function sql(d: Deployment, text: string) {
  await d.t.database.db.execute(text as never);
}

async function leader(d: Deployment): Promise<{ holder: string | null; epoch: number }> {
  const r = (await d.t.database.db.execute(
    `select holder, epoch::int as epoch from leaders where role = 'supervisor'` as never,
  )) as unknown as { rows: Array<{ holder: string | null; epoch: number }> };
  return r.rows[0] ?? { holder: null, epoch: 0 };
}

/** The dead supervisor's lease as if it had lapsed: a restart need not wait the 8 s out. */
const lapseSupervisorLease = (d: Deployment) =>
  sql(d, `update leaders set expires_at = now() - interval '1 second'`);

async function teamNames(d: Deployment, o: Orchestrator, id: string): Promise<string[]> {
  const res = await api(d, o, 'GET', `/api/v1/tournaments/${id}/teams`);
  expect(res.status).toBe(200);
  return (res.body.teams as Array<{ name: string }>).map((t) => t.name).sort();
}

/** A write through `o`, tried again while it is answered 503 (the server restarting). */
async function addTeam(d: Deployment, o: Orchestrator, id: string, name: string, ms = 15_000) {
  return until(
    `team ${name} to be registered`,
    async () => {
      const res = await api(d, o, 'POST', `/api/v1/tournaments/${id}/teams`, { name });
      if (res.status === 503) return null;
      expect(res.status).toBe(201);
      return res;
    },
    ms,
  );
}

async function kill9(pid: number) {
  process.kill(pid, 'SIGKILL');
  await until(`server ${pid} to die`, () => !running(pid));
}

afterEach(async () => {
  const d = current;
  current = undefined;
  if (!d) return;
  for (const o of d.orchestrators) o.proc.kill('SIGKILL');
  // Whatever servers the test's orchestrators left: the rows name them.
  const r = (await d.t.database.db.execute(
    'select pid from tournament_servers where pid is not null' as never,
  )) as unknown as { rows: Array<{ pid: number }> };
  for (const pid of [...d.pids, ...r.rows.map((x) => x.pid)]) {
    if (running(pid)) process.kill(pid, 'SIGKILL');
  }
  await d.t.drop();
});

describe('supervision of tournament servers', () => {
  it('after a restart with the recorded ports swapped, each tournament reaches its own server', async () => {
    const d = await deployment();
    const o1 = await startOrchestrator(d);
    const x = await publish(d, o1, ['X1']);
    const y = await publish(d, o1, ['Y1']);
    const [rx, ry] = [await serverRow(d, x), await serverRow(d, y)];
    expect(rx.port).not.toBe(ry.port);

    // Everything dies; each row is left naming the other's old port.
    await kill(o1);
    await kill9(rx.pid as number);
    await kill9(ry.pid as number);
    await sql(
      d,
      `update tournament_servers set port = ${ry.port}, url = '${ry.url}' where tournament_id = ${x.slice(2)}`,
    );
    await sql(
      d,
      `update tournament_servers set port = ${rx.port}, url = '${rx.url}' where tournament_id = ${y.slice(2)}`,
    );
    await lapseSupervisorLease(d);

    const o2 = await startOrchestrator(d);
    await addTeam(d, o2, x, 'X2');
    await addTeam(d, o2, y, 'Y2');
    expect(await teamNames(d, o2, x)).toEqual(['X1', 'X2']);
    expect(await teamNames(d, o2, y)).toEqual(['Y1', 'Y2']);
    // Each row names a live server of its own tournament.
    for (const id of [x, y]) {
      const row = await serverRow(d, id);
      const health = await fetch(`${row.url}/healthz`).then((r) => r.json());
      expect(health).toEqual({ status: 'ok', tournament_id: id, epoch: row.epoch });
      const state = (await fetch(`${row.url}/api/state`).then((r) => r.json())) as {
        tournament_id: string;
      };
      expect(state.tournament_id).toBe(id);
    }
  }, 60_000);

  it('adopts running servers, then stops one (archive) and replaces one (kill -9); a stale row naming another live server is not adopted', async () => {
    const d = await deployment();
    const o1 = await startOrchestrator(d);
    const done = await publish(d, o1, ['A', 'B']);
    expect((await api(d, o1, 'POST', `/api/v1/tournaments/${done}/start`)).status).toBe(200);
    const match = (await api(d, o1, 'GET', `/api/v1/tournaments/${done}/matches`)).body
      .matches[0] as { id: string; team1_id: string };
    const result = await api(
      d,
      o1,
      'POST',
      `/api/v1/tournaments/${done}/matches/${match.id}/result`,
      {
        winner: match.team1_id,
      },
    );
    expect(result.body.tournament.state).toBe('COMPLETED');
    const live = await publish(d, o1, ['L1']);
    const stale = await publish(d, o1, ['S1']);
    const [rd, rl, rs] = [
      await serverRow(d, done),
      await serverRow(d, live),
      await serverRow(d, stale),
    ];

    await kill(o1);
    // One server died too, and its row names the live server of another tournament.
    await kill9(rs.pid as number);
    await sql(
      d,
      `update tournament_servers set port = ${rl.port}, url = '${rl.url}' where tournament_id = ${stale.slice(2)}`,
    );
    await lapseSupervisorLease(d);
    const o2 = await startOrchestrator(d);

    // Adopted: the same processes serve, through the new orchestrator.
    expect((await serverRow(d, done)).pid).toBe(rd.pid);
    expect((await serverRow(d, live)).pid).toBe(rl.pid);
    expect(running(rd.pid as number) && running(rl.pid as number)).toBe(true);
    await addTeam(d, o2, stale, 'S2');
    expect(await teamNames(d, o2, stale)).toEqual(['S1', 'S2']);
    expect(await teamNames(d, o2, live)).toEqual(['L1']);
    expect((await serverRow(d, stale)).url).not.toBe(rl.url);

    // Stopped: archiving goes through the adopted server, which then exits.
    const archived = await api(d, o2, 'POST', `/api/v1/tournaments/${done}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ state: 'ARCHIVED', server: null });
    await until('the archived tournament server to exit', () => !running(rd.pid as number));
    await until(
      'its row to say stopped',
      async () => (await serverRow(d, done)).status === 'stopped',
    );
    expect((await api(d, o2, 'GET', `/api/v1/tournaments/${done}/standings`)).status).toBe(200);

    // Replaced: an adopted server killed is started again, on a free port, and serves.
    await kill9(rl.pid as number);
    await addTeam(d, o2, live, 'L2');
    const replaced = await serverRow(d, live);
    expect(replaced.pid).not.toBe(rl.pid);
    expect(replaced.epoch).toBeGreaterThan(rl.epoch);
    expect(await teamNames(d, o2, live)).toEqual(['L1', 'L2']);
  }, 60_000);

  it('two orchestrators on one database: the other takes over within 10 s of the supervisor dying, adopts, restarts a dead server', async () => {
    const d = await deployment();
    const o1 = await startOrchestrator(d);
    const o2 = await startOrchestrator(d);
    const before = await leader(d);
    expect(before.holder).not.toBeNull();
    // A publish on either orchestrator gets the tournament a server.
    const a = await publish(d, o1, ['A1']);
    const b = await publish(d, o2, ['B1']);
    await addTeam(d, o2, a, 'A2');
    await addTeam(d, o1, b, 'B2');
    for (const o of [o1, o2]) {
      expect(await teamNames(d, o, a)).toEqual(['A1', 'A2']);
      expect(await teamNames(d, o, b)).toEqual(['B1', 'B2']);
    }
    const [ra, rb] = [await serverRow(d, a), await serverRow(d, b)];

    // The supervisor dies (o1 took the lease first), and a's server with it.
    const killedAt = Date.now();
    await kill(o1);
    await kill9(ra.pid as number);
    const after = await until('another orchestrator to take over', async () => {
      const l = await leader(d);
      return l.epoch > before.epoch ? l : null;
    });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(after.holder).not.toBe(before.holder);

    await addTeam(d, o2, a, 'A3');
    expect((await serverRow(d, a)).pid).not.toBe(ra.pid);
    expect((await serverRow(d, b)).pid).toBe(rb.pid);
    // A third orchestrator that does not supervise routes from the rows.
    const o3 = await startOrchestrator(d);
    for (const o of [o2, o3]) {
      expect(await teamNames(d, o, a)).toEqual(['A1', 'A2', 'A3']);
      expect(await teamNames(d, o, b)).toEqual(['B1', 'B2']);
    }
    await addTeam(d, o3, b, 'B3');
    expect(await teamNames(d, o2, b)).toEqual(['B1', 'B2', 'B3']);
    expect((await leader(d)).epoch).toBe(after.epoch);
  }, 60_000);

  it('a cancel through the gateway answers 200 with the CANCELLED tournament, then the server stops', async () => {
    const d = await deployment();
    const o1 = await startOrchestrator(d);
    const o2 = await startOrchestrator(d);
    for (const o of [o1, o2]) {
      const id = await publish(d, o, ['C1']);
      const pid = (await serverRow(d, id)).pid as number;
      const cancelled = await api(d, o, 'POST', `/api/v1/tournaments/${id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id, state: 'CANCELLED', server: null });
      await until('the server to exit', () => !running(pid));
      const read = await api(d, o, 'GET', `/api/v1/tournaments/${id}/teams`);
      expect(read.status).toBe(200);
      expect((await api(d, o, 'GET', `/api/v1/tournaments/${id}`)).body.state).toBe('CANCELLED');
    }
  }, 60_000);
});
