import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, type ApiHarness, type ApiResponse, useApi } from '../support/api-harness.js';
import { createTournament, pendingMatches, publish, registerTeam, start } from './builders.js';

type Role = 'anonymous' | 'other' | 'captain' | 'organizer';
const ROLES: Role[] = ['anonymous', 'other', 'captain', 'organizer'];

/** What a cell expects: a success status, or an error status with its code. */
type Outcome = number | [number, string];

interface Fixture {
  id: string;
  /** The captain's team. */
  teamId: string;
  /** A pending match (ACTIVE). */
  matchId: string;
  /** A completed match nothing depends on yet (ACTIVE, 4 teams). */
  playedId: string;
  playedLoser: string;
  /** One of the captain's notifications. */
  noteId: number;
}

type Stage = 'none' | 'DRAFT' | 'REGISTRATION' | 'ACTIVE' | 'PLAYED' | 'COMPLETED';

interface Row {
  name: string;
  stage: Stage;
  call: (api: ApiHarness, f: Fixture, as: Actor | null) => Promise<ApiResponse>;
  expect: Record<Role, Outcome>;
  /** Extra setup after the stage (e.g. everyone subscribes). */
  prepare?: (
    api: ApiHarness,
    f: Fixture,
    actors: Record<Exclude<Role, 'anonymous'>, Actor>,
  ) => Promise<void>;
}

const denied = (code: string): [number, string] => [403, code];
const ANON: [number, string] = [401, 'unauthorized'];
const orgOnly = (ok: number): Record<Role, Outcome> => ({
  anonymous: ANON,
  other: denied('not_organizer'),
  captain: denied('not_organizer'),
  organizer: ok,
});
const anyUser = (ok: number): Record<Role, Outcome> => ({
  anonymous: ANON,
  other: ok,
  captain: ok,
  organizer: ok,
});

const t = (f: Fixture, rest = '') => `/api/v1/tournaments/${f.id}${rest}`;

/** Every write endpoint of the orchestrator (SPEC §7 "who may do what"). */
const ROWS: Row[] = [
  {
    name: 'POST /tournaments',
    stage: 'none',
    call: (api, _f, as) =>
      api.post(
        '/api/v1/tournaments',
        { name: 'Mine', format: 'swiss', min_teams: 2, max_teams: 8 },
        { as },
      ),
    expect: anyUser(201),
  },
  {
    name: 'PATCH /tournaments/:id',
    stage: 'DRAFT',
    call: (api, f, as) => api.patch(t(f), { name: 'New name' }, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'DELETE /tournaments/:id',
    stage: 'DRAFT',
    call: (api, f, as) => api.del(t(f), { as }),
    expect: orgOnly(204),
  },
  {
    name: 'POST /tournaments/:id/publish',
    stage: 'DRAFT',
    call: (api, f, as) => api.post(t(f, '/publish'), undefined, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/teams',
    stage: 'REGISTRATION',
    call: (api, f, as) => api.post(t(f, '/teams'), { name: 'Another team' }, { as }),
    expect: { anonymous: ANON, other: 201, captain: [409, 'already_captain'], organizer: 201 },
  },
  {
    name: 'DELETE /tournaments/:id/teams/:team_id (unregister)',
    stage: 'REGISTRATION',
    call: (api, f, as) => api.del(t(f, `/teams/${f.teamId}`), { as }),
    expect: { anonymous: ANON, other: denied('not_captain'), captain: 204, organizer: 204 },
  },
  {
    name: 'DELETE /tournaments/:id/teams/:team_id (withdraw)',
    stage: 'ACTIVE',
    call: (api, f, as) => api.del(t(f, `/teams/${f.teamId}`), { as }),
    expect: { anonymous: ANON, other: denied('not_captain'), captain: 204, organizer: 204 },
  },
  {
    name: 'POST /tournaments/:id/start',
    stage: 'REGISTRATION',
    call: (api, f, as) => api.post(t(f, '/start'), undefined, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/cancel',
    stage: 'REGISTRATION',
    call: (api, f, as) => api.post(t(f, '/cancel'), undefined, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/matches/:match_id/result',
    stage: 'ACTIVE',
    call: (api, f, as) =>
      api.post(t(f, `/matches/${f.matchId}/result`), { winner: f.teamId }, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/matches/:match_id/abandon',
    stage: 'ACTIVE',
    call: (api, f, as) => api.post(t(f, `/matches/${f.matchId}/abandon`), undefined, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/matches/:match_id/correction',
    stage: 'PLAYED',
    call: (api, f, as) =>
      api.post(t(f, `/matches/${f.playedId}/correction`), { winner: f.playedLoser }, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/matches/:match_id/correction/preview',
    stage: 'PLAYED',
    call: (api, f, as) =>
      api.post(
        t(f, `/matches/${f.playedId}/correction/preview`),
        { winner: f.playedLoser },
        { as },
      ),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/archive',
    stage: 'COMPLETED',
    call: (api, f, as) => api.post(t(f, '/archive'), undefined, { as }),
    expect: orgOnly(200),
  },
  {
    name: 'POST /tournaments/:id/chat',
    stage: 'REGISTRATION',
    call: (api, f, as) => api.post(t(f, '/chat'), { body: 'hello' }, { as }),
    expect: anyUser(201),
  },
  {
    name: 'POST /subscriptions',
    stage: 'DRAFT',
    call: (api, f, as) => api.post('/api/v1/subscriptions', { tournament_id: f.id }, { as }),
    expect: anyUser(201),
  },
  {
    name: 'DELETE /subscriptions/:tournament_id (one’s own)',
    stage: 'DRAFT',
    prepare: async (api, f, actors) => {
      for (const a of Object.values(actors))
        await api.post('/api/v1/subscriptions', { tournament_id: f.id }, { as: a });
    },
    call: (api, f, as) => api.del(`/api/v1/subscriptions/${f.id}`, { as }),
    expect: anyUser(204),
  },
  {
    name: 'POST /notifications/:id/read (the captain’s)',
    stage: 'ACTIVE',
    call: (api, f, as) => api.post(`/api/v1/notifications/${f.noteId}/read`, undefined, { as }),
    // Someone else's notification is as unknown as a missing one.
    expect: {
      anonymous: ANON,
      other: [404, 'notification_not_found'],
      captain: 200,
      organizer: [404, 'notification_not_found'],
    },
  },
  {
    name: 'POST /notifications/read-all',
    stage: 'ACTIVE',
    call: (api, _f, as) => api.post('/api/v1/notifications/read-all', undefined, { as }),
    expect: anyUser(200),
  },
];

describe('authorization matrix: anonymous, other user, captain, organizer', () => {
  const api = useApi();
  let actors: Record<Exclude<Role, 'anonymous'>, Actor>;

  beforeAll(async () => {
    actors = { other: await api.user(), captain: await api.user(), organizer: await api.user() };
  });

  /** A tournament of the organizer at `stage`; the captain's team plays the first match. */
  async function setup(stage: Stage): Promise<Fixture> {
    const f: Fixture = {
      id: 't_0',
      teamId: 'team_0',
      matchId: '',
      playedId: '',
      playedLoser: '',
      noteId: 0,
    };
    if (stage === 'none') return f;
    const { organizer: org, captain } = actors;
    f.id = (await createTournament(api, org, { max_teams: 8 })).id;
    if (stage === 'DRAFT') return f;
    await publish(api, org, f.id);
    f.teamId = (await registerTeam(api, captain, f.id, 'Captains')).id;
    const extra = stage === 'PLAYED' ? 3 : 1;
    for (let i = 1; i <= extra; i++) await registerTeam(api, org, f.id, `Organizers ${i}`);
    if (stage === 'REGISTRATION') return f;
    await start(api, org, f.id);
    const pending = await pendingMatches(api, f.id);
    const mine = pending.find((m) => m.team1_id === f.teamId || m.team2_id === f.teamId);
    f.matchId = mine?.id;
    const notes = await api.get('/api/v1/notifications', {
      as: captain,
      query: { unread: true, limit: 1 },
    });
    f.noteId = notes.body.notifications[0]?.id;
    if (stage === 'PLAYED' || stage === 'COMPLETED') {
      const m = pending[0] as Record<string, string>;
      const res = await api.post(
        t(f, `/matches/${m.id}/result`),
        { winner: m.team1_id },
        { as: org },
      );
      expect(res.status).toBe(200);
      f.playedId = m.id as string;
      f.playedLoser = m.team2_id as string;
    }
    return f;
  }

  for (const row of ROWS) {
    it(row.name, async () => {
      // Refusals change nothing, so they share one fixture; each success gets its own.
      const shared = await setup(row.stage);
      await row.prepare?.(api, shared, actors);
      for (const role of ROLES) {
        const want = row.expect[role];
        const ok = typeof want === 'number';
        const f = ok ? await setup(row.stage) : shared;
        if (ok && f !== shared) await row.prepare?.(api, f, actors);
        const res = await row.call(api, f, role === 'anonymous' ? null : actors[role]);
        if (ok) {
          expect(res.status, `${role}: ${res.text}`).toBe(want);
        } else {
          expect(res.status, `${role}: ${res.text}`).toBe(want[0]);
          expect(res.body.error.code, role).toBe(want[1]);
        }
      }
    });
  }
});
