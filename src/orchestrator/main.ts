import { openBus } from '../bus/open.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openDatabase } from '../store/open.js';
import { buildOrchestratorApp, type OrchestratorDeps } from './app.js';

/** Composition root of the orchestrator: the one place that wires adapters to the app. */
export async function runOrchestrator(
  config: Config,
  wiring: Pick<OrchestratorDeps, 'inlineRunner'> = {},
): Promise<number> {
  const logger = createLogger(config.logLevel, 'orchestrator');
  if (config.databaseUrl && config.sessionSecretGenerated) {
    logger.warn(
      `SESSION_SECRET is not set: using one generated under ${config.dataDir}; set it when several hosts serve one deployment`,
    );
  }
  // The bus first: it fails in milliseconds, while opening a new embedded database takes seconds.
  const bus = await openBus(config);
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(config);
  } catch (err) {
    await bus.close();
    throw err;
  }
  try {
    await database.migrate();
  } catch (err) {
    await Promise.allSettled([bus.close(), database.close()]);
    throw err;
  }
  const app = await buildOrchestratorApp({ config, database, bus, logger, ...wiring });

  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => {
    stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        logger.error('shutdown took longer than 10 s; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      await app.close();
      await bus.close();
      await database.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { database: database.kind, bus: config.redisUrl ? 'redis' : 'memory', runner: config.runner },
    `Tourney orchestrator on http://${config.host}:${config.port}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => void stop('SIGINT').then(resolve));
    process.once('SIGTERM', () => void stop('SIGTERM').then(resolve));
  });
  return 0;
}
