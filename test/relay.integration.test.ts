import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { loadConfig } from '../src/config.js';
import { appendEvents, unpublishedEvents } from '../src/live/event-log.js';
import { createLogger } from '../src/logger.js';
import { buildOrchestratorApp } from '../src/orchestrator/app.js';
import { InlineRunner } from '../src/tournament-server/inline-runner.js';
import { createTestDatabase, type TestDatabase } from './support/backends.js';
import { call, register, until } from './support/gateway.js';

/**
 * One relay per deployment: only the orchestrator elected for the `relay`
 * role republishes what was left unpublished; tournament servers never do.
 */
describe('the relay', () => {
  let t: TestDatabase | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await t?.drop();
    app = t = undefined;
  });

  const orphan = 'tournament:t_404:events';
  const unpublished = async (db: TestDatabase) =>
    (await unpublishedEvents(db.database.db, new Date(Date.now() + 60_000))).filter(
      (e) => e.channel === orphan,
    ).length;

  it('runs only in the orchestrator holding the relay role, and takes over once that lease lapses', async () => {
    t = await createTestDatabase('postgres');
    // Another orchestrator holds the role.
    await t.database.db.execute(
      `insert into leaders (role, holder, epoch, expires_at) values ('relay', 'elsewhere', 1, now() + interval '1 hour')` as never,
    );
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tourney-relay-')),
      DATABASE_URL: t.url as string,
      SESSION_SECRET: 'a-test-secret-of-some-length',
      TOURNAMENT_RUNNER: 'inline',
      LOG_LEVEL: 'silent',
    });
    app = await buildOrchestratorApp({
      config,
      database: t.database,
      bus: new MemoryBus(),
      logger: createLogger('silent'),
      inlineRunner: (deps) => new InlineRunner(deps),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    // A live tournament: its server runs (in this process, with its own outbox).
    const token = await register(base);
    const created = await call(base, token, 'POST', '/api/v1/tournaments', {
      name: 'Relay Cup',
      format: 'single_elimination',
      min_teams: 2,
      max_teams: 8,
    });
    expect(
      (await call(base, token, 'POST', `/api/v1/tournaments/${created.body.id}/publish`)).status,
    ).toBe(200);

    // A writer that committed and died before publishing.
    await appendEvents(t.database.db, [{ channel: orphan, type: 'tick', data: { type: 'tick' } }]);
    // Neither this orchestrator nor the tournament server relays: after several relay periods
    // (every second, for events older than 2 s) the event is still unpublished.
    for (const since = Date.now(); Date.now() - since < 4000; ) {
      expect(await unpublished(t)).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
    }

    // The other relay's lease lapses: this orchestrator takes the role and republishes.
    await t.database.db.execute(
      `update leaders set expires_at = now() - interval '1 second' where role = 'relay'` as never,
    );
    await until(
      'the event to be relayed',
      async () => (await unpublished(t as TestDatabase)) === 0,
      5000,
    );
  }, 30_000);
});
