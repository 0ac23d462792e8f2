import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/live/outbox.js';
import { createLogger } from '../../src/logger.js';
import { StartingNotifier } from '../../src/orchestrator/starting-notifier.js';
import { type Actor, type ApiHarness, useApi } from '../support/api-harness.js';
import { createTournament, publish } from './builders.js';

const STARTS = Date.parse('2031-01-01T12:00:00.000Z');
const at = (minutesBefore: number) => new Date(STARTS - minutesBefore * 60_000);

/** A notifier over the harness's database and bus, at a time the test sets. */
function notifier(api: ApiHarness, clock: { now: Date }) {
  const logger = createLogger('silent');
  return new StartingNotifier({
    database: api.t.database,
    outbox: new Outbox(api.t.database, api.bus, logger),
    logger,
    clock: () => clock.now,
  });
}

async function startingNotices(api: ApiHarness, user: Actor) {
  const res = await api.get('/api/v1/notifications', { as: user });
  expect(res.status).toBe(200);
  return (res.body.notifications as Array<{ type: string; data: Record<string, unknown> }>).filter(
    (n) => n.type === 'tournament_starting',
  );
}

async function subscribe(api: ApiHarness, user: Actor, id: string) {
  expect(
    (await api.post('/api/v1/subscriptions', { tournament_id: id }, { as: user })).status,
  ).toBe(201);
}

describe('tournament_starting', () => {
  const api = useApi();

  it('reaches each subscriber once, 5 minutes before, live and stored', async () => {
    const [org, ana, bob, carl] = [
      await api.user(),
      await api.user(),
      await api.user(),
      await api.user(),
    ];
    const t = await createTournament(api, org, {
      name: 'Dawn Cup',
      starts_at: new Date(STARTS).toISOString(),
    });
    await publish(api, org, t.id);
    await subscribe(api, ana, t.id);
    await subscribe(api, bob, t.id);
    const live = await api.sse(`/api/v1/events/user/${ana.id}`, { as: ana });

    const clock = { now: at(6) };
    const n = notifier(api, clock);
    expect(await n.tick()).toBe(0);
    clock.now = at(5);
    expect(await n.tick()).toBe(2);

    const [notice] = await startingNotices(api, ana);
    expect(notice?.data).toMatchObject({
      type: 'tournament_starting',
      tournament_id: t.id,
      tournament_name: 'Dawn Cup',
      starts_in_minutes: 5,
    });
    expect(await startingNotices(api, bob)).toHaveLength(1);
    expect(await startingNotices(api, carl)).toHaveLength(0);

    await live.until((c) => c.messages.some((m) => m.event === 'tournament_starting'));
    const message = live.messages.find((m) => m.event === 'tournament_starting');
    expect(JSON.parse(message?.data ?? '{}')).toMatchObject({
      tournament_id: t.id,
      starts_in_minutes: 5,
    });
    await live.close();

    // Later passes, of this notifier or of a restarted one, send nothing more.
    clock.now = at(4);
    expect(await n.tick()).toBe(0);
    expect(await notifier(api, clock).tick()).toBe(0);
    expect(await startingNotices(api, ana)).toHaveLength(1);
  });

  it('two orchestrators ticking at once send each subscriber exactly one', async () => {
    const org = await api.user();
    const subscribers = [await api.user(), await api.user(), await api.user()];
    const t = await createTournament(api, org, {
      starts_at: new Date(STARTS + 60_000).toISOString(),
    });
    await publish(api, org, t.id);
    for (const s of subscribers) await subscribe(api, s, t.id);
    const clock = { now: at(4) };
    const sent = await Promise.all([notifier(api, clock).tick(), notifier(api, clock).tick()]);
    expect(sent.reduce((x, y) => x + y, 0)).toBe(3);
    for (const s of subscribers) {
      const mine = (await startingNotices(api, s)).filter((n) => n.data.tournament_id === t.id);
      expect(mine).toHaveLength(1);
    }
  });

  it('waits for publication, and skips cancelled and already started tournaments', async () => {
    const org = await api.user();
    const ana = await api.user();
    const draft = await createTournament(api, org, { starts_at: new Date(STARTS).toISOString() });
    const cancelled = await createTournament(api, org, {
      starts_at: new Date(STARTS).toISOString(),
    });
    const past = await createTournament(api, org, {
      starts_at: new Date(STARTS - 3_600_000).toISOString(),
    });
    for (const t of [draft, cancelled, past]) await subscribe(api, ana, t.id);
    await publish(api, org, cancelled.id);
    await publish(api, org, past.id);
    expect(
      (await api.post(`/api/v1/tournaments/${cancelled.id}/cancel`, undefined, { as: org })).status,
    ).toBe(200);

    const clock = { now: at(3) };
    const n = notifier(api, clock);
    expect(await n.tick()).toBe(0);

    // Published inside the window: the next pass tells how long is left.
    await publish(api, org, draft.id);
    expect(await n.tick()).toBe(1);
    const notices = (await startingNotices(api, ana)).filter(
      (x) => x.data.tournament_id === draft.id,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.data.starts_in_minutes).toBe(3);
  });

  it('sends nothing to a user who unsubscribed before', async () => {
    const org = await api.user();
    const ana = await api.user();
    const t = await createTournament(api, org, {
      starts_at: new Date(STARTS + 120_000).toISOString(),
    });
    await publish(api, org, t.id);
    await subscribe(api, ana, t.id);
    expect((await api.del(`/api/v1/subscriptions/${t.id}`, { as: ana })).status).toBe(204);
    expect(await notifier(api, { now: at(3) }).tick()).toBe(0);
    expect(await startingNotices(api, ana)).toHaveLength(0);
  });
});
