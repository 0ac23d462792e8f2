/**
 * The fan-out benchmark's server, run as a child process of its own
 * (`node --import tsx --expose-gc bench/support/sse-server.ts`) so that its
 * memory is measured apart from the clients'. It serves any channel at
 * /events/:channel with the product's `serveEventStream` over a `LiveHub`, and
 * publishes events through the product's `Outbox.commit` (event log row in
 * the transaction, then the bus) when the parent asks over IPC.
 *
 * Environment: BENCH_STORE = postgres | pglite, BENCH_DATABASE_URL (postgres),
 * BENCH_REDIS_URL (unset: in-process bus), BENCH_PREFIX (Redis prefix),
 * BENCH_HEARTBEAT_MS (unset: the product's default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { pino } from 'pino';
import type { Bus } from '../../src/bus/bus.js';
import { MemoryBus } from '../../src/bus/memory-bus.js';
import { RedisBus } from '../../src/bus/redis-bus.js';
import { installErrorHandling } from '../../src/http/error-handler.js';
import { LiveHub } from '../../src/live/hub.js';
import { Outbox } from '../../src/live/outbox.js';
import { serveEventStream } from '../../src/live/sse.js';
import { createLogger } from '../../src/logger.js';
import { type Database, openPglite, openPostgres } from '../../src/store/database.js';

export type ToServer =
  | { cmd: 'clock' }
  | { cmd: 'mem' }
  | { cmd: 'bus' }
  | { cmd: 'ends' }
  | { cmd: 'publish'; channel: string; count: number; intervalMs: number }
  | { cmd: 'stop' };

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  connections: number;
  /** How long a query waited behind the queries already queued. */
  drainMs: number;
}

/**
 * When event n (index n - 1) passed each point of the server, on the server's clock (ms since the
 * epoch; NaN when not seen): `t` before Outbox.commit, `pub` as the outbox hands it to the bus
 * after the commit, `hub` as it comes off the bus into the LiveHub, `written` once the hub's
 * fan-out of it to every client has run (the next turn of the event loop after delivery). That
 * turn can come late when the publisher never waits on I/O: with PGlite and the in-process bus,
 * once a commit and its fan-out take longer than the interval, the whole run goes on in promise
 * callbacks and every `written` stamp lands at its end (10,000 clients here): void figures.
 */
export interface EventTimes {
  t: number[];
  pub: number[];
  hub: number[];
  written: number[];
}

/** Streams the server ended, and the reasons serveEventStream logged for them. */
export interface StreamEnds {
  total: number;
  logged: Record<string, number>;
}

export type FromServer =
  | { kind: 'ready'; url: string; pid: number; store: string; bus: string }
  | { kind: 'clock'; now: number }
  | { kind: 'mem'; mem: MemorySample }
  | { kind: 'published'; commitMs: number[]; commitErrors: number; cpuMs: number }
  | { kind: 'bus'; times: EventTimes }
  | { kind: 'ends'; ends: StreamEnds }
  | { kind: 'stopped' }
  | { kind: 'error'; message: string };

const now = () => performance.timeOrigin + performance.now();

function send(message: FromServer): void {
  process.send?.(message);
}

/** Two full collections, so heapUsed compares live objects only. */
function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

async function main(): Promise<void> {
  const store = process.env.BENCH_STORE ?? 'pglite';
  let database: Database;
  let liteDir: string | undefined;
  if (store === 'postgres') {
    database = await openPostgres(process.env.BENCH_DATABASE_URL as string);
  } else {
    // The embedded default keeps PGlite in a data directory (DATA_DIR), not in memory.
    liteDir = mkdtempSync(join(tmpdir(), 'tourney-bench-pglite-'));
    database = await openPglite(liteDir);
    await database.migrate();
  }
  const redisUrl = process.env.BENCH_REDIS_URL;
  const bus: Bus = redisUrl
    ? await RedisBus.connect(redisUrl, { prefix: process.env.BENCH_PREFIX ?? '' })
    : new MemoryBus();
  const logger = createLogger('silent');
  const times: EventTimes = { t: [], pub: [], hub: [], written: [] };
  /** The tick number of one of our messages, or 0 for anything else. */
  const tickOf = (raw: string): number => {
    try {
      const { n } = JSON.parse(raw) as { n?: unknown };
      return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
    } catch {
      return 0;
    }
  };
  // The outbox publishes through this wrapper, which notes when each event is handed to the bus
  // after its commit: the start of the delay the issue's goal is about.
  const outboxBus: Bus = {
    publish: (channel, message) => {
      const at = now();
      const n = tickOf(message);
      if (n > 0 && Number.isNaN(times.pub[n - 1] ?? Number.NaN)) times.pub[n - 1] = at;
      return bus.publish(channel, message);
    },
    subscribe: (channel, handler, opts) => bus.subscribe(channel, handler, opts),
    ping: () => bus.ping(),
    onReconnect: (listener) => bus.onReconnect(listener),
    get connected() {
      return bus.connected;
    },
    close: () => bus.close(),
  };
  // The hub listens through this one, which notes when each event comes off the bus, before the
  // hub fans it out, and when the fan-out has run: the hub hands the event to every stream at
  // once and each stream writes it to its socket in that turn of the event loop (or in the
  // microtasks and ticks that follow it), so a setImmediate callback runs after the last write.
  const timedBus: Bus = {
    publish: (channel, message) => bus.publish(channel, message),
    subscribe: (channel, handler, opts) =>
      bus.subscribe(
        channel,
        (name, raw) => {
          const at = now();
          const n = tickOf(raw);
          const first = n > 0 && Number.isNaN(times.hub[n - 1] ?? Number.NaN);
          if (first) times.hub[n - 1] = at;
          handler(name, raw);
          if (first) setImmediate(() => (times.written[n - 1] = now()));
        },
        opts,
      ),
    ping: () => bus.ping(),
    onReconnect: (listener) => bus.onReconnect(listener),
    get connected() {
      return bus.connected;
    },
    close: () => bus.close(),
  };
  const hub = new LiveHub(timedBus, { db: database.db });
  const outbox = new Outbox(database, outboxBus, logger);
  outbox.startRelay();

  // serveEventStream logs why it ends a stream (slow client, failed delivery or replay); a
  // failed heartbeat catch-up ends it without a word, so onClose counts every end.
  const ends: StreamEnds = { total: 0, logged: {} };
  const reasons = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        try {
          const { msg, err } = JSON.parse(line) as { msg?: string; err?: unknown };
          if (!msg?.startsWith('SSE')) continue;
          const key = `${msg}${typeof err === 'string' ? `: ${err}` : ''}`;
          ends.logged[key] = (ends.logged[key] ?? 0) + 1;
        } catch {
          // not JSON
        }
      }
      done();
    },
  });
  const app = Fastify({
    forceCloseConnections: true,
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: pino({ level: 'info' }, reasons) as FastifyBaseLogger,
  });
  installErrorHandling(app);
  app.get('/events/:channel', (request, reply) =>
    serveEventStream(request, reply, {
      hub,
      db: database.db,
      channel: (request.params as { channel: string }).channel,
      onClose: () => {
        ends.total++;
      },
      // Unset: the product's default (15 s).
      heartbeatMs: process.env.BENCH_HEARTBEAT_MS
        ? Number(process.env.BENCH_HEARTBEAT_MS)
        : undefined,
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      await outbox.stop();
      await bus.close();
      await database.close();
      if (liteDir) rmSync(liteDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  process.on('message', (raw: ToServer) => {
    void (async () => {
      try {
        switch (raw.cmd) {
          case 'clock':
            send({ kind: 'clock', now: now() });
            break;
          case 'mem': {
            // A query queues behind every query already waiting for the pool (FIFO), so its
            // answer means the replays of the clients connected so far are done.
            const p0 = performance.now();
            await database.ping();
            const drainMs = performance.now() - p0;
            collect();
            const m = process.memoryUsage();
            send({
              kind: 'mem',
              mem: {
                rss: m.rss,
                heapUsed: m.heapUsed,
                external: m.external,
                connections: hub.connections,
                drainMs,
              },
            });
            break;
          }
          case 'ends':
            send({ kind: 'ends', ends });
            break;
          case 'bus':
            send({ kind: 'bus', times });
            break;
          case 'publish': {
            const commitMs: number[] = [];
            let commitErrors = 0;
            const unseen = () => Array.from({ length: raw.count }, () => Number.NaN);
            times.t = unseen();
            times.pub = unseen();
            times.hub = unseen();
            times.written = unseen();
            const cpu0 = process.cpuUsage();
            const start = performance.now();
            for (let n = 1; n <= raw.count; n++) {
              const due = start + (n - 1) * raw.intervalMs;
              const wait = due - performance.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              const t0 = performance.now();
              // `t` is taken before Outbox.commit (so before waiting for a pool connection): the
              // end-to-end delay from it covers the commit too. The delay of the issue's goal starts
              // later, when the outbox hands the committed event to the bus (`times.pub`).
              const t = now();
              times.t[n - 1] = t;
              // A commit that fails (say, no pool connection within its timeout) is retried, as a
              // client would retry its write; the event keeps its first timestamp.
              for (;;) {
                try {
                  await outbox.commit(async () => ({
                    value: null,
                    events: [{ channel: raw.channel, type: 'tick', data: { type: 'tick', n, t } }],
                  }));
                  break;
                } catch (err) {
                  commitErrors++;
                  if (performance.now() - t0 > 120_000) throw err;
                }
              }
              commitMs.push(performance.now() - t0);
            }
            const cpu = process.cpuUsage(cpu0);
            send({
              kind: 'published',
              commitMs,
              commitErrors,
              cpuMs: (cpu.user + cpu.system) / 1000,
            });
            break;
          }
          case 'stop':
            await stop();
            send({ kind: 'stopped' });
            process.disconnect?.();
            break;
        }
      } catch (err) {
        send({ kind: 'error', message: (err as Error).stack ?? String(err) });
      }
    })();
  });
  // The parent gone (crashed or killed): nothing left to serve.
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
  send({
    kind: 'ready',
    url: `http://127.0.0.1:${port}`,
    pid: process.pid,
    store: database.kind,
    bus: redisUrl ? 'redis' : 'memory',
  });
}

main().catch((err) => {
  send({ kind: 'error', message: (err as Error).stack ?? String(err) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
