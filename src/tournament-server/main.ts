import v8 from 'node:v8';
import type { Bus } from '../bus/bus.js';
import { openBus } from '../bus/open.js';
import { type Config, ConfigError } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open.js';
import { Lease } from '../tournament/lease.js';
import { parseAssignment, type StandbyMessage } from '../tournament/standby-protocol.js';
import { buildTournamentServerApp } from './app.js';
import { writesInFlight } from './writes-in-flight.js';

/** How long after it answers a tournament server compacts its heap (see compactHeap). */
const COMPACT_AFTER_MS = 500;
/** After writes (results, registrations...), how long a quiet spell lasts before the heap is compacted again. */
const COMPACT_WHEN_QUIET_MS = 2000;
/** How long a stop waits for the writes being answered. */
const DRAIN_MS = 5000;

/** The connections of a tournament server, opened before it knows its tournament. */
interface Connections {
  bus: Bus;
  database: Database;
}

async function connect(config: Config): Promise<Connections> {
  const bus = await openBus(config);
  const database = await openDatabase(config, 'tournament').catch(async (err) => {
    await bus.close();
    throw err;
  });
  return { bus, database };
}

async function disconnect(conn: Connections): Promise<void> {
  await Promise.allSettled([conn.bus.close(), conn.database.close()]);
}

/**
 * One full garbage collection that also compacts the heap, so that the pages
 * start-up filled with garbage go back to the operating system at once
 * instead of some ten seconds later. Only where the process runs with
 * `--expose-gc`, as the process runner starts tournament servers; later
 * collections follow V8's own compaction heuristics again.
 */
function compactHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return;
  v8.setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    v8.setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

interface Serving {
  epoch: number;
  /** Resolves with the exit code once the server has stopped. */
  done: Promise<number>;
}

/**
 * Takes the tournament's lease (waiting while another holder has it), builds
 * its app and listens. Stops, gives the lease up and closes the connections on
 * SIGTERM/SIGINT or when the lease is lost.
 */
async function serve(
  config: Config,
  conn: Connections,
  tournamentId: string,
  port: number,
  logger: Logger,
): Promise<Serving> {
  const { bus, database } = conn;
  let exitCode = 0;
  let stop: (reason: string) => Promise<void> = async () => {};
  const lease = new Lease(database, tournamentId, () => {
    logger.error('lease lost to another server; no longer writing');
    exitCode = 3;
    void stop('lease lost');
  });
  await lease.acquire();
  const app = await buildTournamentServerApp({
    tournamentId,
    database,
    bus,
    logger,
    sessionSecret: config.sessionSecret,
    fence: lease.fence,
    epoch: lease.epoch,
    publicUrl: `http://${config.host}:${port}`,
  });

  const writes = writesInFlight(app);
  // Play leaves garbage the young generation promoted; once writes pause, compacting hands
  // those pages back, so that a server's memory after a round is what it was at rest.
  let quiet: NodeJS.Timeout | undefined;
  app.addHook('onResponse', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    clearTimeout(quiet);
    quiet = setTimeout(compactHeap, COMPACT_WHEN_QUIET_MS);
    quiet.unref();
  });

  let stopping: Promise<void> | undefined;
  const done = new Promise<number>((resolve) => {
    stop = (reason: string) => {
      stopping ??= (async () => {
        logger.info({ reason }, 'stopping');
        clearTimeout(quiet);
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        // The answers to writes already made go out first (a cancel's 200 included).
        await writes.settled(DRAIN_MS);
        await app.close();
        await lease.release();
        await disconnect(conn);
        resolve(exitCode);
      })();
      return stopping;
    };
  });
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  try {
    await app.listen({ port, host: config.host });
  } catch (err) {
    exitCode = 1;
    await stop('could not listen');
    throw err;
  }
  logger.info(
    { epoch: lease.epoch },
    `tournament ${tournamentId} on http://${config.host}:${port}`,
  );
  setTimeout(compactHeap, COMPACT_AFTER_MS).unref();
  return { epoch: lease.epoch, done };
}

/**
 * Composition root of `tourney tournament --id t_7 --port 6007`: takes the
 * tournament's lease, serves it, and exits when the lease is lost or on
 * SIGTERM/SIGINT.
 */
export async function runTournamentServer(
  config: Config,
  tournamentId: string,
  port: number,
): Promise<number> {
  const logger = createLogger(config.logLevel, `tournament:${tournamentId}`);
  const conn = await connect(config);
  const server = await serve(config, conn, tournamentId, port, logger).catch(async (err) => {
    await disconnect(conn);
    throw err;
  });
  return server.done;
}

/**
 * `tourney tournament --standby`, started by the process runner with an IPC
 * channel: loads the server's code and connects to the database and the bus,
 * says it is ready, then waits. It takes no lease, listens on no port and
 * writes nothing until the runner assigns it a tournament and a port; from
 * then on it is that tournament's server, exactly as `--id --port` would be.
 * Until then it lives only as long as the orchestrator that started it: when
 * the IPC channel closes (the orchestrator stopped or died) it exits.
 */
export async function runStandby(config: Config): Promise<number> {
  if (!process.send || !process.connected) {
    throw new ConfigError(
      '--standby',
      'is started by the process runner: it needs an IPC channel to the orchestrator',
    );
  }
  const send = (message: StandbyMessage) => {
    if (process.connected) process.send?.(message);
  };
  const logger = createLogger(config.logLevel, 'tournament:standby');
  let conn: Connections | undefined;
  let assigned = false;
  let leaving: Promise<never> | undefined;
  const leave = (reason: string) => {
    if (assigned) return;
    leaving ??= (async () => {
      logger.info({ reason }, 'standby leaving');
      const force = setTimeout(() => process.exit(0), 2000);
      force.unref();
      if (conn) await disconnect(conn);
      process.exit(0);
    })();
  };
  const onSignal = (signal: NodeJS.Signals) => leave(signal);
  const onDisconnect = () => leave('orchestrator gone');
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.once('disconnect', onDisconnect);

  const assignment = new Promise<{ tournamentId: string; port: number }>((resolve) => {
    const onMessage = (message: unknown) => {
      const a = parseAssignment(message);
      if (!a) {
        logger.warn({ message }, 'standby: not an assignment; ignored');
        return;
      }
      process.off('message', onMessage);
      resolve(a);
    };
    process.on('message', onMessage);
  });

  // Once this process is done with the channel, the channel no longer keeps it alive.
  const detach = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('disconnect', onDisconnect);
    process.channel?.unref();
  };
  conn = await connect(config).catch((err: unknown) => {
    // The runner sees the exit and tries again later.
    detach();
    throw err;
  });
  if (!process.connected) leave('orchestrator gone');
  compactHeap();
  send({ type: 'standby' });

  const { tournamentId, port } = await assignment;
  if (leaving) return leaving;
  assigned = true;
  detach();
  const serving = await serve(
    config,
    conn,
    tournamentId,
    port,
    createLogger(config.logLevel, `tournament:${tournamentId}`),
  ).catch(async (err: unknown) => {
    send({
      type: 'failed',
      tournament_id: tournamentId,
      message: err instanceof Error ? err.message : String(err),
    });
    if (conn) await disconnect(conn);
    throw err;
  });
  // The server keeps the process alive from here on, not the channel: a server
  // outlives an orchestrator that dies, and the next one adopts it.
  send({ type: 'serving', tournament_id: tournamentId, port, epoch: serving.epoch });
  return serving.done;
}
