import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { type Database, openPglite, openPostgres } from './database.js';

/**
 * Each kind of process has its own share of PostgreSQL's connections
 * (docs/ARCHITECTURE.md, "PostgreSQL connections"): the orchestrator serves
 * every viewer and page, a tournament server one tournament's writes. A
 * tournament server closes a connection unused for a second, so an idle one
 * holds none between its lease renewals.
 */
const POOLS = {
  orchestrator: (config: Config) => ({ max: config.databasePoolMax, idleMs: 10_000 }),
  tournament: (config: Config) => ({ max: config.tournamentDatabasePoolMax, idleMs: 1000 }),
  migrate: () => ({ max: 1 }),
};

/** The configured database: PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR. */
export async function openDatabase(
  config: Config,
  kind: keyof typeof POOLS = 'orchestrator',
): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, POOLS[kind](config));
  const dir = join(config.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  return openPglite(dir);
}
