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

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5000,
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
