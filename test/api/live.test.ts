import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api-harness.js';
import type { SseClient } from '../support/sse-client.js';
import {
  createTournament,
  openTournament,
  pendingMatches,
  playToCompletion,
  publish,
  registerTeam,
  start,
} from './builders.js';

/** Over SSE each message's `event:` equals its data's `type`, and `id:` its data's `id` (SPEC §6). */
function expectWellFormed(client: SseClient) {
  for (const m of client.messages) {
    const data = JSON.parse(m.data);
    expect(m.event).toBe(data.type);
    expect(Number(m.id)).toBe(data.id);
  }
  const ids = client.messages.map((m) => Number(m.id));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(ids.length);
}

describe('SSE feeds', () => {
  const api = useApi();

  it('global: tournament_published and tournament_completed, replayed after Last-Event-ID', async () => {
    const live = await api.sse('/api/v1/events/global');
    expect(live.status).toBe(200);
    const t = await openTournament(api, { teams: 2, body: { name: 'Global Cup' } });
    await live.until((c) => c.messages.some((m) => m.event === 'tournament_published'));
    const published = live.data().find((d) => d.type === 'tournament_published');
    expect(published).toMatchObject({
      tournament_id: t.id,
      tournament_name: 'Global Cup',
      format: 'single_elimination',
    });
    expect(published?.timestamp).toMatch(/Z$/);
    const lastSeen = live.messages.at(-1)?.id as string;
    await live.close();

    await start(api, t.organizer, t.id);
    const done = await playToCompletion(api, t.organizer, t.id);

    // Reconnecting with the last id seen gives what was missed, once; ?last_event_id= works as the header does.
    for (const back of [
      await api.sse('/api/v1/events/global', { lastEventId: lastSeen }),
      await api.sse(`/api/v1/events/global?last_event_id=${lastSeen}`),
    ]) {
      await back.until((c) => c.messages.some((m) => m.event === 'tournament_completed'));
      const completed = back
        .data()
        .filter((d) => d.type === 'tournament_completed' && d.tournament_id === t.id);
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ tournament_name: 'Global Cup', winner: done.winner });
      expect(completed[0]?.winner_name).toMatch(/^Team /);
      expect(back.messages.every((m) => Number(m.id) > Number(lastSeen))).toBe(true);
      expectWellFormed(back);
      await back.close();
    }
    expect((await api.sse('/api/v1/events/global?last_event_id=abc')).status).toBe(422);
  });

  it('user: only that user; match_ready reaches a captain live and on replay', async () => {
    const org = await api.user();
    const [ana, bob] = [await api.user(), await api.user()];
    expect((await api.sse(`/api/v1/events/user/${ana.id}`)).status).toBe(401);
    expect((await api.sse(`/api/v1/events/user/${ana.id}`, { as: bob })).status).toBe(403);

    const live = await api.sse(`/api/v1/events/user/${ana.id}`, { as: ana });
    expect(live.status).toBe(200);
    const t = await createTournament(api, org);
    await publish(api, org, t.id);
    const a = await registerTeam(api, ana, t.id, 'Ana FC');
    await registerTeam(api, bob, t.id, 'Bob FC');
    await start(api, org, t.id);
    await live.until((c) => c.messages.some((m) => m.event === 'match_ready'));
    const ready = live.data().find((d) => d.type === 'match_ready');
    expect(ready).toMatchObject({
      tournament_id: t.id,
      match_id: 'r1_match_1',
      team_id: a.id,
      opponent: 'Bob FC',
    });
    expectWellFormed(live);
    await live.close();

    const replay = await api.sse(`/api/v1/events/user/${ana.id}`, { as: ana, lastEventId: 0 });
    await replay.until((c) => c.messages.length >= 1);
    expect(replay.data().map((d) => d.type)).toEqual(['match_ready']);
    await replay.close();
  });

  it('tournament: every change in order, with replay and no duplicates', async () => {
    const org = await api.user();
    const t = await createTournament(api, org, { name: 'Streamed' });
    const live = await api.sse(`/api/v1/tournaments/${t.id}/events`);
    expect(live.status).toBe(200);
    await publish(api, org, t.id);
    const captains = [await api.user(), await api.user(), await api.user(), await api.user()];
    for (const [i, c] of captains.entries()) await registerTeam(api, c, t.id, `S${i}`);
    await start(api, org, t.id);
    const [first] = await pendingMatches(api, t.id);
    await api.post(
      `/api/v1/tournaments/${t.id}/matches/${first?.id}/result`,
      { winner: first?.team1_id },
      { as: org },
    );
    await live.until((c) => c.messages.some((m) => m.event === 'match_result'));
    const types = live.data().map((d) => d.type);
    expect(types.slice(0, 5)).toEqual([
      'state_changed',
      'team_registered',
      'team_registered',
      'team_registered',
      'team_registered',
    ]);
    expect(types).toContain('round_advanced');
    expect(live.data().find((d) => d.type === 'state_changed')).toMatchObject({
      from_state: 'DRAFT',
      to_state: 'REGISTRATION',
    });
    expect(live.data().find((d) => d.type === 'round_advanced')).toMatchObject({
      new_round: 1,
      matches_count: 2,
    });
    expect(live.data().find((d) => d.type === 'match_result')).toMatchObject({
      match_id: first?.id,
      winner: first?.team1_id,
      round: 1,
    });
    expectWellFormed(live);
    const middle = live.messages[3]?.id as string;
    const seen = live.messages.length;
    await live.close();

    const back = await api.sse(`/api/v1/tournaments/${t.id}/events`, { lastEventId: middle });
    await back.until((c) => c.messages.length >= seen - 4);
    expect(back.messages.map((m) => m.id)).toEqual(live.messages.slice(4).map((m) => m.id));
    // Then live ones.
    const [second] = await pendingMatches(api, t.id);
    await api.post(
      `/api/v1/tournaments/${t.id}/matches/${second?.id}/result`,
      { winner: second?.team2_id },
      { as: org },
    );
    await back.until((c) => c.data().filter((d) => d.type === 'match_result').length === 2);
    expectWellFormed(back);
    await back.close();

    expect((await api.sse('/api/v1/tournaments/t_999999/events')).status).toBe(404);
  });
});
