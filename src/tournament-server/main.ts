import { openBus } from '../bus/open.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openDatabase } from '../store/open.js';
import { buildTournamentServerApp } from './app.js';
import { Lease } from './lease.js';

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
  const bus = await openBus(config);
  const database = await openDatabase(config).catch(async (err) => {
    await bus.close();
    throw err;
  });
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
    publicUrl: `http://${config.host}:${port}`,
  });

  let stopping: Promise<void> | undefined;
  const done = new Promise<void>((resolve) => {
    stop = (reason: string) => {
      stopping ??= (async () => {
        logger.info({ reason }, 'stopping');
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        await app.close();
        await lease.release();
        await bus.close();
        await database.close();
        resolve();
      })();
      return stopping;
    };
  });
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port, host: config.host });
  logger.info(
    { epoch: lease.epoch },
    `tournament ${tournamentId} on http://${config.host}:${port}`,
  );
  await done;
  return exitCode;
}
