import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { buildOrchestratorApp } from '../src/orchestrator/app.js';
import { type Database, openPostgres } from '../src/store/database.js';
import { InlineRunner } from '../src/tournament-server/inline-runner.js';
import { createTestDatabase, type TestDatabase } from './support/backends.js';

/**
 * A process's PostgreSQL pool is a budget (docs/ARCHITECTURE.md, "PostgreSQL
 * connections"): a request that cannot get a connection in time is answered
 * 503 with Retry-After, never 500, and the next one goes through once a
 * connection is free again.
 */
describe('the PostgreSQL connection budget', () => {
  let t: TestDatabase | undefined;
  let database: Database | undefined;
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    await database?.close();
    await t?.drop();
    app = database = t = undefined;
  });

  it('a request that gets no pooled connection in time is 503 with Retry-After', async () => {
    t = await createTestDatabase('postgres');
    // A pool of one, waiting at most 300 ms for it.
    database = await openPostgres(t.url as string, { max: 1, acquireTimeoutMs: 300 });
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-pool-')),
      DATABASE_URL: t.url as string,
      SESSION_SECRET: 'a-test-secret-of-some-length',
      TOURNAMENT_RUNNER: 'inline',
      LOG_LEVEL: 'silent',
    });
    const bus = new MemoryBus();
    app = await buildOrchestratorApp({
      config,
      database,
      bus,
      logger: createLogger('silent'),
      inlineRunner: (deps) => new InlineRunner(deps),
    });
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/api/v1/tournaments' })).statusCode).toBe(200);

    // A long transaction holds the only connection.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const holding = database.db.transaction(async () => held);
    try {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/api/v1/tournaments' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('service_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(3000);
      // A stream asked for meanwhile is refused the same way.
      const stream = await app.inject({ method: 'GET', url: '/api/v1/tournaments/t_1/events' });
      expect(stream.statusCode).toBe(503);
      expect(stream.headers['retry-after']).toBeDefined();
    } finally {
      release();
      await holding;
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/tournaments' })).statusCode).toBe(200);
  });
});
