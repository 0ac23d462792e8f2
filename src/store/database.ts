import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: store functions accept either. */
export type Executor = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

/** The same migrations serve PostgreSQL and the embedded PGlite. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The database could not be reached or opened; the message says which and why. */
export class DatabaseUnavailableError extends Error {}

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'the configured address';
  }
}

/** How long a query waits for a connection of the pool (or for a new one to be made). */
export const ACQUIRE_TIMEOUT_MS = 3000;

export interface PoolOptions {
  /** Connections the pool opens at most (the process's share of PostgreSQL's max_connections). */
  max?: number;
  /** How long an unused connection is kept before it is closed. */
  idleMs?: number;
  /** How long a query waits for a connection before it fails ({@link isDatabaseUnavailable}). */
  acquireTimeoutMs?: number;
}

/**
 * PostgreSQL errors that say the database cannot serve now rather than that
 * the query is wrong: class 08 (connection exception), 53300 (too many
 * connections), 57P01-57P03 (shutting down, cannot connect now).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123])$/;
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
/** pg-pool's own errors carry no code: a connection not handed out in time, or lost while connecting. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
];

/**
 * Whether an error (or one that caused it: drizzle wraps the driver's) means
 * PostgreSQL could not be reached or gave no connection in time. The shells
 * answer these 503 with Retry-After (SPEC §13), never 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (
      typeof code === 'string' &&
      (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_CODES.has(code))
    )
      return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m)))
      return true;
    e = cause;
  }
  return false;
}

export async function openPostgres(url: string, opts: PoolOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    idleTimeoutMillis: opts.idleMs ?? 10_000,
    connectionTimeoutMillis: opts.acquireTimeoutMs ?? ACQUIRE_TIMEOUT_MS,
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    const reason = err instanceof Error ? err.message || err.name : String(err);
    throw new DatabaseUnavailableError(
      `DATABASE_URL: cannot reach PostgreSQL at ${describe(url)} (${reason})`,
    );
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    migrate: () => migratePg(drizzlePg(pool, { schema }), { migrationsFolder: MIGRATIONS_DIR }),
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

/** Opens the embedded database; `source` is a data directory, `memory://`, or a PGlite. */
export async function openPglite(source: string | PGlite): Promise<Database> {
  // Loaded only when used: a server on PostgreSQL never pays for the embedded database.
  const [{ PGlite: Lite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] =
    await Promise.all([
      import('@electric-sql/pglite'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]);
  let client: PGlite;
  try {
    client = typeof source === 'string' ? await Lite.create(source) : source;
    await client.waitReady;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatabaseUnavailableError(`embedded database under ${String(source)}: ${reason}`);
  }
  const orm = drizzlePglite(client, { schema });
  return {
    kind: 'pglite',
    db: orm as unknown as Db,
    migrate: () => migratePglite(orm, { migrationsFolder: MIGRATIONS_DIR }),
    ping: async () => {
      await orm.execute(sql`select 1`);
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}
