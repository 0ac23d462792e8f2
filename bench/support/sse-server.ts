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
  | { kind: 'bus'; busMs: number[] }
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
  // The hub listens through this wrapper, which notes when each event comes off the bus
  // (publish timestamp -> bus delivery: the commit plus the bus hop), before the hub fans it out.
  const busMs = new Map<number, number>();
  const timedBus: Bus = {
    publish: (channel, message) => bus.publish(channel, message),
    subscribe: (channel, handler, opts) =>
      bus.subscribe(
        channel,
        (name, raw) => {
          const at = now();
          try {
            const { n, t } = JSON.parse(raw) as { n?: number; t?: number };
            if (typeof n === 'number' && typeof t === 'number' && !busMs.has(n))
              busMs.set(n, at - t);
          } catch {
            // not one of ours
          }
          handler(name, raw);
        },
        opts,
      ),
    ping: () => bus.ping(),
    onReconnect: (listener) => bus.onReconnect(listener),
    close: () => bus.close(),
  };
  const hub = new LiveHub(timedBus, { db: database.db });
  const outbox = new Outbox(database, bus, logger);
  outbox.start();

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
            send({ kind: 'bus', busMs: [...busMs.values()] });
            break;
          case 'publish': {
            const commitMs: number[] = [];
            let commitErrors = 0;
            busMs.clear();
            const cpu0 = process.cpuUsage();
            const start = performance.now();
            for (let n = 1; n <= raw.count; n++) {
              const due = start + (n - 1) * raw.intervalMs;
              const wait = due - performance.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              const t0 = performance.now();
              // The publish timestamp is taken before Outbox.commit (so before waiting for a pool
              // connection): the measured delay covers commit, bus, hub and the write to each client.
              const t = now();
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
