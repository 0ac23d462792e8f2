import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api-harness.js';
import { createTournament, publish, tournamentBody } from './builders.js';

describe('tournament registry', () => {
  const api = useApi();

  it('creates a DRAFT with the documented shape and defaults', async () => {
    const org = await api.user();
    const res = await api.post(
      '/api/v1/tournaments',
      tournamentBody({
        name: 'Shape Cup',
        description: 'about',
        starts_at: '2031-02-03T04:05:06.000Z',
      }),
      { as: org },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Shape Cup',
      description: 'about',
      format: 'single_elimination',
      state: 'DRAFT',
      organizer_id: org.id,
      min_teams: 2,
      max_teams: 16,
      team_count: 0,
      current_round: 0,
      winner: null,
      starts_at: '2031-02-03T04:05:06.000Z',
      server: null,
      options: { third_place: false },
    });
    expect(res.body.id).toMatch(/^t_\d+$/);
    expect(res.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const got = await api.get(`/api/v1/tournaments/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it("applies each format's default options", async () => {
    const org = await api.user();
    const expected: Record<string, unknown> = {
      single_elimination: { third_place: false },
      double_elimination: { grand_final: 'with_reset' },
      round_robin: { double: false, points: { win: 3, draw: 1, loss: 0 } },
      swiss: { tiebreaks: ['buchholz', 'sonneborn_berger', 'head_to_head'] },
    };
    for (const [format, options] of Object.entries(expected)) {
      const t = await createTournament(api, org, { format });
      expect(t.options, format).toMatchObject(options as object);
    }
  });

  it('edits and deletes while DRAFT', async () => {
    const org = await api.user();
    const t = await createTournament(api, org);
    const edited = await api.patch(
      `/api/v1/tournaments/${t.id}`,
      { name: 'Renamed', max_teams: 8 },
      { as: org },
    );
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Renamed', max_teams: 8, state: 'DRAFT' });
    expect((await api.get(`/api/v1/tournaments/${t.id}`)).body.name).toBe('Renamed');

    const empty = await api.patch(`/api/v1/tournaments/${t.id}`, {}, { as: org });
    expect(empty.status).toBe(422);

    expect((await api.del(`/api/v1/tournaments/${t.id}`, { as: org })).status).toBe(204);
    const gone = await api.get(`/api/v1/tournaments/${t.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('tournament_not_found');
  });

  it('publishes once: REGISTRATION, then 409 invalid_transition', async () => {
    const org = await api.user();
    const t = await createTournament(api, org, { name: 'Published Cup' });
    const res = await publish(api, org, t.id);
    expect(res.state).toBe('REGISTRATION');
    const again = await api.post(`/api/v1/tournaments/${t.id}/publish`, undefined, { as: org });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
  });

  it('404s unknown and malformed ids with the error shape', async () => {
    const org = await api.user();
    const missing = await api.get('/api/v1/tournaments/t_999999');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'tournament_not_found',
      details: { tournament_id: 't_999999' },
    });
    expect(
      (await api.patch('/api/v1/tournaments/t_999999', { name: 'x' }, { as: org })).status,
    ).toBe(404);
    expect((await api.get('/api/v1/tournaments/7')).status).toBe(422);
    const route = await api.get('/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('not_found');
  });
});

describe('tournament list', () => {
  const api = useApi();

  it('filters by state, format and name, and pages with a total', async () => {
    const org = await api.user();
    const made: string[] = [];
    for (const [name, format] of [
      ['Alpha Swiss', 'swiss'],
      ['Beta Robin', 'round_robin'],
      ['Gamma Swiss', 'swiss'],
      ['Delta Elim', 'single_elimination'],
      ['Epsilon 100% Elim', 'double_elimination'],
    ] as const) {
      made.push((await createTournament(api, org, { name, format })).id);
    }
    await publish(api, org, made[1] as string);

    const all = await api.get('/api/v1/tournaments');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(5);
    // Newest first.
    expect(all.body.tournaments.map((t: { id: string }) => t.id)).toEqual([...made].reverse());

    const swiss = await api.get('/api/v1/tournaments', { query: { format: 'swiss' } });
    expect(swiss.body.tournaments.map((t: { name: string }) => t.name).sort()).toEqual([
      'Alpha Swiss',
      'Gamma Swiss',
    ]);
    expect(swiss.body.total).toBe(2);

    const open = await api.get('/api/v1/tournaments', { query: { state: 'REGISTRATION' } });
    expect(open.body.tournaments.map((t: { id: string }) => t.id)).toEqual([made[1]]);

    const q = await api.get('/api/v1/tournaments', { query: { q: 'swiss' } });
    expect(q.body.total).toBe(2);
    // LIKE wildcards in q are taken literally.
    expect((await api.get('/api/v1/tournaments', { query: { q: '100%' } })).body.total).toBe(1);
    expect((await api.get('/api/v1/tournaments', { query: { q: '%' } })).body.total).toBe(1);

    const page = await api.get('/api/v1/tournaments', { query: { limit: 2, offset: 2 } });
    expect(page.body.total).toBe(5);
    expect(page.body.tournaments.map((t: { id: string }) => t.id)).toEqual([made[2], made[1]]);

    const refused: Record<string, string | number>[] = [
      { state: 'OPEN' },
      { format: 'ladder' },
      { limit: 0 },
      { limit: 101 },
      { offset: -1 },
    ];
    for (const query of refused) {
      const bad = await api.get('/api/v1/tournaments', { query });
      expect(bad.status, JSON.stringify(query)).toBe(422);
      expect(bad.body.error.code).toBe('validation_error');
    }
  });
});

describe('request validation', () => {
  const api = useApi();

  it('422s bodies outside the schema, with the error shape', async () => {
    const org = await api.user();
    for (const overrides of [
      { name: '' },
      { name: 'x'.repeat(101) },
      { min_teams: 1 },
      { max_teams: 1025 },
      { format: 'ladder' },
      { seeding: 'alphabetical' },
      { starts_at: 'tomorrow' },
      { unknown_field: true },
    ]) {
      const res = await api.post('/api/v1/tournaments', tournamentBody(overrides), { as: org });
      expect(res.status, JSON.stringify(overrides)).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(typeof res.body.error.message).toBe('string');
    }
    // Nothing was written.
    expect((await api.get('/api/v1/tournaments')).body.total).toBe(0);
  });

  it('answers 400 to a body that is not JSON and 413 past 64 KiB', async () => {
    const org = await api.user();
    const notJson = await api.request('POST', '/api/v1/tournaments', {
      as: org,
      payload: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('bad_request');

    const text = await api.request('POST', '/api/v1/tournaments', {
      as: org,
      payload: 'name=Cup',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('bad_request');

    const huge = await api.request('POST', '/api/v1/tournaments', {
      as: org,
      payload: JSON.stringify(tournamentBody({ description: 'x'.repeat(70 * 1024) })),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });
});
