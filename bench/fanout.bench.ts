/**
 * Live fan-out benchmark (docs/PERFORMANCE.md, "Live fan-out"; issue "SSE that
 * loses no event"). N SSE clients on one channel, E events published through
 * the real path: Outbox.commit -> event log row -> bus -> LiveHub -> SSE.
 *
 * The server (LiveHub + serveEventStream + Outbox, the product's code) runs in
 * a child process of its own, bench/support/sse-server.ts, so its memory per
 * connection is not mixed with the clients'; the clients (raw TCP
 * connections, see bench/support/sse-swarm.ts) run in this process, so server
 * and clients have an event loop each. Rows: PostgreSQL + Redis ("real") and
 * PGlite + in-process bus ("embedded", the baseline).
 *
 * The delay of the goal runs from the moment the outbox hands the committed
 * event to the bus to its receipt by each client; the commit and the delay
 * from before the commit (end to end) are reported beside it.
 *
 *   npm run bench:fanout
 *   npm run bench:fanout -- --clients 100 --events 20 --backends real   # smoke test
 *
 * Flags: --clients 1000,10000  --events 100  --interval-ms 100
 *        --backends real,embedded  --timeout-ms 60000  --heartbeat-ms <product default>
 * Prints a table, then as its last line one JSON object.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import {
  type BenchDatabase,
  createBenchDatabase,
  ephemeralPorts,
  loadAverage,
  machine,
  onInterrupt,
  openFileLimit,
  REDIS_URL,
  uniquePrefix,
} from './support/services.js';
import type { FromServer, MemorySample, StreamEnds, ToServer } from './support/sse-server.js';
import { SseSwarm } from './support/sse-swarm.js';
import { flag, MiB, round, sleep, summarize, table } from './support/stats.js';

type Backend = 'real' | 'embedded';

const CLIENTS = (flag('clients') ?? '1000,10000').split(',').map(Number);
const EVENTS = Number(flag('events') ?? 100);
const INTERVAL_MS = Number(flag('interval-ms') ?? 100);
const BACKENDS = (flag('backends') ?? 'real,embedded').split(',') as Backend[];
const TIMEOUT_MS = Number(flag('timeout-ms') ?? 60_000);
/** SSE heartbeat of the server; unset, the product's default (15 s), as measured in the docs. */
const HEARTBEAT_MS = flag('heartbeat-ms');
/** The p99 goal of the issue, at 1,000 clients. */
const GOAL_P99_MS = 50;

const now = () => performance.timeOrigin + performance.now();

/** A server child and a way to ask it things over IPC. */
class ServerChild {
  private readonly waiting = new Map<string, Array<(m: FromServer) => void>>();
  private readonly failures = new Set<(err: Error) => void>();
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromServer) => {
      if (m.kind === 'error') {
        console.error(`server child: ${m.message}`);
        for (const fail of this.failures) fail(new Error(`server child failed: ${m.message}`));
        return;
      }
      const list = this.waiting.get(m.kind);
      list?.shift()?.(m);
    });
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  next<K extends FromServer['kind']>(
    kind: K,
    ms = 600_000,
  ): Promise<Extract<FromServer, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.failures.delete(fail);
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`server child: no "${kind}" in ${ms} ms`)), ms);
      this.failures.add(fail);
      const list = this.waiting.get(kind) ?? [];
      list.push((m) => {
        clearTimeout(timer);
        this.failures.delete(fail);
        resolve(m as Extract<FromServer, { kind: K }>);
      });
      this.waiting.set(kind, list);
      this.exited.then(() => fail(new Error(`server child exited while waiting for "${kind}"`)));
    });
  }

  ask<K extends FromServer['kind']>(message: ToServer, kind: K, ms?: number) {
    const reply = this.next(kind, ms);
    this.child.send(message);
    return reply;
  }

  async mem(): Promise<MemorySample> {
    return (await this.ask({ cmd: 'mem' }, 'mem')).mem;
  }

  /** The server's clock minus ours, from the IPC round trip with the smallest delay. */
  async clockOffset(rounds = 25): Promise<{ offset: number; rtt: number }> {
    let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
    for (let i = 0; i < rounds; i++) {
      const t0 = now();
      const { now: theirs } = await this.ask({ cmd: 'clock' }, 'clock');
      const t1 = now();
      if (t1 - t0 < best.rtt) best = { offset: theirs - (t0 + t1) / 2, rtt: t1 - t0 };
    }
    return best;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      await this.ask({ cmd: 'stop' }, 'stopped', 30_000);
    } catch {
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}

/** Server timestamps as received over IPC (JSON turns NaN into null). */
function timesOf(values: ReadonlyArray<number | null>): number[] {
  return values.map((v) => (typeof v === 'number' ? v : Number.NaN));
}

/** Per event, b[i] - a[i], leaving out events either point did not see. */
function spans(a: readonly number[], b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const d = (b[i] as number) - (a[i] as number);
    if (!Number.isNaN(d)) out.push(d);
  }
  return out;
}

interface Row {
  backend: Backend;
  store: string;
  bus: string;
  clients: number;
  events: number;
  interval_ms: number;
  connect_s: number;
  /** Delay from the outbox handing the committed event to the bus to its receipt (the goal). */
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
  /** End to end: from before Outbox.commit (pool wait and transaction included) to receipt. */
  e2e_p50_ms: number;
  e2e_p99_ms: number;
  e2e_max_ms: number;
  lost: number;
  duplicates: number;
  out_of_order: number;
  /** Messages whose id line, event name and JSON data disagree. */
  malformed: number;
  disconnects: number;
  reconnects: number;
  /** Streams the server ended before the end of the row (with serveEventStream's logged reasons). */
  server_stream_ends: StreamEnds;
  rss_per_conn_kib: number;
  heap_per_conn_kib: number;
  server_rss_mib: { before: number; connected: number; after_events: number };
  /** Outbox.commit as a whole: pool wait, transaction, publish, marking the row published. */
  commit_p50_ms: number;
  commit_p99_ms: number;
  commit_errors: number;
  /** Before Outbox.commit to the publish on the bus: pool wait and transaction. */
  tx_p50_ms: number;
  tx_p99_ms: number;
  replay_drain_ms: number;
  /** Publish on the bus to the event coming off it in the server. */
  bus_p50_ms: number;
  bus_p99_ms: number;
  /** The server's fan-out of one event: off the bus to written to every client's socket. */
  fanout_p50_ms: number;
  fanout_p99_ms: number;
  /** Per event, publish to its arrival at the last of the clients. */
  last_client_p50_ms: number;
  last_client_p99_ms: number;
  server_cpu_ms: number;
  client_cpu_ms: number;
  clock_offset_ms: number;
  load_1m: number;
  complete: boolean;
}

async function runRow(backend: Backend, clients: number, db: BenchDatabase | null): Promise<Row> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  if (HEARTBEAT_MS) env.BENCH_HEARTBEAT_MS = HEARTBEAT_MS;
  if (backend === 'real') {
    env.BENCH_STORE = 'postgres';
    env.BENCH_DATABASE_URL = (db as BenchDatabase).url;
    env.BENCH_REDIS_URL = REDIS_URL;
    env.BENCH_PREFIX = uniquePrefix('fanout');
  } else {
    env.BENCH_STORE = 'pglite';
    delete env.BENCH_DATABASE_URL;
    delete env.BENCH_REDIS_URL;
  }
  const child = fork(join(import.meta.dirname, 'support', 'sse-server.ts'), [], {
    // BENCH_SERVER_NODE_ARGS adds flags for the server alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const server = new ServerChild(child);
  const forget = onInterrupt(() => void child.kill('SIGKILL'));
  let swarm: SseSwarm | undefined;
  try {
    const ready = await server.next('ready', 120_000);
    const load = loadAverage();
    const { offset } = await server.clockOffset();
    const channel = `tournament:bench_${process.pid}_${clients}:events`;
    // One source address has `ephemeralPorts()` local ports towards one server port; keep half spare.
    const sources = Math.max(1, Math.ceil(clients / (ephemeralPorts() / 2)));
    swarm = new SseSwarm({
      url: `${ready.url}/events/${channel}`,
      clients,
      events: EVENTS,
      sources,
      clockOffsetMs: offset,
    });

    const before = await server.mem();
    const c0 = performance.now();
    await swarm.connectAll();
    const connectS = (performance.now() - c0) / 1000;
    await sleep(1000);
    const connected = await server.mem();
    if (connected.connections !== clients) {
      console.warn(
        `warning: server counts ${connected.connections} connections, expected ${clients}`,
      );
    }

    const cpu0 = process.cpuUsage();
    const published = await server.ask(
      { cmd: 'publish', channel, count: EVENTS, intervalMs: INTERVAL_MS },
      'published',
    );
    const complete = await swarm.waitComplete(TIMEOUT_MS);
    const cpu = process.cpuUsage(cpu0);
    const afterEvents = await server.mem();
    const ends = (await server.ask({ cmd: 'ends' }, 'ends')).ends;

    // Asked once every client is done: the last event may reach the hub after "published".
    const { times } = await server.ask({ cmd: 'bus' }, 'bus');
    const t = timesOf(times.t);
    const pub = timesOf(times.pub);
    const hub = timesOf(times.hub);
    const written = timesOf(times.written);
    const lat = summarize(swarm.delaysFrom(pub));
    const e2e = summarize(swarm.delaysFrom(t));
    const commit = summarize(published.commitMs);
    const tx = summarize(spans(t, pub));
    const bus = summarize(spans(pub, hub));
    const fanout = summarize(spans(hub, written));
    // Last arrivals are on this process's clock; the server's timestamps are brought onto it.
    const last = summarize(
      spans(
        pub.map((v) => v - offset),
        swarm.lastArrivals(),
      ),
    );
    return {
      backend,
      store: ready.store,
      bus: ready.bus,
      clients,
      events: EVENTS,
      interval_ms: INTERVAL_MS,
      connect_s: round(connectS, 2),
      p50_ms: round(lat.p50),
      p99_ms: round(lat.p99),
      max_ms: round(lat.max),
      mean_ms: round(lat.mean),
      e2e_p50_ms: round(e2e.p50),
      e2e_p99_ms: round(e2e.p99),
      e2e_max_ms: round(e2e.max),
      lost: swarm.lost(),
      duplicates: swarm.duplicates,
      out_of_order: swarm.outOfOrder,
      malformed: swarm.malformed + swarm.unexpected,
      disconnects: swarm.disconnects,
      reconnects: swarm.reconnects,
      server_stream_ends: ends,
      rss_per_conn_kib: round((connected.rss - before.rss) / clients / 1024),
      heap_per_conn_kib: round((connected.heapUsed - before.heapUsed) / clients / 1024),
      server_rss_mib: {
        before: round(before.rss / MiB),
        connected: round(connected.rss / MiB),
        after_events: round(afterEvents.rss / MiB),
      },
      commit_p50_ms: round(commit.p50, 2),
      commit_p99_ms: round(commit.p99, 2),
      commit_errors: published.commitErrors,
      tx_p50_ms: round(tx.p50, 2),
      tx_p99_ms: round(tx.p99, 2),
      replay_drain_ms: round(connected.drainMs),
      bus_p50_ms: round(bus.p50, 2),
      bus_p99_ms: round(bus.p99, 2),
      fanout_p50_ms: round(fanout.p50, 2),
      fanout_p99_ms: round(fanout.p99, 2),
      last_client_p50_ms: round(last.p50),
      last_client_p99_ms: round(last.p99),
      server_cpu_ms: round(published.cpuMs, 0),
      client_cpu_ms: round((cpu.user + cpu.system) / 1000, 0),
      clock_offset_ms: round(offset, 3),
      load_1m: load,
      complete,
    };
  } finally {
    swarm?.close();
    await server.stop();
    forget();
  }
}

async function main(): Promise<void> {
  const m = machine();
  const fdLimit = openFileLimit();
  const sizes = CLIENTS.filter((n) => {
    // Each process holds one descriptor per connection, plus its own files and pools.
    if (n + 256 <= fdLimit) return true;
    console.warn(
      `skipping ${n} clients: ulimit -n is ${fdLimit}; raise it (ulimit -n ${n + 1024})`,
    );
    return false;
  });
  console.log(
    `Live fan-out benchmark: ${EVENTS} events every ${INTERVAL_MS} ms, ${m.nproc} CPUs (${m.cpu}), node ${m.node}, ulimit -n ${fdLimit}, load ${m.load}`,
  );
  const db = BACKENDS.includes('real') ? await createBenchDatabase('fanout') : null;
  if (db) onInterrupt(() => db.drop());
  const rows: Row[] = [];
  try {
    for (const backend of BACKENDS) {
      for (const n of sizes) {
        console.log(`  ${backend}: ${n} clients ...`);
        const row = await runRow(backend, n, db);
        rows.push(row);
        console.log(
          `    publish to receipt: p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, max ${row.max_ms} ms; before commit to receipt: p99 ${row.e2e_p99_ms} ms; lost ${row.lost}, ${row.rss_per_conn_kib} KiB RSS/conn`,
        );
        await sleep(2000);
      }
    }
  } finally {
    await db?.drop();
  }

  console.log('');
  console.log(
    table(
      [
        'backend',
        'clients',
        'p50 ms',
        'p99 ms',
        'max ms',
        'e2e p50',
        'e2e p99',
        'commit p50',
        'to hub p50',
        'fan-out p50',
        'last p99',
        'lost',
        'dup',
        'bad',
        'reconn',
        'RSS/conn KiB',
        'heap/conn KiB',
        'connect s',
        'load',
      ],
      rows.map((r) => [
        `${r.store}+${r.bus}`,
        r.clients,
        r.p50_ms,
        r.p99_ms,
        r.max_ms,
        r.e2e_p50_ms,
        r.e2e_p99_ms,
        r.commit_p50_ms,
        r.bus_p50_ms,
        r.fanout_p50_ms,
        r.last_client_p99_ms,
        r.lost,
        r.duplicates,
        r.malformed,
        r.reconnects,
        r.rss_per_conn_kib,
        r.heap_per_conn_kib,
        r.connect_s,
        r.load_1m,
      ]),
    ),
  );
  const goalRow = rows.find((r) => r.backend === 'real' && r.clients === 1000);
  const goal = goalRow ? goalRow.p99_ms < GOAL_P99_MS && goalRow.lost === 0 : null;
  console.log(
    `goal (postgres+redis, 1,000 clients: p99 from publish to receipt < ${GOAL_P99_MS} ms, 0 lost): ${goal === null ? 'not measured' : goal ? 'met' : 'NOT met'}`,
  );
  console.log(
    JSON.stringify({
      bench: 'fanout',
      machine: m,
      events: EVENTS,
      interval_ms: INTERVAL_MS,
      heartbeat_ms: HEARTBEAT_MS ? Number(HEARTBEAT_MS) : 15_000,
      goal_p99_ms: GOAL_P99_MS,
      goal_met: goal,
      rows,
    }),
  );
  if (rows.some((r) => r.lost > 0 || r.duplicates > 0 || r.malformed > 0)) process.exitCode = 1;
}

await main();
