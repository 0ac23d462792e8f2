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
 * Baseline in the same run: the inline runner (embedded PGlite + in-process
 * bus, each tournament server an HTTP server inside the orchestrator), publish-to-ready.
 * The orchestrator under test runs in this process in both cases.
 *
 *   npm run bench:spawn
 *   npm run bench:spawn -- --tournaments 3 --kills 1 --inline 3   # smoke test
 *
 * Flags: --tournaments 20  --kills 5  --inline 20  --ports 6950-6989
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
    const app = await buildOrchestratorApp({ config, database, bus, logger });
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
  publish: ReturnType<typeof summarize>;
  spawn_to_healthy: ReturnType<typeof summarize>;
  healthz_after_publish: ReturnType<typeof summarize>;
  rss_mib: ReturnType<typeof summarize>;
  rss_at_ready_mib: ReturnType<typeof summarize>;
  kills: Kill[];
  recovery: ReturnType<typeof summarize>;
  load_1m: number;
}

async function runProcess(cli: string, n: number, kills: number): Promise<ProcessResult> {
  const db = await createBenchDatabase('spawn');
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
  const forget = onInterrupt(async () => {
    killOurs();
    await db.drop();
  });
  try {
    bus = await RedisBus.connect(REDIS_URL, { prefix });
    database = await openPostgres(db.url);
    const { logger, readyMs, errors } = capturingLogger();
    const runner = new ProcessRunner(config, logger, [cli]);
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
      for (let i = 0; i < n; i++) {
        const [p] = await publishMany(gw, 1, `Process cup ${i + 1}`);
        published.push(p as Published);
        const pid = await pidOf((p as Published).id);
        const rss = pid ? rssOf(pid) : null;
        if (rss !== null) rssAtReady.push(rss / MiB);
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
      return {
        publish: summarize(published.map((p) => p.publish_ms)),
        spawn_to_healthy: summarize(readyMs.slice(0, n)),
        healthz_after_publish: summarize(published.map((p) => p.healthz_ms)),
        rss_mib: summarize(rss),
        rss_at_ready_mib: summarize(rssAtReady),
        kills: killed,
        recovery: summarize(killed.map((k) => k.recovery_ms)),
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

async function main(): Promise<void> {
  const m = machine();
  const cli = ensureDist();
  console.log(
    `Tournament servers benchmark: ${TOURNAMENTS} tournaments, ${KILLS} kills, ports ${PORTS}, ${m.nproc} CPUs (${m.cpu}), node ${m.node}, load ${m.load}`,
  );
  console.log(`  inline runner (PGlite + in-process bus): ${INLINE} publishes ...`);
  const inline = INLINE > 0 ? await runInline(INLINE) : null;
  console.log(
    `  process runner (PostgreSQL + Redis, ${cli}): ${TOURNAMENTS} publishes, ${KILLS} kills ...`,
  );
  const proc = await runProcess(cli, TOURNAMENTS, KILLS);

  const f = (v: number) => round(v);
  const rows: Array<Array<string | number>> = [
    [
      'process: publish-to-ready (HTTP call)',
      f(proc.publish.p50),
      f(proc.publish.p95),
      f(proc.publish.max),
      `p50 < ${GOAL.publish_p50_ms} ms`,
    ],
    [
      'process: spawn-to-healthy (registry log)',
      f(proc.spawn_to_healthy.p50),
      f(proc.spawn_to_healthy.p95),
      f(proc.spawn_to_healthy.max),
      '',
    ],
    [
      'process: /healthz right after publish',
      f(proc.healthz_after_publish.p50),
      f(proc.healthz_after_publish.p95),
      f(proc.healthz_after_publish.max),
      '',
    ],
    [
      'process: RSS per server, all running (MiB)',
      f(proc.rss_mib.p50),
      f(proc.rss_mib.p95),
      f(proc.rss_mib.max),
      `< ${GOAL.rss_mib} MiB`,
    ],
    [
      'process: RSS per server at ready (MiB)',
      f(proc.rss_at_ready_mib.p50),
      f(proc.rss_at_ready_mib.p95),
      f(proc.rss_at_ready_mib.max),
      '',
    ],
    [
      'process: recovery after kill -9',
      f(proc.recovery.p50),
      f(proc.recovery.p95),
      f(proc.recovery.max),
      `< ${GOAL.recovery_ms} ms`,
    ],
  ];
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
  for (const k of proc.kills) {
    console.log(
      `  kill -9 ${k.id} pid ${k.old_pid} -> pid ${k.new_pid}: write accepted after ${round(k.recovery_ms)} ms (${k.attempts} attempt${k.attempts === 1 ? '' : 's'}${k.refused.length ? `, refused: ${k.refused.join(' ')}` : ''})`,
    );
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
      process: {
        load_1m: proc.load_1m,
        publish_to_ready_ms: ms(proc.publish),
        spawn_to_healthy_ms: ms(proc.spawn_to_healthy),
        healthz_after_publish_ms: ms(proc.healthz_after_publish),
        rss_mib: { ...ms(proc.rss_mib), mean: round(proc.rss_mib.mean), n: proc.rss_mib.n },
        rss_at_ready_mib: ms(proc.rss_at_ready_mib),
        recovery_ms: { ...ms(proc.recovery), n: proc.recovery.n },
        kills: proc.kills.map((k) => ({ ...k, recovery_ms: round(k.recovery_ms) })),
      },
      inline: inline && {
        load_1m: inline.load_1m,
        publish_to_ready_ms: ms(inline.publish),
        start_to_healthy_ms: ms(inline.spawn_to_healthy),
      },
    }),
  );
}

await main();
