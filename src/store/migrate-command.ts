import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openDatabase } from './open.js';

export async function runMigrate(config: Config): Promise<number> {
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, 'migrate');
  try {
    await database.migrate();
    log.info({ database: database.kind }, 'migrations applied');
  } finally {
    await database.close();
  }
  return 0;
}
