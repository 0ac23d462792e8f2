import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api-harness.js';
import {
  createTournament,
  type Format,
  openTournament,
  pendingMatches,
  playToCompletion,
  publish,
  registerTeam,
  start,
} from './builders.js';

describe('teams', () => {
  const api = useApi();

  it('registers, lists and unregisters teams; one team per captain, the organizer any number', async () => {
    const org = await api.user();
    const t = await createTournament(api, org, { max_teams: 3 });
    await publish(api, org, t.id);
    const ana = await api.user();
    const team = await registerTeam(api, ana, t.id, 'Anas');
    expect(team).toMatchObject({ name: 'Anas', captain_id: ana.id, seed: null });
    expect(team.id).toMatch(/^team_\d+$/);

    const twice = await api.post(
      `/api/v1/tournaments/${t.id}/teams`,
      { name: 'Anas B' },
      { as: ana },
    );
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_captain');
    const sameName = await api.post(
      `/api/v1/tournaments/${t.id}/teams`,
      { name: 'ANAS' },
      { as: org },
    );
    expect(sameName.status).toBe(409);
    expect(sameName.body.error.code).toBe('team_name_taken');

    await registerTeam(api, org, t.id, 'Bulk 1');
    await registerTeam(api, org, t.id, 'Bulk 2');
    const full = await api.post(
      `/api/v1/tournaments/${t.id}/teams`,
      { name: 'Bulk 3' },
      { as: org },
    );
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('tournament_full');

    const list = await api.get(`/api/v1/tournaments/${t.id}/teams`);
    expect(list.status).toBe(200);
    expect(list.body.teams.map((x: { name: string }) => x.name)).toEqual([
      'Anas',
      'Bulk 1',
      'Bulk 2',
    ]);
    expect((await api.get(`/api/v1/tournaments/${t.id}`)).body.team_count).toBe(3);

    expect(
      (await api.del(`/api/v1/tournaments/${t.id}/teams/${team.id}`, { as: ana })).status,
    ).toBe(204);
    const missing = await api.del(`/api/v1/tournaments/${t.id}/teams/${team.id}`, { as: ana });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('team_not_found');
    expect((await api.get(`/api/v1/tournaments/${t.id}/teams`)).body.teams).toHaveLength(2);

    const bad = await api.post(`/api/v1/tournaments/${t.id}/teams`, { name: '' }, { as: ana });
    expect(bad.status).toBe(422);
  });

  it('will not start below min_teams', async () => {
    const t = await openTournament(api, { teams: 2, body: { min_teams: 3 } });
    const res = await api.post(`/api/v1/tournaments/${t.id}/start`, undefined, { as: t.organizer });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('min_teams_not_met');
  });
});

describe('playing each format to the end', () => {
  const api = useApi();

  const cases: Array<{ format: Format; teams: number; body?: Record<string, unknown> }> = [
    { format: 'single_elimination', teams: 5, body: { options: { third_place: true } } },
    { format: 'double_elimination', teams: 4 },
    { format: 'round_robin', teams: 4 },
    { format: 'swiss', teams: 6, body: { options: { rounds: 3 } } },
  ];

  for (const c of cases) {
    it(`${c.format}: start, results to completion, standings, archive`, async () => {
      const t = await openTournament(api, { teams: c.teams, format: c.format, body: c.body });
      const started = await start(api, t.organizer, t.id);
      expect(started).toMatchObject({ state: 'ACTIVE', current_round: 1, team_count: c.teams });

      const round1 = await api.get(`/api/v1/tournaments/${t.id}/matches`);
      expect(round1.body.round).toBe(1);
      expect(round1.body.matches.length).toBeGreaterThan(0);
      for (const m of round1.body.matches)
        expect(m.id).toMatch(/^(r\d+_match_\d+|wb_r\d+_match_\d+|lb_r\d+_match_\d+|gf_match_\d+)$/);

      const done = await playToCompletion(api, t.organizer, t.id);
      expect(done.state).toBe('COMPLETED');
      expect(t.teams.map((x) => x.id)).toContain(done.winner);

      const all = await api.get(`/api/v1/tournaments/${t.id}/matches`, { query: { round: 'all' } });
      expect(all.status).toBe(200);
      for (const m of all.body.matches)
        expect(['completed', 'bye', 'abandoned']).toContain(m.status);

      const standings = await api.get(`/api/v1/tournaments/${t.id}/standings`);
      expect(standings.status).toBe(200);
      const rows = standings.body.standings;
      expect(rows).toHaveLength(c.teams);
      expect(rows[0]).toMatchObject({ rank: 1, team_id: done.winner });
      for (const r of rows) {
        expect(r).toHaveProperty('name');
        for (const k of ['wins', 'losses', 'draws', 'points']) expect(typeof r[k]).toBe('number');
      }

      const archived = await api.post(`/api/v1/tournaments/${t.id}/archive`, undefined, {
        as: t.organizer,
      });
      expect(archived.status).toBe(200);
      expect(archived.body.state).toBe('ARCHIVED');
      // Still readable once its server is gone.
      const read = await api.get(`/api/v1/tournaments/${t.id}/standings`);
      expect(read.status).toBe(200);
      expect(read.body.standings[0].team_id).toBe(done.winner);
    });
  }
});

describe('results', () => {
  const api = useApi();

  it('posting the same result again is a 200 no-op; a different one is 409 match_already_completed', async () => {
    const t = await openTournament(api, { teams: 4, format: 'single_elimination' });
    await start(api, t.organizer, t.id);
    const [m] = await pendingMatches(api, t.id);
    const path = `/api/v1/tournaments/${t.id}/matches/${m?.id}/result`;
    const result = { winner: m?.team1_id, scores: { [m?.team1_id]: 3, [m?.team2_id]: 0 } };
    const first = await api.post(path, result, { as: t.organizer });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: m?.id, status: 'completed', winner: m?.team1_id });
    expect((await api.post(path, result, { as: t.organizer })).status).toBe(200);

    const other = await api.post(path, { winner: m?.team2_id }, { as: t.organizer });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('match_already_completed');

    // The winner may be left to the scores.
    const [n] = await pendingMatches(api, t.id);
    const byScores = await api.post(
      `/api/v1/tournaments/${t.id}/matches/${n?.id}/result`,
      { scores: { [n?.team1_id]: 0, [n?.team2_id]: 2 } },
      { as: t.organizer },
    );
    expect(byScores.status).toBe(200);
    expect(byScores.body.winner).toBe(n?.team2_id);
    expect(byScores.body.tournament.current_round).toBe(2);
  });

  it('refuses unknown matches, foreign winners and draws where the format has none', async () => {
    const t = await openTournament(api, { teams: 2 });
    await start(api, t.organizer, t.id);
    const [m] = await pendingMatches(api, t.id);
    const base = `/api/v1/tournaments/${t.id}/matches`;
    const unknown = await api.post(
      `${base}/r9_match_9/result`,
      { winner: m?.team1_id },
      { as: t.organizer },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('match_not_found');
    const foreign = await api.post(
      `${base}/${m?.id}/result`,
      { winner: 'team_999999' },
      { as: t.organizer },
    );
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('invalid_result');
    const draw = await api.post(
      `${base}/${m?.id}/result`,
      { scores: { [m?.team1_id]: 1, [m?.team2_id]: 1 } },
      { as: t.organizer },
    );
    expect(draw.status).toBe(422);
    expect(draw.body.error.code).toBe('draw_not_allowed');
    const badBody = await api.post(
      `${base}/${m?.id}/result`,
      { winner: m?.team1_id, mvp: 'x' },
      { as: t.organizer },
    );
    expect(badBody.status).toBe(422);
  });

  it('round robin takes a level score as a draw', async () => {
    const t = await openTournament(api, { teams: 2, format: 'round_robin' });
    await start(api, t.organizer, t.id);
    const [m] = await pendingMatches(api, t.id);
    const res = await api.post(
      `/api/v1/tournaments/${t.id}/matches/${m?.id}/result`,
      { scores: { [m?.team1_id]: 1, [m?.team2_id]: 1 } },
      { as: t.organizer },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', winner: null });
    const rows = (await api.get(`/api/v1/tournaments/${t.id}/standings`)).body.standings;
    expect(rows.map((r: { draws: number; points: number }) => [r.draws, r.points])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  // Null comes first in the schema's union: type coercion must not turn it into "".
  it('round robin takes "winner": null as a draw (SPEC §4)', async () => {
    const t = await openTournament(api, { teams: 2, format: 'round_robin' });
    await start(api, t.organizer, t.id);
    const [m] = await pendingMatches(api, t.id);
    const res = await api.post(
      `/api/v1/tournaments/${t.id}/matches/${m?.id}/result`,
      { winner: null, scores: { [m?.team1_id]: 1, [m?.team2_id]: 1 } },
      { as: t.organizer },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', winner: null });
  });

  it('abandons a match: no winner, the next match is a walkover', async () => {
    const t = await openTournament(api, { teams: 4 });
    await start(api, t.organizer, t.id);
    const [m, n] = await pendingMatches(api, t.id);
    const abandoned = await api.post(
      `/api/v1/tournaments/${t.id}/matches/${m?.id}/abandon`,
      undefined,
      {
        as: t.organizer,
      },
    );
    expect(abandoned.status).toBe(200);
    expect(abandoned.body).toMatchObject({ id: m?.id, status: 'abandoned', winner: null });
    await api.post(
      `/api/v1/tournaments/${t.id}/matches/${n?.id}/result`,
      { winner: n?.team1_id },
      { as: t.organizer },
    );
    const t2 = await api.get(`/api/v1/tournaments/${t.id}`);
    expect(t2.body).toMatchObject({ state: 'COMPLETED', winner: n?.team1_id });
  });

  it('cancels during registration, then archives', async () => {
    const t = await openTournament(api, { teams: 1 });
    const cancelled = await api.post(`/api/v1/tournaments/${t.id}/cancel`, undefined, {
      as: t.organizer,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('CANCELLED');
    const archived = await api.post(`/api/v1/tournaments/${t.id}/archive`, undefined, {
      as: t.organizer,
    });
    expect(archived.body.state).toBe('ARCHIVED');
    expect((await api.get(`/api/v1/tournaments/${t.id}/teams`)).body.teams).toHaveLength(1);
  });

  it('pages matches by round', async () => {
    const t = await openTournament(api, { teams: 4, format: 'round_robin' });
    await start(api, t.organizer, t.id);
    const r2 = await api.get(`/api/v1/tournaments/${t.id}/matches`, { query: { round: 2 } });
    expect(r2.status).toBe(200);
    expect(r2.body.matches.every((m: { round: number }) => m.round === 2)).toBe(true);
    expect(
      (await api.get(`/api/v1/tournaments/${t.id}/matches`, { query: { round: 'last' } })).status,
    ).toBe(422);
  });
});
