import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/live/outbox.js';
import { createLogger } from '../../src/logger.js';
import { StartingNotifier } from '../../src/orchestrator/starting-notifier.js';
import { useApi } from '../support/api-harness.js';
import { openTournament, playToCompletion, start } from './builders.js';

describe('the API on PostgreSQL and Redis', () => {
  const api = useApi({ store: 'postgres', bus: 'redis' });

  it('a whole tour: subscribe, chat, play to the end with live events, views', async () => {
    const fan = await api.user();
    const t = await openTournament(api, {
      teams: 4,
      format: 'double_elimination',
      body: { name: 'Real Cup' },
    });
    expect(
      (await api.post('/api/v1/subscriptions', { tournament_id: t.id }, { as: fan })).status,
    ).toBe(201);

    const events = await api.sse(`/api/v1/tournaments/${t.id}/events`);
    const chat = await api.sse(`/api/v1/tournaments/${t.id}/chat/events`);
    const captainFeed = await api.sse(`/api/v1/events/user/${t.captains[0]?.id}`, {
      as: t.captains[0],
    });
    expect(events.status).toBe(200);

    expect(
      (await api.post(`/api/v1/tournaments/${t.id}/chat`, { body: 'glhf' }, { as: fan })).status,
    ).toBe(201);
    await chat.until((c) => c.messages.length === 1);
    expect(chat.data()[0]).toMatchObject({
      type: 'chat_message',
      body: 'glhf',
      username: fan.username,
    });

    await start(api, t.organizer, t.id);
    await captainFeed.until((c) => c.messages.some((m) => m.event === 'match_ready'));
    const done = await playToCompletion(api, t.organizer, t.id);
    expect(done.state).toBe('COMPLETED');
    await events.until(
      (c) => c.data().some((d) => d.type === 'state_changed' && d.to_state === 'COMPLETED'),
      10_000,
    );
    const ids = events.messages.map((m) => Number(m.id));
    expect(ids).toEqual(ids.map((_, i) => (ids[0] as number) + i));
    for (const c of [events, chat, captainFeed]) await c.close();

    const standings = await api.get(`/api/v1/tournaments/${t.id}/standings`);
    expect(standings.body.standings[0].team_id).toBe(done.winner);
    const subs = await api.get('/api/v1/subscriptions', { as: fan });
    expect(subs.body.subscriptions[0]).toMatchObject({ tournament_id: t.id, state: 'COMPLETED' });

    const stats = await api.get('/api/v1/stats');
    expect(stats.body.tournaments_by_state.COMPLETED).toBe(1);
    expect(stats.body.teams).toBe(4);
    const board = await api.get('/api/v1/leaderboard');
    const champion = t.teams.find((x) => x.id === done.winner)?.captain_id;
    expect(board.body.leaderboard[0]).toMatchObject({ rank: 1, user_id: champion, titles: 1 });
    expect((await api.get('/metrics')).text).toMatch(/^tourney_outbox_unpublished_events \d+$/m);
  });

  it('two orchestrators claiming tournament_starting at once: each subscriber gets one', async () => {
    // Ten minutes out: the app's own notifier (on the real clock) leaves it alone; the
    // four below run six minutes ahead, when it is four minutes from starting.
    const starts = new Date(Date.now() + 10 * 60_000);
    const t = await openTournament(api, { teams: 0, body: { starts_at: starts.toISOString() } });
    const fans = [await api.user(), await api.user(), await api.user(), await api.user()];
    for (const f of fans)
      await api.post('/api/v1/subscriptions', { tournament_id: t.id }, { as: f });
    const feed = await api.sse(`/api/v1/events/user/${fans[0]?.id}`, { as: fans[0] });

    const logger = createLogger('silent');
    const outbox = new Outbox(api.t.database, api.bus, logger);
    const ahead = () => new Date(Date.now() + 6 * 60_000);
    const notifiers = Array.from(
      { length: 4 },
      () => new StartingNotifier({ database: api.t.database, outbox, logger, clock: ahead }),
    );
    const sent = await Promise.all(notifiers.map((n) => n.tick()));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(fans.length);
    for (const f of fans) {
      const notes = await api.get('/api/v1/notifications', { as: f });
      const starting = notes.body.notifications.filter(
        (n: { type: string }) => n.type === 'tournament_starting',
      );
      expect(starting).toHaveLength(1);
      expect(starting[0].data).toMatchObject({ tournament_id: t.id, starts_in_minutes: 4 });
    }
    await feed.until((c) => c.messages.some((m) => m.event === 'tournament_starting'));
    expect(feed.messages.filter((m) => m.event === 'tournament_starting')).toHaveLength(1);
    await feed.close();
  });

  it("one live stream: a page's channels, resumed each where it stopped after a reconnect", async () => {
    const t = await openTournament(api, { teams: 2, body: { name: 'One Stream Cup' } });
    const [ana] = t.captains;
    const path = `/api/v1/live?tournament=${t.id}&chat=true&notifications=true`;
    const live = await api.sse(path, { as: ana });
    expect(live.status).toBe(200);
    const say = async (body: string) =>
      expect(
        (await api.post(`/api/v1/tournaments/${t.id}/chat`, { body }, { as: ana })).status,
      ).toBe(201);
    await say('first');
    await start(api, t.organizer, t.id);
    await live.until(
      (c) =>
        ['chat_message', 'round_advanced', 'match_ready'].every((type) =>
          c.messages.some((m) => m.event === type),
        ),
      5000,
    );
    const lastSeen = live.lastEventId as string;
    await live.close();

    await say('second');
    const back = await api.sse(path, { as: ana, lastEventId: lastSeen });
    await back.until((c) => c.messages.length >= 1);
    await playToCompletion(api, t.organizer, t.id);
    await back.until((c) =>
      c.data().some((d) => d.type === 'state_changed' && d.to_state === 'COMPLETED'),
    );
    const resumed = back.data();
    expect(resumed.filter((d) => d.type === 'chat_message').map((d) => d.body)).toEqual(['second']);
    const firstIds = live.data().map((d) => `${d.channel}#${d.id}`);
    expect(resumed.some((d) => firstIds.includes(`${d.channel}#${d.id}`))).toBe(false);
    await back.close();
  });
});
