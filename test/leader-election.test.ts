import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { LeaderElection, type LeaderRole } from '../src/orchestrator/leader-election.js';
import { createTestDatabase, type TestDatabase } from './support/backends.js';
import { eventually } from './support/eventually.js';

/** The elections of the supervising and the relaying orchestrator (SPEC §9) on one database, with short leases. */
describe('leader election', () => {
  let t: TestDatabase | undefined;
  const elections: LeaderElection[] = [];

  afterEach(async () => {
    await Promise.all(elections.splice(0).map((e) => e.stop({ release: false })));
    await t?.drop();
    t = undefined;
  });

  function candidate(
    db: TestDatabase,
    log: string[],
    name: string,
    leaseMs = 400,
    role: LeaderRole = 'supervisor',
  ) {
    const e = new LeaderElection({
      role,
      db: db.database.db,
      logger: createLogger('silent'),
      onElected: (epoch) => {
        log.push(`${name} elected ${epoch}`);
      },
      onDeposed: () => {
        log.push(`${name} deposed`);
      },
      leaseMs,
      renewMs: 100,
      watchMs: 50,
    });
    elections.push(e);
    return e;
  }

  it('one leads at a time; when it stops renewing another takes over with a higher epoch', async () => {
    t = await createTestDatabase('pglite');
    const log: string[] = [];
    const a = candidate(t, log, 'a');
    const b = candidate(t, log, 'b');
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    // Renewals keep it: b stays a follower for several lease lengths.
    await new Promise((r) => setTimeout(r, 1000));
    expect(log).toEqual(['a elected 1']);

    // a dies without giving the lease up: b takes over once it lapses.
    await a.stop({ release: false });
    await eventually(() => b.isLeader, 3000, 'b to lead');
    expect(b.leaderEpoch).toBe(2);
    expect(log).toEqual(['a elected 1', 'b elected 2']);
  });

  it('a leader whose lease was taken steps down; a released lease is taken at once', async () => {
    t = await createTestDatabase('pglite');
    const log: string[] = [];
    const a = candidate(t, log, 'a', 60_000);
    await a.start();
    // Another holder takes the row over (as after a lapse a slow leader did not notice).
    await t.database.db.execute(
      `update leaders set holder = 'someone else', epoch = epoch + 1 where role = 'supervisor'` as never,
    );
    await eventually(() => !a.isLeader, 3000, 'a to step down');
    expect(log).toEqual(['a elected 1', 'a deposed']);

    await t.database.db.execute(
      `update leaders set holder = null, expires_at = null where role = 'supervisor'` as never,
    );
    const b = candidate(t, log, 'b', 60_000);
    await b.start();
    expect(b.isLeader).toBe(true);
    await b.stop();
    const c = candidate(t, log, 'c', 60_000);
    await c.start();
    expect(c.isLeader).toBe(true);
    expect(log).toEqual(['a elected 1', 'a deposed', 'b elected 3', 'c elected 4']);
  });

  it('each role has its own leader: holding one says nothing of the other', async () => {
    t = await createTestDatabase('pglite');
    const log: string[] = [];
    const supervisor = candidate(t, log, 'a-supervisor', 60_000, 'supervisor');
    const relay = candidate(t, log, 'b-relay', 60_000, 'relay');
    const late = candidate(t, log, 'c-relay', 60_000, 'relay');
    await supervisor.start();
    await relay.start();
    await late.start();
    expect([supervisor.isLeader, relay.isLeader, late.isLeader]).toEqual([true, true, false]);
    await relay.stop();
    await eventually(() => late.isLeader, 3000, 'c to relay');
    expect(supervisor.isLeader).toBe(true);
    expect(log).toEqual(['a-supervisor elected 1', 'b-relay elected 1', 'c-relay elected 2']);
  });
});
