import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import type { Bus } from '../../src/bus/bus.js';
import { MemoryBus } from '../../src/bus/memory-bus.js';
import { RedisBus } from '../../src/bus/redis-bus.js';
import { type Database, openPglite, openPostgres } from '../../src/store/database.js';

export type StoreKind = 'pglite' | 'postgres';
export type BusKind = 'memory' | 'redis';

export const storeKinds: StoreKind[] = ['pglite', 'postgres'];
export const busKinds: BusKind[] = ['memory', 'redis'];

let counter = 0;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase {
  database: Database;
  /** Connection string of the PostgreSQL database (null for PGlite). */
  url: string | null;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for the caller. */
export async function createTestDatabase(kind: StoreKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const blob = new Blob([readFileSync(inject('pgliteTemplate'))]);
    const lite = await PGlite.create({ loadDataDir: blob });
    const database = await openPglite(lite);
    return { database, url: null, drop: () => database.close() };
  }
  const adminUrl = inject('pgAdminUrl');
  // The global setup drops databases named after its own pid if a test file leaves one.
  const name = `tourney_t_${process.ppid}_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const database = await openPostgres(url);
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** A unique channel prefix keeps each test's Redis traffic apart on a shared server. */
export function uniquePrefix(): string {
  return `test:${process.pid}:${Date.now()}:${counter++}:`;
}

export async function createTestBus(kind: BusKind, prefix = uniquePrefix()): Promise<Bus> {
  if (kind === 'memory') return new MemoryBus();
  return RedisBus.connect(inject('redisUrl'), { prefix });
}
