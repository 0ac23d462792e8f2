import { describe, expect, it } from 'vitest';
import { type Actor, type ApiHarness, useApi } from '../support/api-harness.js';
import { eventually } from '../support/eventually.js';
import { createTournament, pendingMatches, publish, registerTeam, start } from './builders.js';

/** A manually seeded single elimination of the given captains (seed order = order given), started. */
async function bracket(api: ApiHarness, org: Actor, captains: Actor[]) {
  const t = await createTournament(api, org, { seeding: 'manual', max_teams: 8 });
  await publish(api, org, t.id);
  const teams = [];
  for (const c of captains) teams.push(await registerTeam(api, c, t.id, `${c.username} team`));
  await start(api, org, t.id);
  return { id: t.id, teams };
}

/** Plays every pending match of the current round; the better seed (team 1) wins. */
async function playRound(api: ApiHarness, org: Actor, id: string) {
  for (const m of await pendingMatches(api, id)) {
    const res = await api.post(
      `/api/v1/tournaments/${id}/matches/${m.id}/result`,
      { winner: m.team1_id },
      { as: org },
    );
    expect(res.status, res.text).toBe(200);
  }
}

describe('stats', () => {
  const api = useApi();

  it('counts tournaments by state (all six), teams, played matches and live viewers', async () => {
    const empty = await api.get('/api/v1/stats');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      tournaments_by_state: {
        DRAFT: 0,
        REGISTRATION: 0,
        ACTIVE: 0,
        COMPLETED: 0,
        CANCELLED: 0,
        ARCHIVED: 0,
      },
      tournaments: 0,
      teams: 0,
      matches_played: 0,
      live_viewers: 0,
    });

    const org = await api.user();
    const [a, b, c] = [await api.user(), await api.user(), await api.user()];
    await createTournament(api, org);
    const open = await createTournament(api, org);
    await publish(api, org, open.id);
    await registerTeam(api, a, open.id, 'Open A');
    const played = await bracket(api, org, [a, b, c]);
    // Three teams: seed 1 has a bye (not a played match), seeds 2 and 3 play.
    await playRound(api, org, played.id);

    const viewer = await api.sse('/api/v1/events/global');
    const stats = await api.get('/api/v1/stats');
    expect(stats.body).toMatchObject({
      tournaments_by_state: {
        DRAFT: 1,
        REGISTRATION: 1,
        ACTIVE: 1,
        COMPLETED: 0,
        CANCELLED: 0,
        ARCHIVED: 0,
      },
      tournaments: 3,
      teams: 4,
      matches_played: 1,
      live_viewers: 1,
    });
    await viewer.close();
    await eventually(async () => (await api.get('/api/v1/stats')).body.live_viewers === 0);
  });
});

describe('leaderboard', () => {
  const api = useApi();

  it('ranks captains by titles, then match wins; walkovers are not wins', async () => {
    const org = await api.user();
    const [ana, bob, cid, dan, eve, fay, gus, hal] = (await Promise.all(
      ['ana', 'bob', 'cid', 'dan', 'eve', 'fay', 'gus', 'hal'].map((n) => api.user(`lb_${n}`)),
    )) as Actor[] as [Actor, Actor, Actor, Actor, Actor, Actor, Actor, Actor];

    // 1. ana beats bob in a final of two.
    const first = await bracket(api, org, [ana, bob]);
    await playRound(api, org, first.id);
    // 2. Seeds 1-4: ana beats dan, bob beats cid, ana beats bob.
    const second = await bracket(api, org, [ana, bob, cid, dan]);
    await playRound(api, org, second.id);
    await playRound(api, org, second.id);
    // 3. Still running: hal withdraws, so eve goes on by walkover; fay beats gus.
    const third = await bracket(api, org, [eve, fay, gus, hal]);
    const halTeam = third.teams[3]?.id;
    expect(
      (await api.del(`/api/v1/tournaments/${third.id}/teams/${halTeam}`, { as: hal })).status,
    ).toBe(204);
    await playRound(api, org, third.id);

    const res = await api.get('/api/v1/leaderboard');
    expect(res.status).toBe(200);
    const rows = res.body.leaderboard.map((r: Record<string, unknown>) => [
      r.rank,
      r.username,
      r.titles,
      r.match_wins,
      r.tournaments_played,
    ]);
    expect(rows).toEqual([
      [1, 'lb_ana', 2, 3, 2],
      [2, 'lb_bob', 0, 1, 2],
      [2, 'lb_fay', 0, 1, 1],
      [4, 'lb_cid', 0, 0, 1],
      [4, 'lb_dan', 0, 0, 1],
      [4, 'lb_eve', 0, 0, 1],
      [4, 'lb_gus', 0, 0, 1],
      [4, 'lb_hal', 0, 0, 1],
    ]);
    expect(res.body.leaderboard[0].user_id).toBe(ana.id);
    // The organizer captains nothing and is not listed.
    expect(res.body.leaderboard.some((r: { user_id: string }) => r.user_id === org.id)).toBe(false);

    const top = await api.get('/api/v1/leaderboard', { query: { limit: 2 } });
    expect(top.body.leaderboard.map((r: { username: string }) => r.username)).toEqual([
      'lb_ana',
      'lb_bob',
    ]);
    expect((await api.get('/api/v1/leaderboard', { query: { limit: 0 } })).status).toBe(422);
    expect((await api.get('/api/v1/leaderboard', { query: { limit: 101 } })).status).toBe(422);
  });
});

describe('operations', () => {
  const api = useApi();

  it('/metrics: request durations by route, SSE connections, running servers, outbox lag', async () => {
    const org = await api.user();
    const t = await createTournament(api, org);
    await publish(api, org, t.id);
    await api.get(`/api/v1/tournaments/${t.id}`);
    await api.get('/api/v1/tournaments/t_999999');
    const viewer = await api.sse('/api/v1/events/global');

    const res = await api.get('/metrics');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/tournaments\/:id",status_code="200"\} 1/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/tournaments\/:id",status_code="404"\} 1/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/api\/v1\/tournaments"/,
    );
    // An SSE stream is a viewer, not a slow request.
    expect(text).not.toMatch(/route="\/api\/v1\/events\/global"/);
    expect(text).toMatch(/^tourney_sse_connections 1$/m);
    expect(text).toMatch(/^tourney_outbox_unpublished_events \d+$/m);
    expect(text).toMatch(/^tourney_outbox_oldest_unpublished_age_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    await viewer.close();

    // The published tournament's server comes up (inline runner) and is counted.
    await eventually(
      async () => /^tourney_tournament_servers_running 1$/m.test((await api.get('/metrics')).text),
      10_000,
    );
  });

  it('/healthz and /readyz answer; /docs serves the API explorer', async () => {
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { database: 'ok', bus: 'ok' } });
    const docs = await api.request('GET', '/docs/', { headers: { accept: 'text/html' } });
    expect(docs.status).toBe(200);
  });

  it('/docs lists every route with a summary and tags', async () => {
    const res = await api.get('/docs/json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<
      string,
      Record<string, { summary?: string; tags?: string[] }>
    >;
    for (const [path, ops] of [
      ['/api/v1/subscriptions', ['get', 'post']],
      ['/api/v1/subscriptions/{tournament_id}', ['delete']],
      ['/api/v1/notifications', ['get']],
      ['/api/v1/notifications/{id}/read', ['post']],
      ['/api/v1/notifications/read-all', ['post']],
      ['/api/v1/tournaments/{id}/chat', ['get', 'post']],
      ['/api/v1/tournaments/{id}/chat/events', ['get']],
      ['/api/v1/stats', ['get']],
      ['/api/v1/leaderboard', ['get']],
      ['/metrics', ['get']],
      ['/api/v1/tournaments', ['get', 'post']],
      ['/api/v1/tournaments/{id}/matches/{match_id}/result', ['post']],
    ] as const) {
      for (const op of ops) expect(paths[path]?.[op], `${op} ${path}`).toBeDefined();
    }
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path} summary`).toBeTruthy();
        expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      }
    }
  });
});
