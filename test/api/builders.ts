import { expect } from 'vitest';
import type { Actor, ApiHarness, Json } from '../support/api-harness.js';

export type Format = 'single_elimination' | 'double_elimination' | 'round_robin' | 'swiss';

/** A valid creation body; `overrides` change what the test is about. */
export function tournamentBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Spring Cup',
    format: 'single_elimination',
    min_teams: 2,
    max_teams: 16,
    ...overrides,
  };
}

export async function createTournament(
  api: ApiHarness,
  organizer: Actor,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string } & Record<string, Json>> {
  const res = await api.post('/api/v1/tournaments', tournamentBody(overrides), { as: organizer });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

export async function publish(api: ApiHarness, organizer: Actor, id: string) {
  const res = await api.post(`/api/v1/tournaments/${id}/publish`, undefined, { as: organizer });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export async function registerTeam(api: ApiHarness, captain: Actor, id: string, name: string) {
  const res = await api.post(`/api/v1/tournaments/${id}/teams`, { name }, { as: captain });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string; captain_id: string; seed: number | null };
}

export async function start(api: ApiHarness, organizer: Actor, id: string) {
  const res = await api.post(`/api/v1/tournaments/${id}/start`, undefined, { as: organizer });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export interface OpenTournament {
  id: string;
  organizer: Actor;
  captains: Actor[];
  teams: Array<{ id: string; name: string; captain_id: string }>;
}

/**
 * A published tournament with `teams` teams, each registered by a captain of
 * its own (or all by the organizer with `bulk`).
 */
export async function openTournament(
  api: ApiHarness,
  o: {
    teams: number;
    format?: Format;
    organizer?: Actor;
    bulk?: boolean;
    body?: Record<string, unknown>;
  },
): Promise<OpenTournament> {
  const organizer = o.organizer ?? (await api.user());
  const t = await createTournament(api, organizer, {
    format: o.format ?? 'single_elimination',
    ...o.body,
  });
  await publish(api, organizer, t.id);
  const captains: Actor[] = [];
  const teams = [];
  for (let i = 1; i <= o.teams; i++) {
    const captain = o.bulk ? organizer : await api.user();
    captains.push(captain);
    teams.push(await registerTeam(api, captain, t.id, `Team ${i}`));
  }
  return { id: t.id, organizer, captains, teams };
}

export async function pendingMatches(api: ApiHarness, id: string) {
  const res = await api.get(`/api/v1/tournaments/${id}/matches`);
  expect(res.status, res.text).toBe(200);
  return (res.body.matches as Array<Record<string, Json>>).filter((m) => m.status === 'pending');
}

/** Posts results (the first team wins 2-1) until the tournament completes; returns it. */
export async function playToCompletion(api: ApiHarness, organizer: Actor, id: string) {
  for (let pass = 0; pass < 200; pass++) {
    const t = await api.get(`/api/v1/tournaments/${id}`);
    if (t.body.state !== 'ACTIVE') return t.body;
    const pending = await pendingMatches(api, id);
    expect(pending.length, `round ${t.body.current_round} has nothing to play`).toBeGreaterThan(0);
    for (const m of pending) {
      const res = await api.post(
        `/api/v1/tournaments/${id}/matches/${m.id}/result`,
        { winner: m.team1_id, scores: { [m.team1_id]: 2, [m.team2_id]: 1 } },
        { as: organizer },
      );
      expect(res.status, res.text).toBe(200);
    }
  }
  throw new Error(`tournament ${id} did not complete`);
}
