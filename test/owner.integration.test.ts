/**
 * A tournament server owns its tournament: it loads it once, when it takes
 * the lease, answers reads from memory, and once another server has taken the
 * lease it refuses every write with 503 and Retry-After (never a 500), writing
 * nothing.
 */

import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus } from '../src/bus/bus.js';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { Outbox } from '../src/live/outbox.js';
import { createLogger } from '../src/logger.js';
import { ownerlessFence } from '../src/orchestrator/ownerless-fence.js';
import { teams, tournaments } from '../src/store/schema.js';
import { loadTournament } from '../src/store/tournaments.js';
import { createUser, issueToken, type User } from '../src/store/users.js';
import { Lease, revokeLease } from '../src/tournament/lease.js';
import { TournamentService } from '../src/tournament/service.js';
import { TournamentWriter } from '../src/tournament/writer.js';
import { buildTournamentServerApp } from '../src/tournament-server/app.js';
import { createTestDatabase, type TestDatabase } from './support/backends.js';

const SECRET = 'owner-test-secret-owner-test-secret';

describe('the owner of a tournament', () => {
  let t: TestDatabase;
  let bus: Bus;
  let app: FastifyInstance;
  let lease: Lease;
  let id: string;
  let token: string;

  beforeEach(async () => {
    t = await createTestDatabase('postgres');
    bus = new MemoryBus();
    const db = t.database.db;
    const organizer = (await createUser(db, 'organizer', 'x')) as User;
    token = await issueToken(db, Number(organizer.id.slice(2)));
    // The orchestrator's part: create and publish.
    const outbox = new Outbox(t.database, bus, createLogger('silent'));
    const service = new TournamentService(
      t.database,
      new TournamentWriter(t.database, outbox, ownerlessFence),
    );
    const created = await service.create(organizer, {
      name: 'Owned',
      format: 'single_elimination',
      min_teams: 2,
      max_teams: 8,
    });
    if (!created.ok) throw new Error(created.error.code);
    id = created.stored.agg.id;
    expect((await service.publish(organizer, id)).ok).toBe(true);
    // The server's part: the lease, then the app.
    lease = new Lease(t.database, id, () => {});
    await lease.acquire();
    app = await buildTournamentServerApp({
      tournamentId: id,
      database: t.database,
      bus,
      logger: createLogger('silent'),
      sessionSecret: SECRET,
      fence: lease.fence,
      epoch: lease.epoch,
      publicUrl: 'http://127.0.0.1:6999',
    });
  });

  afterEach(async () => {
    await app?.close();
    await lease?.release();
    await bus?.close();
    await t?.drop();
  });

  const post = (url: string, body?: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  it('answers reads from the aggregate it holds, and persists what each command changed', async () => {
    expect((await post('/api/teams', { name: 'Owls' })).statusCode).toBe(201);
    // Rows changed behind the owner's back are not what it serves: it read them once.
    await t.database.db
      .update(tournaments)
      .set({ name: 'Renamed behind its back' })
      .where(eq(tournaments.id, Number(id.slice(2))));
    const state = await app.inject({ method: 'GET', url: '/api/state' });
    expect(state.json()).toMatchObject({ tournament_id: id, name: 'Owned', team_count: 1 });
    // What the command changed is in the store for a successor.
    const stored = await loadTournament(t.database.db, id);
    expect(stored?.agg.teams.map((x) => x.name)).toEqual(['Owls']);
  });

  it('refuses writes with 503 and Retry-After once another server holds the lease', async () => {
    expect((await post('/api/teams', { name: 'Owls' })).statusCode).toBe(201);
    // A successor takes over (the orchestrator revoked the lease of a server it thought dead).
    await revokeLease(t.database.db, id);
    const successor = new Lease(t.database, id, () => {});
    expect(await successor.tryAcquire()).toBe(true);

    const refused = await post('/api/teams', { name: 'Foxes' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json().error.code).toBe('service_unavailable');
    const rows = await t.database.db
      .select({ name: teams.name })
      .from(teams)
      .where(eq(teams.tournament_id, Number(id.slice(2))));
    expect(rows.map((r) => r.name)).toEqual(['Owls']);
    await successor.release();
  });
});
