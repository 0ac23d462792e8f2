import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api-harness.js';
import { createTournament, openTournament, publish, registerTeam, start } from './builders.js';

describe('subscriptions', () => {
  const api = useApi();

  it('subscribes (201), again (200), lists, unsubscribes (204), then 404', async () => {
    const ana = await api.user();
    const org = await api.user();
    const t = await createTournament(api, org, {
      name: 'Autumn Open',
      starts_at: '2031-05-01T10:00:00.000Z',
    });

    const first = await api.post('/api/v1/subscriptions', { tournament_id: t.id }, { as: ana });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      tournament_id: t.id,
      tournament_name: 'Autumn Open',
      state: 'DRAFT',
      starts_at: '2031-05-01T10:00:00.000Z',
    });
    expect(first.body.created_at).toMatch(/Z$/);

    const again = await api.post('/api/v1/subscriptions', { tournament_id: t.id }, { as: ana });
    expect(again.status).toBe(200);
    expect(again.body.created_at).toBe(first.body.created_at);

    await publish(api, org, t.id);
    const list = await api.get('/api/v1/subscriptions', { as: ana });
    expect(list.status).toBe(200);
    expect(list.body.subscriptions).toEqual([{ ...first.body, state: 'REGISTRATION' }]);

    // Another user's list is their own.
    expect((await api.get('/api/v1/subscriptions', { as: org })).body.subscriptions).toEqual([]);

    expect((await api.del(`/api/v1/subscriptions/${t.id}`, { as: ana })).status).toBe(204);
    const gone = await api.del(`/api/v1/subscriptions/${t.id}`, { as: ana });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('subscription_not_found');
    expect((await api.get('/api/v1/subscriptions', { as: ana })).body.subscriptions).toEqual([]);
  });

  it('refuses anonymous callers, unknown tournaments and malformed ids', async () => {
    const ana = await api.user();
    const anon = await api.post('/api/v1/subscriptions', { tournament_id: 't_1' });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('unauthorized');
    expect((await api.get('/api/v1/subscriptions')).body.error.code).toBe('unauthorized');
    expect((await api.del('/api/v1/subscriptions/t_1')).status).toBe(401);

    const unknown = await api.post(
      '/api/v1/subscriptions',
      { tournament_id: 't_999999' },
      { as: ana },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('tournament_not_found');
    expect((await api.del('/api/v1/subscriptions/t_999999', { as: ana })).body.error.code).toBe(
      'tournament_not_found',
    );

    const bad = await api.post('/api/v1/subscriptions', { tournament_id: 'seven' }, { as: ana });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('validation_error');
    const extra = await api.post(
      '/api/v1/subscriptions',
      { tournament_id: 't_1', x: 1 },
      { as: ana },
    );
    expect(extra.status).toBe(422);
    expect((await api.del('/api/v1/subscriptions/nope', { as: ana })).status).toBe(422);
  });

  it('lists newest first and pages', async () => {
    const ana = await api.user();
    const org = await api.user();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await createTournament(api, org, { name: `Cup ${i}` });
      ids.push(t.id);
      expect(
        (await api.post('/api/v1/subscriptions', { tournament_id: t.id }, { as: ana })).status,
      ).toBe(201);
    }
    const all = await api.get('/api/v1/subscriptions', { as: ana });
    expect(all.body.subscriptions.map((s: { tournament_id: string }) => s.tournament_id)).toEqual(
      [...ids].reverse(),
    );
    const page = await api.get('/api/v1/subscriptions', {
      as: ana,
      query: { limit: 1, offset: 1 },
    });
    expect(page.body.subscriptions.map((s: { tournament_id: string }) => s.tournament_id)).toEqual([
      ids[1],
    ]);
    expect((await api.get('/api/v1/subscriptions', { as: ana, query: { limit: 0 } })).status).toBe(
      422,
    );
  });
});

describe('notifications', () => {
  const api = useApi();

  it('match_ready reaches both captains, and they mark it read', async () => {
    const t = await openTournament(api, { teams: 2 });
    await start(api, t.organizer, t.id);
    const [a, b] = t.captains as [(typeof t.captains)[0], (typeof t.captains)[0]];

    const list = await api.get('/api/v1/notifications', { as: a });
    expect(list.status).toBe(200);
    expect(list.body.unread).toBe(1);
    expect(list.body.notifications).toHaveLength(1);
    const note = list.body.notifications[0];
    expect(note).toMatchObject({ type: 'match_ready', read: false });
    expect(note.data).toMatchObject({
      type: 'match_ready',
      tournament_id: t.id,
      match_id: 'r1_match_1',
      team_id: t.teams[0]?.id,
    });
    expect(note.data.opponent).toBe('Team 2');
    expect(typeof note.id).toBe('number');
    expect(note.created_at).toMatch(/Z$/);

    const other = await api.get('/api/v1/notifications', { as: b });
    expect(other.body.notifications[0].data.team_id).toBe(t.teams[1]?.id);
    // The organizer captains no team: nothing for them.
    expect((await api.get('/api/v1/notifications', { as: t.organizer })).body).toEqual({
      notifications: [],
      unread: 0,
    });

    // Not one's own: as unknown as a missing one.
    const foreign = await api.post(`/api/v1/notifications/${note.id}/read`, undefined, { as: b });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('notification_not_found');

    const read = await api.post(`/api/v1/notifications/${note.id}/read`, undefined, { as: a });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: note.id, read: true });
    expect(
      (await api.post(`/api/v1/notifications/${note.id}/read`, undefined, { as: a })).status,
    ).toBe(200);
    const after = await api.get('/api/v1/notifications', { as: a, query: { unread: true } });
    expect(after.body).toEqual({ notifications: [], unread: 0 });
    expect((await api.get('/api/v1/notifications', { as: a })).body.notifications[0].read).toBe(
      true,
    );

    // b's was untouched by a's reads.
    expect((await api.get('/api/v1/notifications', { as: b })).body.unread).toBe(1);
    const all = await api.post('/api/v1/notifications/read-all', undefined, { as: b });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ marked: 1, unread: 0 });
  });

  it('pages with limit and before, and validates', async () => {
    const org = await api.user();
    const cap = await api.user();
    // The organizer enters one team, `cap` the others: cap gets a match_ready per tournament.
    for (let i = 0; i < 3; i++) {
      const t = await createTournament(api, org, { name: `Night ${i}` });
      await publish(api, org, t.id);
      await registerTeam(api, cap, t.id, 'Caps');
      await registerTeam(api, org, t.id, 'Orgs');
      await start(api, org, t.id);
    }
    const all = await api.get('/api/v1/notifications', { as: cap });
    expect(all.body.unread).toBe(3);
    const ids = all.body.notifications.map((n: { id: number }) => n.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const page = await api.get('/api/v1/notifications', { as: cap, query: { limit: 2 } });
    expect(page.body.notifications).toHaveLength(2);
    expect(page.body.unread).toBe(3);
    const next = await api.get('/api/v1/notifications', {
      as: cap,
      query: { limit: 2, before: ids[1] },
    });
    expect(next.body.notifications.map((n: { id: number }) => n.id)).toEqual([ids[2]]);

    expect((await api.get('/api/v1/notifications')).status).toBe(401);
    expect(
      (await api.get('/api/v1/notifications', { as: cap, query: { limit: 1000 } })).status,
    ).toBe(422);
    expect(
      (await api.get('/api/v1/notifications', { as: cap, query: { unread: 'maybe' } })).status,
    ).toBe(422);
    expect((await api.post('/api/v1/notifications/abc/read', undefined, { as: cap })).status).toBe(
      422,
    );
    expect((await api.post('/api/v1/notifications/1/read')).status).toBe(401);
    expect((await api.post('/api/v1/notifications/read-all')).status).toBe(401);
  });
});
