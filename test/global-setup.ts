import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../src/store/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
    pgAdminUrl: string;
    pgliteTemplate: string;
    redisUrl: string;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Migrates once: a PostgreSQL template database that each test file clones, and
 * a dump of a migrated PGlite that each test loads. Real services are required:
 * a test run that cannot reach them fails, it never skips them.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL for tests is unreachable at ${adminUrl} (${(err as Error).message}); start it or set TEST_DATABASE_URL`,
    );
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    await admin.end();
    throw new Error(
      `Redis for tests is unreachable at ${redisUrl} (${(err as Error).message}); start it or set TEST_REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }

  const template = `tourney_tpl_${process.pid}_${Date.now()}`;
  await admin.query(`create database ${template}`);
  const tplDb = await openPostgres(withDatabase(adminUrl, template), { max: 1 });
  await tplDb.migrate();
  await tplDb.close();

  const dir = mkdtempSync(join(tmpdir(), 'tourney-pglite-'));
  const lite = await PGlite.create();
  const liteDb = await openPglite(lite);
  await liteDb.migrate();
  const dump = await lite.dumpDataDir('none');
  const dumpPath = join(dir, 'migrated.tar');
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  await liteDb.close();

  project.provide('pgTemplate', template);
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgliteTemplate', dumpPath);
  project.provide('redisUrl', redisUrl);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    // Test files drop their own databases; anything a crashed file left behind goes too.
    const left = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'tourney_t_${process.pid}_%' or datname = $1`,
      [template],
    );
    for (const { datname } of left.rows) {
      await admin.query(`drop database if exists ${datname} with (force)`);
    }
    await admin.end();
  };
}
