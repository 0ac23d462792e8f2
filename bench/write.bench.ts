/**
 * Write cost benchmark (docs/PERFORMANCE.md, "Write cost"): what one result
 * costs through the whole real path, and whether that cost is flat in the
 * tournament's size.
 *
 * The path: HTTP POST /api/v1/tournaments/:id/matches/:match_id/result to the
 * orchestrator (`node dist/cli.js orchestrator`, its own process, the process
 * runner), forwarded to the tournament's own server process, which loads,
 * decides, saves with its events in one transaction and publishes on Redis
 * (the shared one, a CHANNEL_PREFIX of the run's own). PostgreSQL is an
 * instance of the benchmark's own (bench/support/own-postgres.ts: defaults,
 * fsync and synchronous_commit on) with pg_stat_statements, so that the
 * statements, rows and WAL bytes of each result are exact.
 *
 * Three tournaments are played interleaved, one result at a time in turn, so
 * that every sample sees the same machine: a round robin (128 teams) to its
 * last round, a Swiss (512 teams, its 9 rounds), and 8-team single
 * elimination brackets, a fresh one (created, published, filled, started,
 * untimed) each time one is complete. Each result is timed from the request
 * to the last byte of the answer. After each result, one sample of the floor
 * of a durable write: BEGIN; an UPDATE of one row; an INSERT of one row;
 * COMMIT, with node-postgres, in a database of its own on the same instance.
 *
 * Statements are counted per result: pg_stat_statements is read (from a third
 * database, by the app database's dbid) right before and right after each
 * POST, and the deltas summed per phase. Statements that also run while
 * nothing is posted (lease renewals, the outbox relay: found in an idle window
 * before play) are reported apart.
 *
 *   npm run bench:write                    # full: RR 128, Swiss 512, 8-team brackets
 *   npm run bench:write -- --scale small   # RR 32, Swiss 64 (or BENCH_SCALE=small)
 *
 * Flags: --rr-teams --swiss-teams --swiss-rounds (default: the format's)
 *        --se-every N (an 8-team result every N turns; default 1 small, 3 full)
 *        --phase-rounds 5 (RR first and last rounds reported apart)
 *        --ports 7400-7449
 * Prints a table, then as its last line one JSON object. Exits 1 when any
 * result was answered with other than 2xx.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { mulberry32 } from './engine/random.js';
import { Gateway } from './support/gateway.js';
import {
  cpuTicks,
  type OrchestratorProcess,
  standbyOf,
  startOrchestrator,
} from './support/orchestrator-process.js';
import { freePort, type OwnPostgres, startOwnPostgres } from './support/own-postgres.js';
import { ok, type PendingMatch, Played } from './support/played.js';
import {
  ensureDist,
  machine,
  onInterrupt,
  REDIS_URL,
  rssOf,
  uniquePrefix,
} from './support/services.js';
import {
  foreground,
  isWrite,
  type Snapshot,
  StatementCounter,
  StatementTally,
} from './support/statements.js';
import { flag, MiB, round, sleep, summarize, table } from './support/stats.js';

const SCALE = flag('scale') ?? process.env.BENCH_SCALE ?? 'full';
if (SCALE !== 'full' && SCALE !== 'small') throw new Error(`--scale ${SCALE}: full or small`);
const small = SCALE === 'small';
const RR_TEAMS = Number(flag('rr-teams') ?? (small ? 32 : 128));
const SWISS_TEAMS = Number(flag('swiss-teams') ?? (small ? 64 : 512));
const SWISS_ROUNDS = flag('swiss-rounds') ? Number(flag('swiss-rounds')) : null;
const SE_TEAMS = 8;
const SE_EVERY = Number(flag('se-every') ?? (small ? 1 : 6));
const PHASE_ROUNDS = Number(flag('phase-rounds') ?? 5);
const PORTS = flag('ports') ?? '7400-7449';
/** Statements listed per phase, by SQL execution time. */
const TOP = 12;
const MAX_FAILURES = 20;
/** The idle window: longer than the start notifier's 5 s period and the leases' 3 s renewal. */
const IDLE_MS = 5500;
/** Goals of the issue. */
const GOAL = { rr_last_over_first: 1.2, over_8team: 1.2, over_floor: 3 };

type Phase = 'rr_first' | 'rr_last' | 'rr' | 'swiss' | 'se8';
const PHASES: Phase[] = ['rr_first', 'rr_last', 'rr', 'swiss', 'se8'];

interface PhaseData {
  ms: number[];
  tally: StatementTally;
}

interface Failure {
  tournament: string;
  kind: string;
  match: string;
  status: number;
  body: unknown;
}

/** Waits until the orchestrator's standby process (when there is one) has stopped using CPU. */
async function standbySettled(orchestratorPid: number, maxMs = 5000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const pid = standbyOf(orchestratorPid);
    const before = pid === null ? null : cpuTicks(pid);
    await sleep(100);
    if (pid === null || before === cpuTicks(pid) || performance.now() - t0 > maxMs)
      return performance.now() - t0;
  }
}

async function main(): Promise<void> {
  const m = machine();
  const startedAt = performance.now();
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
  console.log(
    `Write cost benchmark (${SCALE}): RR ${RR_TEAMS}, Swiss ${SWISS_TEAMS}, ${SE_TEAMS}-team brackets (one result every ${SE_EVERY} turn${SE_EVERY === 1 ? '' : 's'}); commit ${commit}; ${m.nproc} CPUs (${m.cpu}), node ${m.node}, load ${m.load}`,
  );
  ensureDist();

  let own: OwnPostgres | undefined;
  let orch: OrchestratorProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'tourney-bench-write-'));
  const clients: pg.Client[] = [];
  let cleaning: Promise<void> | undefined;
  // One cleanup, however many ask for it (an interrupt and the normal path's finally).
  const cleanup = () => {
    cleaning ??= (async () => {
      await orch?.stop().catch(() => {});
      for (const c of clients) await c.end().catch(() => {});
      await own?.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  const forget = onInterrupt(cleanup);
  try {
    own = await startOwnPostgres(console.log);
    const connect = async (database: string) => {
      const c = new pg.Client({ connectionString: (own as OwnPostgres).url(database) });
      await c.connect();
      clients.push(c);
      return c;
    };
    const admin = await connect('postgres');
    await admin.query('create extension pg_stat_statements');
    await admin.query('create database tourney');
    await admin.query('create database floor');
    const oid = async (name: string) =>
      Number(
        (
          await admin.query<{ oid: number }>('select oid from pg_database where datname = $1', [
            name,
          ])
        ).rows[0]?.oid,
      );
    const app = new StatementCounter(admin, await oid('tourney'));
    const floorStats = new StatementCounter(admin, await oid('floor'));

    const floor = await connect('floor');
    await floor.query(
      'create table floor_rows (id int primary key, n bigint not null, at timestamptz not null)',
    );
    await floor.query('insert into floor_rows values (1, 0, now())');
    await floor.query(
      'create table floor_log (id bigserial primary key, at timestamptz not null default now(), note text not null)',
    );

    const port = await freePort();
    orch = await startOrchestrator({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: own.url('tourney'),
      REDIS_URL,
      CHANNEL_PREFIX: uniquePrefix('write'),
      SESSION_SECRET: 'bench-session-secret-0123456789',
      DATA_DIR: dataDir,
      TOURNAMENT_RUNNER: 'process',
      TOURNAMENT_PORTS: PORTS,
      LOG_LEVEL: 'warn',
    });
    const orchestratorPid = orch.pid;
    console.log(`  orchestrator pid ${orch.pid} on ${orch.url}`);
    const gw = new Gateway(orch.url);
    await gw.signUp('bench_organizer');

    const t0Setup = performance.now();
    const rr = await Played.create(gw, {
      name: `Round robin ${RR_TEAMS}`,
      format: 'round_robin',
      teams: RR_TEAMS,
    });
    const swiss = await Played.create(gw, {
      name: `Swiss ${SWISS_TEAMS}`,
      format: 'swiss',
      teams: SWISS_TEAMS,
      ...(SWISS_ROUNDS ? { options: { rounds: SWISS_ROUNDS } } : {}),
    });
    let brackets = 0;
    const newBracket = async () => {
      brackets++;
      const p = await Played.create(gw, {
        name: `Bracket ${brackets}`,
        format: 'single_elimination',
        teams: SE_TEAMS,
      });
      return p;
    };
    let se = await newBracket();
    const rrRounds = RR_TEAMS % 2 === 0 ? RR_TEAMS - 1 : RR_TEAMS;
    const setupS = (performance.now() - t0Setup) / 1000;
    console.log(
      `  set up ${rr.id} (RR, ${rrRounds} rounds), ${swiss.id} (Swiss), ${se.id} (bracket) in ${round(setupS)} s`,
    );

    // Statements that run with nothing posted (timers of the servers and the orchestrator).
    await standbySettled(orchestratorPid);
    const idle0 = await app.snapshot();
    await sleep(IDLE_MS);
    const idle1 = await app.snapshot();
    const idleTally = new StatementTally();
    idleTally.add(idle0, idle1);
    const background = new Set(idleTally.byQuery.keys());
    const idleCalls = new Map([...idleTally.byQuery].map(([q, t]) => [q, t.calls]));
    await app.reset();

    const phases = new Map<Phase, PhaseData>(
      PHASES.map((p) => [p, { ms: [], tally: new StatementTally() }]),
    );
    const rrByRound: number[][] = Array.from({ length: rrRounds + 1 }, () => []);
    const seByIndex: number[][] = Array.from({ length: SE_TEAMS - 1 }, () => []);
    const floorMs: number[] = [];
    const failures: Failure[] = [];
    let failureCount = 0;
    const rng = mulberry32(20260101);
    const floorStart = await floorStats.snapshot();
    let floorN = 0;

    const spent = { post: 0, snapshots: 0, floor: 0, reads: 0 };
    const sampleFloor = async () => {
      const t0 = performance.now();
      await floor.query('begin');
      await floor.query({
        name: 'floor_update',
        text: 'update floor_rows set n = n + 1, at = now() where id = $1',
        values: [1],
      });
      await floor.query({
        name: 'floor_insert',
        text: 'insert into floor_log (note) values ($1)',
        values: [`sample ${++floorN}`],
      });
      await floor.query('commit');
      floorMs.push(performance.now() - t0);
      spent.floor += performance.now() - t0;
    };

    /** Posts one result of `t`; returns its time, or null when the tournament had none to play. */
    const post = async (
      t: Played,
      kind: string,
      into: (ms: number, match: PendingMatch, a: Snapshot, b: Snapshot) => void,
    ): Promise<boolean> => {
      const t0 = performance.now();
      const match = await t.next();
      spent.reads += performance.now() - t0;
      if (!match) return false;
      const winner = rng() < 0.5 ? match.team1_id : match.team2_id;
      const ta = performance.now();
      const a = await app.snapshot();
      const t1 = performance.now();
      const r = await gw
        .api('POST', `/api/v1/tournaments/${t.id}/matches/${match.id}/result`, { winner })
        .catch((err: Error) => ({ status: 0, body: { error: err.message }, ms: Number.NaN }));
      const t2 = performance.now();
      const b = await app.snapshot();
      spent.post += t2 - t1;
      spent.snapshots += t1 - ta + (performance.now() - t2);
      if (r.status >= 200 && r.status <= 299) {
        t.answered(r);
        into(r.ms, match, a, b);
      } else {
        failureCount++;
        if (failures.length < MAX_FAILURES)
          failures.push({
            tournament: t.id,
            kind,
            match: match.id,
            status: r.status,
            body: r.body,
          });
        t.failed();
        if (failureCount >= MAX_FAILURES)
          throw new Error(
            `${failureCount} results refused; the last: ${JSON.stringify(failures.at(-1))}`,
          );
      }
      await sampleFloor();
      return true;
    };
    const record = (phase: Phase, ms: number, a: Snapshot, b: Snapshot) => {
      const p = phases.get(phase) as PhaseData;
      p.ms.push(ms);
      p.tally.add(a, b);
    };

    const t0Play = performance.now();
    let settleMs = 0;
    let bracketSetupMs = 0;
    let turn = 0;
    let lastReported = 0;
    while (!rr.completed) {
      turn++;
      await post(rr, 'rr', (ms, match, a, b) => {
        record('rr', ms, a, b);
        if (match.round <= PHASE_ROUNDS) record('rr_first', ms, a, b);
        if (match.round > rrRounds - PHASE_ROUNDS) record('rr_last', ms, a, b);
        rrByRound[match.round]?.push(ms);
      });
      if (!swiss.completed) await post(swiss, 'swiss', (ms, _m, a, b) => record('swiss', ms, a, b));
      if (turn % SE_EVERY === 0) {
        if (se.completed) {
          const t0 = performance.now();
          ok(await gw.api('POST', `/api/v1/tournaments/${se.id}/archive`), `archive ${se.id}`);
          se = await newBracket();
          bracketSetupMs += performance.now() - t0;
          settleMs += await standbySettled(orchestratorPid);
        }
        const index = se.results;
        await post(se, 'se8', (ms, _m, a, b) => {
          record('se8', ms, a, b);
          seByIndex[index]?.push(ms);
        });
      }
      if (rr.currentRound !== lastReported && (rr.currentRound % 10 === 0 || rr.completed)) {
        lastReported = rr.currentRound;
        const last = rrByRound[rr.currentRound - 1] ?? [];
        console.log(
          `  RR round ${rr.currentRound}/${rrRounds}: previous round p50 ${round(summarize(last).p50)} ms; Swiss round ${swiss.currentRound}${swiss.completed ? ' (done)' : ''}; ${brackets} brackets; ${round((performance.now() - t0Play) / 1000)} s`,
        );
      }
    }
    const playS = (performance.now() - t0Play) / 1000;
    const floorEnd = await floorStats.snapshot();
    const floorTally = new StatementTally();
    floorTally.add(floorStart, floorEnd);

    // Memory, once play is over: the orchestrator and every tournament server process.
    const servers = new pg.Client({ connectionString: own.url('tourney') });
    await servers.connect();
    clients.push(servers);
    const rows = (
      await servers.query<{ tournament_id: number; pid: number | null; status: string }>(
        'select tournament_id, pid, status from tournament_servers where pid is not null order by tournament_id',
      )
    ).rows;
    const labelOf = (id: string) =>
      id === rr.id
        ? `RR ${RR_TEAMS}`
        : id === swiss.id
          ? `Swiss ${SWISS_TEAMS}`
          : id === se.id
            ? `bracket ${SE_TEAMS}`
            : 'other';
    const rss: Array<{ process: string; pid: number; rss_mib: number | null }> = [
      { process: 'orchestrator', pid: orch.pid, rss_mib: rssOf(orch.pid) },
      ...rows.map((r) => ({
        process: `${labelOf(`t_${r.tournament_id}`)} server (t_${r.tournament_id}, ${r.status})`,
        pid: r.pid as number,
        rss_mib: rssOf(r.pid as number),
      })),
      ...[standbyOf(orch.pid)]
        .filter((p): p is number => p !== null && !rows.some((r) => r.pid === p))
        .map((p) => ({ process: 'standby', pid: p, rss_mib: rssOf(p) })),
    ].map((r) => ({ ...r, rss_mib: r.rss_mib === null ? null : round(r.rss_mib / MiB) }));

    const texts = await app.texts();
    const floorTexts = await floorStats.texts();
    const perPhase = PHASES.map((phase) => {
      const p = phases.get(phase) as PhaseData;
      const s = summarize(p.ms);
      const n = Math.max(1, p.tally.windows);
      const { work, background_calls } = foreground(p.tally, idleTally);
      const sum = (keep: (q: string) => boolean) => {
        const out = { calls: 0, rows: 0, wal_bytes: 0, exec_ms: 0 };
        for (const [q, t] of work) {
          if (!keep(q)) continue;
          out.calls += t.calls;
          out.rows += t.rows;
          out.wal_bytes += t.wal_bytes;
          out.exec_ms += t.exec_ms;
        }
        return out;
      };
      const all = sum(() => true);
      const written = sum((q) => isWrite(texts.get(q)));
      const top = [...work.entries()]
        .sort((x, y) => y[1].exec_ms - x[1].exec_ms)
        .slice(0, TOP)
        .map(([q, t]) => ({
          query: (texts.get(q) ?? q).replace(/\s+/g, ' ').slice(0, 110),
          calls_per_result: round(t.calls / n, 2),
          exec_ms_per_result: round(t.exec_ms / n, 3),
          rows_per_result: round(t.rows / n, 1),
          wal_bytes_per_result: Math.round(t.wal_bytes / n),
        }));
      return {
        phase,
        n: s.n,
        p50_ms: round(s.p50, 2),
        p99_ms: round(s.p99, 2),
        mean_ms: round(s.mean, 2),
        max_ms: round(s.max, 1),
        statements_per_result: round(all.calls / n, 2),
        rows_written_per_result: round(written.rows / n, 1),
        wal_bytes_per_result: Math.round(all.wal_bytes / n),
        wal_lsn_bytes_per_result: Math.round(p.tally.lsnBytes / n),
        exec_ms_per_result: round(all.exec_ms / n, 3),
        background_statements_per_result: round(background_calls / n, 3),
        top,
      };
    });
    const get = (phase: Phase) => perPhase.find((p) => p.phase === phase) as (typeof perPhase)[0];
    const floorS = summarize(floorMs);
    const floorAll = floorTally.sum();
    const se8 = get('se8').p50_ms;
    const ratios = {
      rr_last_over_rr_first_p50: round(get('rr_last').p50_ms / get('rr_first').p50_ms, 2),
      rr_over_8team_p50: round(get('rr').p50_ms / se8, 2),
      rr_last_over_8team_p50: round(get('rr_last').p50_ms / se8, 2),
      swiss_over_8team_p50: round(get('swiss').p50_ms / se8, 2),
      rr_over_floor_p50: round(get('rr').p50_ms / floorS.p50, 2),
      rr_last_over_floor_p50: round(get('rr_last').p50_ms / floorS.p50, 2),
      swiss_over_floor_p50: round(get('swiss').p50_ms / floorS.p50, 2),
      se8_over_floor_p50: round(se8 / floorS.p50, 2),
    };
    const goalsMet = {
      rr_flat: ratios.rr_last_over_rr_first_p50 <= GOAL.rr_last_over_first,
      size_flat:
        ratios.rr_over_8team_p50 <= GOAL.over_8team &&
        ratios.rr_last_over_8team_p50 <= GOAL.over_8team &&
        ratios.swiss_over_8team_p50 <= GOAL.over_8team,
      near_floor:
        ratios.rr_over_floor_p50 <= GOAL.over_floor &&
        ratios.rr_last_over_floor_p50 <= GOAL.over_floor &&
        ratios.swiss_over_floor_p50 <= GOAL.over_floor &&
        ratios.se8_over_floor_p50 <= GOAL.over_floor,
    };

    const label: Record<Phase, string> = {
      rr_first: `RR ${RR_TEAMS}, rounds 1-${PHASE_ROUNDS}`,
      rr_last: `RR ${RR_TEAMS}, rounds ${rrRounds - PHASE_ROUNDS + 1}-${rrRounds}`,
      rr: `RR ${RR_TEAMS}, all ${rrRounds} rounds`,
      swiss: `Swiss ${SWISS_TEAMS}, ${swiss.currentRound} rounds`,
      se8: `${SE_TEAMS}-team bracket (${brackets} brackets)`,
    };
    console.log('');
    console.log(
      table(
        [
          'per result',
          'n',
          'p50 ms',
          'p99 ms',
          'mean ms',
          'stmts',
          'rows written',
          'WAL B (stmts)',
          'WAL B (LSN)',
          'SQL exec ms',
          'bg stmts',
        ],
        [
          ...perPhase.map((p) => [
            label[p.phase],
            p.n,
            p.p50_ms,
            p.p99_ms,
            p.mean_ms,
            p.statements_per_result,
            p.rows_written_per_result,
            p.wal_bytes_per_result,
            p.wal_lsn_bytes_per_result,
            p.exec_ms_per_result,
            p.background_statements_per_result,
          ]),
          [
            'floor: BEGIN; UPDATE 1 row; INSERT 1 row; COMMIT',
            floorS.n,
            round(floorS.p50, 2),
            round(floorS.p99, 2),
            round(floorS.mean, 2),
            round(floorAll.calls / Math.max(1, floorS.n), 2),
            round(
              floorTally.sum((q) => isWrite(floorTexts.get(q))).rows / Math.max(1, floorS.n),
              1,
            ),
            Math.round(floorAll.wal_bytes / Math.max(1, floorS.n)),
            '',
            round(floorAll.exec_ms / Math.max(1, floorS.n), 3),
            '',
          ],
        ],
      ),
    );
    console.log('');
    console.log(
      table(
        ['ratio of p50s', 'value', 'goal', 'met'],
        [
          [
            'RR last rounds / RR first rounds',
            ratios.rr_last_over_rr_first_p50,
            `<= ${GOAL.rr_last_over_first}`,
            goalsMet.rr_flat ? 'yes' : 'NO',
          ],
          [
            'RR (all) / 8-team',
            ratios.rr_over_8team_p50,
            `<= ${GOAL.over_8team}`,
            ratios.rr_over_8team_p50 <= GOAL.over_8team ? 'yes' : 'NO',
          ],
          [
            'RR last rounds / 8-team',
            ratios.rr_last_over_8team_p50,
            `<= ${GOAL.over_8team}`,
            ratios.rr_last_over_8team_p50 <= GOAL.over_8team ? 'yes' : 'NO',
          ],
          [
            'Swiss / 8-team',
            ratios.swiss_over_8team_p50,
            `<= ${GOAL.over_8team}`,
            ratios.swiss_over_8team_p50 <= GOAL.over_8team ? 'yes' : 'NO',
          ],
          [
            'RR (all) / floor',
            ratios.rr_over_floor_p50,
            `<= ${GOAL.over_floor}`,
            ratios.rr_over_floor_p50 <= GOAL.over_floor ? 'yes' : 'NO',
          ],
          [
            'RR last rounds / floor',
            ratios.rr_last_over_floor_p50,
            `<= ${GOAL.over_floor}`,
            ratios.rr_last_over_floor_p50 <= GOAL.over_floor ? 'yes' : 'NO',
          ],
          [
            'Swiss / floor',
            ratios.swiss_over_floor_p50,
            `<= ${GOAL.over_floor}`,
            ratios.swiss_over_floor_p50 <= GOAL.over_floor ? 'yes' : 'NO',
          ],
          [
            '8-team / floor',
            ratios.se8_over_floor_p50,
            `<= ${GOAL.over_floor}`,
            ratios.se8_over_floor_p50 <= GOAL.over_floor ? 'yes' : 'NO',
          ],
        ],
      ),
    );
    const roundMarks = [1, 2, 5, 10, 25, 50, 75, 100, rrRounds].filter(
      (r, i, a) => r <= rrRounds && a.indexOf(r) === i,
    );
    console.log(
      `  RR p50 by round: ${roundMarks.map((r) => `r${r} ${round(summarize(rrByRound[r] ?? []).p50, 1)}`).join(', ')} ms`,
    );
    console.log(
      `  8-team p50 by result in its bracket (1st..${SE_TEAMS - 1}th): ${seByIndex.map((v) => round(summarize(v).p50, 1)).join(', ')} ms`,
    );
    for (const p of perPhase) {
      if (p.phase === 'rr') continue;
      console.log(`  ${label[p.phase]}: statements by SQL execution time, per result`);
      console.log(
        table(
          ['statement', 'calls', 'exec ms', 'rows', 'WAL B'],
          p.top.map((t) => [
            t.query,
            t.calls_per_result,
            t.exec_ms_per_result,
            t.rows_per_result,
            t.wal_bytes_per_result,
          ]),
        )
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
      );
    }
    console.log(
      `  background statements (seen with nothing posted, ${idleTally.sum().calls} calls in ${IDLE_MS / 1000} s): ${[...background].map((q) => `${idleCalls.get(q)}x ${(texts.get(q) ?? q).replace(/\s+/g, ' ').slice(0, 50)}`).join(' | ')}`,
    );
    console.log(
      `  RSS at the end (MiB): ${rss.map((r) => `${r.process} ${r.rss_mib ?? 'gone'}`).join('; ')}`,
    );
    const totalS = (performance.now() - startedAt) / 1000;
    console.log(
      `  time: setup ${round(setupS)} s, play ${round(playS)} s (results ${round(spent.post / 1000)} s, new brackets ${round(bracketSetupMs / 1000)} s, waiting for the standby to settle ${round(settleMs / 1000)} s, floor ${round(spent.floor / 1000)} s, reading pg_stat_statements ${round(spent.snapshots / 1000)} s, reading rounds ${round(spent.reads / 1000)} s), whole run ${round(totalS)} s`,
    );
    console.log(
      `  results answered other than 2xx: ${failureCount}${failures.length ? ` ${JSON.stringify(failures)}` : ''}`,
    );
    if (orch.errors.length > 0)
      console.log(
        `  error log lines (${orch.errors.length}):\n    ${orch.errors.slice(0, 10).join('\n    ')}`,
      );
    console.log(
      `goals: RR last/first <= ${GOAL.rr_last_over_first} ${goalsMet.rr_flat ? 'met' : 'NOT met'}; each tournament / 8-team <= ${GOAL.over_8team} ${goalsMet.size_flat ? 'met' : 'NOT met'}; result / floor <= ${GOAL.over_floor} ${goalsMet.near_floor ? 'met' : 'NOT met'}`,
    );
    console.log(
      JSON.stringify({
        bench: 'write',
        machine: m,
        commit,
        scale: SCALE,
        postgres: own.version,
        config: {
          rr_teams: RR_TEAMS,
          rr_rounds: rrRounds,
          swiss_teams: SWISS_TEAMS,
          swiss_rounds: swiss.currentRound,
          se_teams: SE_TEAMS,
          se_every: SE_EVERY,
          phase_rounds: PHASE_ROUNDS,
        },
        goals: GOAL,
        goals_met: goalsMet,
        ratios,
        phases: perPhase,
        floor: {
          n: floorS.n,
          p50_ms: round(floorS.p50, 2),
          p99_ms: round(floorS.p99, 2),
          mean_ms: round(floorS.mean, 2),
          statements: round(floorAll.calls / Math.max(1, floorS.n), 2),
          wal_bytes: Math.round(floorAll.wal_bytes / Math.max(1, floorS.n)),
        },
        rr_p50_by_round: rrByRound.slice(1).map((v) => round(summarize(v).p50, 2)),
        se8_p50_by_index: seByIndex.map((v) => round(summarize(v).p50, 2)),
        brackets,
        rss_mib: rss,
        failures: failureCount,
        failure_samples: failures,
        error_log_lines: orch.errors.length,
        time_s: {
          setup: round(setupS),
          play: round(playS),
          total: round(totalS),
          bracket_setup: round(bracketSetupMs / 1000),
          standby_settle: round(settleMs / 1000),
        },
      }),
    );
    if (failureCount > 0) process.exitCode = 1;
  } finally {
    forget();
    await cleanup();
  }
}

await main();
