import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, type ApiHarness, type ApiResponse, useApi } from '../support/api-harness.js';
import { createTournament, pendingMatches, publish, registerTeam, start } from './builders.js';

type State = 'DRAFT' | 'REGISTRATION' | 'ACTIVE' | 'COMPLETED' | 'CANCELLED' | 'ARCHIVED';

/** SPEC §3's table, with the two ACTIVE actions the engine adds (correction, withdrawal). */
const ALLOWED: Record<State, string[]> = {
  DRAFT: ['edit', 'publish', 'delete'],
  REGISTRATION: ['register_team', 'unregister', 'start', 'cancel'],
  ACTIVE: ['record_result', 'abandon_match', 'correct_result', 'withdraw_team'],
  COMPLETED: ['view', 'archive'],
  CANCELLED: ['view', 'archive'],
  ARCHIVED: ['view'],
};

interface Fixture {
  id: string;
  teamId: string;
}

/** A tournament of `org` in `state`, with two teams from REGISTRATION on. */
async function inState(
  api: ApiHarness,
  org: Actor,
  captain: Actor,
  state: State,
): Promise<Fixture> {
  const t = await createTournament(api, org, { max_teams: 4 });
  if (state === 'DRAFT') return { id: t.id, teamId: 'team_1' };
  await publish(api, org, t.id);
  const team = await registerTeam(api, captain, t.id, 'Captains');
  await registerTeam(api, org, t.id, 'Organizers');
  const post = (path: string) =>
    api.post(`/api/v1/tournaments/${t.id}/${path}`, undefined, { as: org });
  if (state === 'CANCELLED') expect((await post('cancel')).status).toBe(200);
  if (state === 'ACTIVE' || state === 'COMPLETED' || state === 'ARCHIVED')
    await start(api, org, t.id);
  if (state === 'COMPLETED' || state === 'ARCHIVED') {
    const [final] = await pendingMatches(api, t.id);
    const res = await api.post(
      `/api/v1/tournaments/${t.id}/matches/${final?.id}/result`,
      { winner: team.id },
      { as: org },
    );
    expect(res.status).toBe(200);
  }
  if (state === 'ARCHIVED') expect((await post('archive')).status).toBe(200);
  return { id: t.id, teamId: team.id };
}

/** Every action an endpoint asks for, as the organizer (so only the state can refuse). */
const ACTIONS: Record<string, (api: ApiHarness, org: Actor, f: Fixture) => Promise<ApiResponse>> = {
  edit: (api, org, f) => api.patch(`/api/v1/tournaments/${f.id}`, { name: 'Renamed' }, { as: org }),
  publish: (api, org, f) => api.post(`/api/v1/tournaments/${f.id}/publish`, undefined, { as: org }),
  delete: (api, org, f) => api.del(`/api/v1/tournaments/${f.id}`, { as: org }),
  register_team: (api, org, f) =>
    api.post(`/api/v1/tournaments/${f.id}/teams`, { name: 'Late' }, { as: org }),
  unregister: (api, org, f) =>
    api.del(`/api/v1/tournaments/${f.id}/teams/${f.teamId}`, { as: org }),
  start: (api, org, f) => api.post(`/api/v1/tournaments/${f.id}/start`, undefined, { as: org }),
  cancel: (api, org, f) => api.post(`/api/v1/tournaments/${f.id}/cancel`, undefined, { as: org }),
  // Any match id: the state is checked first (SPEC §5).
  record_result: (api, org, f) =>
    api.post(
      `/api/v1/tournaments/${f.id}/matches/r7_match_7/result`,
      { winner: f.teamId },
      { as: org },
    ),
  abandon_match: (api, org, f) =>
    api.post(`/api/v1/tournaments/${f.id}/matches/r7_match_7/abandon`, undefined, { as: org }),
  correct_result: (api, org, f) =>
    api.post(
      `/api/v1/tournaments/${f.id}/matches/r7_match_7/correction`,
      { winner: f.teamId },
      { as: org },
    ),
  archive: (api, org, f) => api.post(`/api/v1/tournaments/${f.id}/archive`, undefined, { as: org }),
};

describe('state machine refusals (409 invalid_transition)', () => {
  const api = useApi();
  let org: Actor;
  let captain: Actor;
  beforeAll(async () => {
    org = await api.user();
    captain = await api.user();
  });

  for (const state of Object.keys(ALLOWED) as State[]) {
    it(`${state}: every action it does not allow is refused with state, action and allowed`, async () => {
      const f = await inState(api, org, captain, state);
      const refused = Object.keys(ACTIONS).filter(
        // DELETE .../teams/:id in ACTIVE is a withdrawal, which ACTIVE allows.
        (a) => !ALLOWED[state].includes(a) && !(state === 'ACTIVE' && a === 'unregister'),
      );
      expect(refused.length).toBeGreaterThan(0);
      for (const action of refused) {
        const res = await (ACTIONS[action] as (typeof ACTIONS)['edit'])(api, org, f);
        expect(res.status, `${state} ${action}: ${res.text}`).toBe(409);
        expect(res.body.error.code).toBe('invalid_transition');
        expect(res.body.error.details).toEqual({ state, action, allowed: ALLOWED[state] });
        expect(typeof res.body.error.message).toBe('string');
      }
      // Nothing changed.
      expect((await api.get(`/api/v1/tournaments/${f.id}`)).body.state).toBe(state);
    });
  }
});
