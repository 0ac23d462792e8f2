/**
 * Tournament servers benchmark (docs/PERFORMANCE.md, "Tournament servers";
 * issue "One server per tournament"). With real PostgreSQL + Redis and the
 * process runner (the bundled CLI, dist/bundle/cli.mjs, rebuilt when older than src/):
 *
 * - publish-to-ready: the duration of POST /api/v1/tournaments/:id/publish,
 *   which returns once the new server answers /healthz; then /healthz is
 *   checked directly on the server's own port;
 * - memory: VmRSS (/proc/<pid>/status) of every tournament server, the pid
 *   taken from the tournament_servers table, once all of them run;
 * - recovery: kill -9 of a server, then writes (POST .../teams) through the
 *   gateway until one succeeds.
 *
 * The process runner keeps one standby process (TOURNAMENT_STANDBY=1, the
 * default): each publish hands it the tournament. Every measurement is also
 * made with the standby disabled (TOURNAMENT_STANDBY=0: each publish starts a
 * process from nothing), the cold-start baseline. Also measured: the RSS of
 * the standby process itself, and of `--play` servers once a whole tournament
 * of `--play-teams` teams has been played on them (a server that has worked,
 * not just started).
 *
 * Baseline in the same run: the inline runner (embedded PGlite + in-process
 * bus, each tournament server an HTTP server inside the orchestrator), publish-to-ready.
 * The orchestrator under test runs in this process in all cases.
 *
 *   npm run bench:spawn
 *   npm run bench:spawn -- --tournaments 3 --kills 1 --inline 3 --cold 3 --play 1   # smoke test
 *
 * Flags: --tournaments 20  --kills 5  --inline 20  --cold 20  --play 3  --play-teams 32
 *        --ports 6950-6989
 * Prints a table, then as its last line one JSON object.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { RedisBus } from '../src/bus/redis-bus.js';
import { loadConfig } from '../src/config.js';
import { buildOrchestratorApp } from '../src/orchestrator/app.js';
import { ProcessRunner } from '../src/orchestrator/runners/process-runner.js';
import { openPglite, openPostgres } from '../src/store/database.js';
import { InlineRunner } from '../src/tournament-server/inline-runner.js';
import { capturingLogger, Gateway } from './support/gateway.js';
import {
  createBenchDatabase,
  ensureDist,
  loadAverage,
  machine,
  onInterrupt,
  REDIS_URL,
  rssOf,
  uniquePrefix,
} from './support/services.js';
import { flag, MiB, round, sleep, summarize, table } from './support/stats.js';

const TOURNAMENTS = Number(flag('tournaments') ?? 20);
const KILLS = Math.min(TOURNAMENTS, Number(flag('kills') ?? 5));
const INLINE = Number(flag('inline') ?? TOURNAMENTS);
const COLD = Number(flag('cold') ?? TOURNAMENTS);
const PLAY = Math.min(TOURNAMENTS, Number(flag('play') ?? 3));
const PLAY_TEAMS = Number(flag('play-teams') ?? 32);
const PORTS = flag('ports') ?? '6950-6989';
const SECRET = 'bench-session-secret-0123456789';
/** Goals of the issue. */
const GOAL = { publish_p50_ms: 300, rss_mib: 60, recovery_ms: 5000 };

interface Published {
  id: string;
  url: string;
  publish_ms: number;
  healthz_ms: number;
}

/** Publishes `n` fresh tournaments one after another, timing each publish call. */
async function publishMany(gw: Gateway, n: number, label: string): Promise<Published[]> {
  const out: Published[] = [];
  for (let i = 0; i < n; i++) {
    const id = await gw.createTournament(`${label} ${i + 1}`);
    const r = await gw.api('POST', `/api/v1/tournaments/${id}/publish`);
    const server = r.body?.server as { url?: string; status?: string } | null | undefined;
    if (r.status !== 200 || !server?.url || server.status !== 'running') {
      throw new Error(`publish ${id}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }
    // The call returned once the registry saw /healthz; check it on the server's own port too.
    const h0 = performance.now();
    const health = await fetch(`${server.url}/healthz`);
    await health.text();
    if (!health.ok) throw new Error(`${id}: /healthz answered ${health.status} after publish`);
    out.push({ id, url: server.url, publish_ms: r.ms, healthz_ms: performance.now() - h0 });
  }
  return out;
}

interface InlineResult {
  publish: ReturnType<typeof summarize>;
  spawn_to_healthy: ReturnType<typeof summarize>;
  load_1m: number;
}

/** Baseline: the embedded configuration (PGlite, in-process bus, inline runner). */
async function runInline(n: number): Promise<InlineResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tourney-bench-inline-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    SESSION_SECRET: SECRET,
    TOURNAMENT_PORTS: PORTS,
    LOG_LEVEL: 'warn',
  });
  const database = await openPglite(join(dataDir, 'pglite'));
  const bus = new MemoryBus();
  const { logger, readyMs, errors } = capturingLogger();
  try {
    await database.migrate();
    const app = await buildOrchestratorApp({
      config,
      database,
      bus,
      logger,
      inlineRunner: (deps) => new InlineRunner(deps),
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      const gw = new Gateway(
        `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
      );
      await gw.signUp('bench_inline');
      // One publish untimed first: the first request of each route compiles its schemas.
      await publishMany(gw, 1, 'Warm-up');
      readyMs.length = 0;
      const load = loadAverage();
      const published = await publishMany(gw, n, 'Inline cup');
      for (const e of errors) console.warn(e);
      return {
        publish: summarize(published.map((p) => p.publish_ms)),
        spawn_to_healthy: summarize(readyMs),
        load_1m: load,
      };
    } finally {
      await app.close();
    }
  } finally {
    await bus.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Kill {
  id: string;
  old_pid: number;
  new_pid: number | null;
  recovery_ms: number;
  attempts: number;
  refused: number[];
}

interface ProcessResult {
  standby: number;
  /** Publishes whose server is a process that was waiting as a standby when the publish began. */
  from_standby: number;
  publish: ReturnType<typeof summarize>;
  spawn_to_healthy: ReturnType<typeof summarize>;
  healthz_after_publish: ReturnType<typeof summarize>;
  rss_mib: ReturnType<typeof summarize>;
  rss_at_ready_mib: ReturnType<typeof summarize>;
  kills: Kill[];
  recovery: ReturnType<typeof summarize>;
  /** RSS of the standby processes alive when the servers were measured. */
  standby_rss_mib: number[];
  /** RSS of servers on which a whole tournament was played, 3 s after its final. */
  rss_after_play_mib: ReturnType<typeof summarize>;
  load_1m: number;
}

/** Plays a whole single-elimination tournament of PLAY_TEAMS teams through the gateway. */
async function playTournament(gw: Gateway, id: string): Promise<void> {
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status !== 200 && r.status !== 201)
      throw new Error(`${id}: ${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  for (let i = 1; i <= PLAY_TEAMS; i++)
    ok(await gw.api('POST', `/api/v1/tournaments/${id}/teams`, { name: `Player ${i}` }), 'team');
  ok(await gw.api('POST', `/api/v1/tournaments/${id}/start`), 'start');
  for (let round = 0; round < 20; round++) {
    const r = ok(await gw.api('GET', `/api/v1/tournaments/${id}/matches`), 'matches');
    const body = r.body as { matches?: unknown } | null;
    const matches = (body?.matches ?? []) as Array<{
      id: string;
      status: string;
      team1_id: string;
    }>;
    const pending = matches.filter((m) => m.status === 'pending');
    if (pending.length === 0) break;
    for (const m of pending)
      ok(
        await gw.api('POST', `/api/v1/tournaments/${id}/matches/${m.id}/result`, {
          winner: m.team1_id,
        }),
        'result',
      );
    ok(await gw.api('GET', `/api/v1/tournaments/${id}/standings`), 'standings');
  }
  const state = (await gw.api('GET', `/api/v1/tournaments/${id}`)).body?.state;
  if (state !== 'COMPLETED') throw new Error(`${id}: played out but ${String(state)}`);
}

async function runProcess(
  cli: string,
  n: number,
  kills: number,
  standby: number,
  play: number,
): Promise<ProcessResult> {
  const db = await createBenchDatabase(`spawn${standby}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'tourney-bench-spawn-'));
  const prefix = uniquePrefix('spawn');
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    REDIS_URL,
    SESSION_SECRET: SECRET,
    TOURNAMENT_RUNNER: 'process',
    TOURNAMENT_PORTS: PORTS,
    // Inherited by the tournament servers: their stdout is forwarded to ours.
    LOG_LEVEL: 'warn',
    CHANNEL_PREFIX: prefix,
    TOURNAMENT_STANDBY: String(standby),
  });
  const pids = new Set<number>();
  const query = new pg.Pool({ connectionString: db.url, max: 1 });
  const pidOf = async (id: string): Promise<number | null> => {
    const r = await query.query<{ pid: number | null }>(
      'select pid from tournament_servers where tournament_id = $1',
      [Number(id.slice(2))],
    );
    const pid = r.rows[0]?.pid ?? null;
    if (pid) pids.add(pid);
    return pid;
  };
  let bus: RedisBus | undefined;
  let database: Awaited<ReturnType<typeof openPostgres>> | undefined;
  const killOurs = () => {
    // Anything of ours the registry did not stop (it should have) goes now, by pid.
    for (const pid of pids) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(cli)) process.kill(pid, 'SIGKILL');
    }
  };
  let runner: ProcessRunner | undefined;
  const standbyPids = () => {
    const now = runner?.standbyProcesses().map((p) => p.pid) ?? [];
    for (const pid of now) pids.add(pid);
    return now;
  };
  const forget = onInterrupt(async () => {
    killOurs();
    await db.drop();
  });
  try {
    bus = await RedisBus.connect(REDIS_URL, { prefix });
    database = await openPostgres(db.url);
    const { logger, readyMs, errors } = capturingLogger();
    runner = new ProcessRunner(config, logger, [cli]);
    const app = await buildOrchestratorApp({ config, database, bus, logger, runner });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      const gw = new Gateway(
        `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
      );
      await gw.signUp('bench_process');
      const warm = await publishMany(gw, 1, 'Warm-up');
      readyMs.length = 0;
      const load = loadAverage();

      const published: Published[] = [];
      const rssAtReady: number[] = [];
      let fromStandby = 0;
      for (let i = 0; i < n; i++) {
        const waiting = new Set(runner.standbyProcesses().map((s) => s.pid));
        const [p] = await publishMany(gw, 1, `Process cup ${i + 1}`);
        published.push(p as Published);
        const pid = await pidOf((p as Published).id);
        if (pid && waiting.has(pid)) fromStandby++;
        const rss = pid ? rssOf(pid) : null;
        if (rss !== null) rssAtReady.push(rss / MiB);
        standbyPids();
      }
      // Every server up, the warm-up one too; then a moment for their start-up garbage to settle.
      await sleep(3000);
      const rss: number[] = [];
      for (const p of [...warm, ...published]) {
        const pid = await pidOf(p.id);
        const value = pid ? rssOf(pid) : null;
        if (value === null) throw new Error(`${p.id}: no process to measure (pid ${pid})`);
        rss.push(value / MiB);
      }
      const standbyRss = standbyPids()
        .map((pid) => rssOf(pid))
        .filter((v): v is number => v !== null)
        .map((v) => v / MiB);

      // A server that has worked: a whole tournament played on it, then 3 s.
      const played = published.slice(kills, kills + play);
      for (const p of played) await playTournament(gw, p.id);
      await sleep(3000);
      const rssAfterPlay: number[] = [];
      for (const p of played) {
        const pid = await pidOf(p.id);
        const value = pid ? rssOf(pid) : null;
        if (value === null) throw new Error(`${p.id}: no process to measure after play`);
        rssAfterPlay.push(value / MiB);
      }

      const killed: Kill[] = [];
      for (const p of published.slice(0, kills)) {
        const oldPid = (await pidOf(p.id)) as number;
        await sleep(1000);
        const t0 = performance.now();
        process.kill(oldPid, 'SIGKILL');
        let attempts = 0;
        const refused: number[] = [];
        for (;;) {
          attempts++;
          const r = await gw
            .api('POST', `/api/v1/tournaments/${p.id}/teams`, { name: `After kill ${attempts}` })
            .catch(() => ({ status: 0 }));
          if (r.status === 201) break;
          refused.push(r.status);
          if (performance.now() - t0 > 60_000)
            throw new Error(`${p.id}: no write accepted within 60 s`);
          await sleep(20);
        }
        const recovery = performance.now() - t0;
        const newPid = await pidOf(p.id);
        killed.push({
          id: p.id,
          old_pid: oldPid,
          new_pid: newPid,
          recovery_ms: recovery,
          attempts,
          refused,
        });
        if (newPid === oldPid) console.warn(`${p.id}: pid unchanged after kill -9`);
      }
      for (const e of errors) console.warn(e);
      standbyPids();
      return {
        standby,
        from_standby: fromStandby,
        publish: summarize(published.map((p) => p.publish_ms)),
        spawn_to_healthy: summarize(readyMs.slice(0, n)),
        healthz_after_publish: summarize(published.map((p) => p.healthz_ms)),
        rss_mib: summarize(rss),
        rss_at_ready_mib: summarize(rssAtReady),
        kills: killed,
        recovery: summarize(killed.map((k) => k.recovery_ms)),
        standby_rss_mib: standbyRss,
        rss_after_play_mib: summarize(rssAfterPlay),
        load_1m: load,
      };
    } finally {
      await app.close();
    }
  } finally {
    killOurs();
    forget();
    await query.end();
    await bus?.close();
    await database?.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (s: { p50: number; p95: number; max: number }) => ({
  p50: round(s.p50),
  p95: round(s.p95),
  max: round(s.max),
});

function processRows(
  label: string,
  r: ProcessResult,
  goals: boolean,
): Array<Array<string | number>> {
  const f = (v: number) => round(v);
  const row = (
    what: string,
    v: { p50: number; p95: number; max: number },
    goal = '',
  ): Array<string | number> => [`${label}: ${what}`, f(v.p50), f(v.p95), f(v.max), goal];
  return [
    row('publish-to-ready (HTTP call)', r.publish, goals ? `p50 < ${GOAL.publish_p50_ms} ms` : ''),
    row('spawn-to-healthy (registry log)', r.spawn_to_healthy),
    row('/healthz right after publish', r.healthz_after_publish),
    row('RSS per server, all running (MiB)', r.rss_mib, goals ? `< ${GOAL.rss_mib} MiB` : ''),
    row('RSS per server at ready (MiB)', r.rss_at_ready_mib),
    row(`RSS after a ${PLAY_TEAMS}-team tournament (MiB)`, r.rss_after_play_mib),
    row('recovery after kill -9', r.recovery, goals ? `< ${GOAL.recovery_ms} ms` : ''),
  ];
}

function processJson(r: ProcessResult) {
  return {
    standby: r.standby,
    published_to_standby: r.from_standby,
    load_1m: r.load_1m,
    publish_to_ready_ms: ms(r.publish),
    spawn_to_healthy_ms: ms(r.spawn_to_healthy),
    healthz_after_publish_ms: ms(r.healthz_after_publish),
    rss_mib: { ...ms(r.rss_mib), mean: round(r.rss_mib.mean), n: r.rss_mib.n },
    rss_at_ready_mib: ms(r.rss_at_ready_mib),
    rss_after_play_mib: { ...ms(r.rss_after_play_mib), n: r.rss_after_play_mib.n },
    standby_rss_mib: r.standby_rss_mib.map((v) => round(v)),
    recovery_ms: { ...ms(r.recovery), n: r.recovery.n },
    kills: r.kills.map((k) => ({ ...k, recovery_ms: round(k.recovery_ms) })),
  };
}

async function main(): Promise<void> {
  const m = machine();
  const cli = ensureDist();
  console.log(
    `Tournament servers benchmark: ${TOURNAMENTS} tournaments, ${KILLS} kills, ports ${PORTS}, ${m.nproc} CPUs (${m.cpu}), node ${m.node}, load ${m.load}`,
  );
  console.log(`  inline runner (PGlite + in-process bus): ${INLINE} publishes ...`);
  const inline = INLINE > 0 ? await runInline(INLINE) : null;
  console.log(
    `  process runner, one standby (PostgreSQL + Redis, ${cli}): ${TOURNAMENTS} publishes, ${KILLS} kills, ${PLAY} played ...`,
  );
  const proc = await runProcess(cli, TOURNAMENTS, KILLS, 1, PLAY);
  console.log(
    `  process runner, no standby (cold starts): ${COLD} publishes, ${Math.min(KILLS, COLD)} kills, ${Math.min(PLAY, COLD)} played ...`,
  );
  const cold =
    COLD > 0 ? await runProcess(cli, COLD, Math.min(KILLS, COLD), 0, Math.min(PLAY, COLD)) : null;

  const f = (v: number) => round(v);
  const rows = processRows('standby', proc, true);
  if (cold) rows.push(...processRows('cold', cold, false));
  if (inline) {
    rows.push(
      [
        'inline: publish-to-ready (HTTP call)',
        f(inline.publish.p50),
        f(inline.publish.p95),
        f(inline.publish.max),
        'baseline',
      ],
      [
        'inline: start-to-healthy (registry log)',
        f(inline.spawn_to_healthy.p50),
        f(inline.spawn_to_healthy.p95),
        f(inline.spawn_to_healthy.max),
        '',
      ],
    );
  }
  console.log('');
  console.log(table(['measure (ms unless stated)', 'p50', 'p95', 'max', 'goal'], rows));
  console.log(
    `  standby: ${proc.from_standby} of ${TOURNAMENTS} publishes served by a process that was waiting as a standby; standby process RSS ${proc.standby_rss_mib.map((v) => `${round(v)} MiB`).join(', ') || 'n/a'}`,
  );
  if (cold)
    console.log(
      `  cold: publish-to-ready p50 ${f(cold.publish.p50)} ms = ${round(cold.publish.p50 / proc.publish.p50, 2)}x the standby's`,
    );
  for (const [label, r] of [
    ['standby', proc],
    ['cold', cold],
  ] as const) {
    for (const k of r?.kills ?? []) {
      console.log(
        `  ${label}: kill -9 ${k.id} pid ${k.old_pid} -> pid ${k.new_pid}: write accepted after ${round(k.recovery_ms)} ms (${k.attempts} attempt${k.attempts === 1 ? '' : 's'}${k.refused.length ? `, refused: ${k.refused.join(' ')}` : ''})`,
      );
    }
  }
  const goals = {
    publish_p50: proc.publish.p50 < GOAL.publish_p50_ms,
    rss: proc.rss_mib.max < GOAL.rss_mib,
    recovery: proc.recovery.max < GOAL.recovery_ms,
  };
  console.log(
    `goals: publish p50 < ${GOAL.publish_p50_ms} ms ${goals.publish_p50 ? 'met' : 'NOT met'}; every server < ${GOAL.rss_mib} MiB ${goals.rss ? 'met' : 'NOT met'}; every recovery < ${GOAL.recovery_ms} ms ${goals.recovery ? 'met' : 'NOT met'}`,
  );
  console.log(
    JSON.stringify({
      bench: 'spawn',
      machine: m,
      tournaments: TOURNAMENTS,
      goals: GOAL,
      goals_met: goals,
      play_teams: PLAY_TEAMS,
      process: processJson(proc),
      cold: cold && processJson(cold),
      inline: inline && {
        load_1m: inline.load_1m,
        publish_to_ready_ms: ms(inline.publish),
        start_to_healthy_ms: ms(inline.spawn_to_healthy),
      },
    }),
  );
}

await main();
