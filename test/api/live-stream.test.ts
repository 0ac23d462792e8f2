import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channels } from '../../src/bus/bus.js';
import { appendEvents, readEventsSince } from '../../src/live/event-log.js';
import { Outbox } from '../../src/live/outbox.js';
import { parsePositions } from '../../src/live/stream-position.js';
import { createLogger } from '../../src/logger.js';
import { type Actor, type ApiHarness, useApi } from '../support/api-harness.js';
import type { SseClient } from '../support/sse-client.js';
import { createTournament, pendingMatches, publish, registerTeam, start } from './builders.js';

const pagePath = (id: string) => `/api/v1/live?tournament=${id}&chat=true&notifications=true`;
const pageChannels = (id: string, user: Actor) => [
  channels.tournament(id),
  channels.chat(id),
  channels.user(user.id),
];

const lastOf = (ids: Map<string, number[]>, channel: string) => ids.get(channel)?.at(-1) ?? 0;

/** Each channel's event ids, in the order they arrived. */
function idsByChannel(c: SseClient): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const d of c.data<{ id: number; channel: string }>()) {
    out.set(d.channel, [...(out.get(d.channel) ?? []), d.id]);
  }
  return out;
}

/**
 * Each message: `event:` its data's type, a channel of the stream, and an `id:`
 * giving every channel's position with this message's own channel at this
 * event; each channel's ids increase by one, without a repeat.
 */
function expectWellFormed(c: SseClient, streamChannels: string[]) {
  const last = new Map<string, number>();
  for (const m of c.messages) {
    const data = JSON.parse(m.data) as { id: number; type: string; channel: string };
    expect(m.event).toBe(data.type);
    expect(streamChannels).toContain(data.channel);
    const parsed = parsePositions(m.id ?? '', streamChannels);
    if (!parsed.ok) throw new Error(`bad id ${m.id}: ${parsed.reason}`);
    expect([...parsed.positions.keys()]).toEqual(streamChannels);
    expect(parsed.positions.get(data.channel)).toBe(data.id);
    const before = last.get(data.channel);
    if (before !== undefined) expect(data.id).toBe(before + 1);
    last.set(data.channel, data.id);
  }
}

/** A tournament with Ana's and Bob's teams registered, not started. */
async function registered(api: ApiHarness) {
  const org = await api.user();
  const [ana, bob] = [await api.user(), await api.user()];
  const t = await createTournament(api, org, { name: 'Multiplexed Cup' });
  await publish(api, org, t.id);
  await registerTeam(api, ana, t.id, 'Ana FC');
  await registerTeam(api, bob, t.id, 'Bob FC');
  return { id: t.id, org, ana, bob };
}

/** Writes test events as the services do: committed to the log, then published. */
function emitter(api: ApiHarness) {
  const outbox = new Outbox(api.t.database, api.bus, createLogger('silent'));
  return (channel: string, n: number) =>
    outbox.commit(async () => ({
      value: null,
      events: [{ channel, type: 'tick', data: { type: 'tick', n } }],
    }));
}

const chat = async (api: ApiHarness, id: string, as: Actor, body: string) =>
  expect((await api.post(`/api/v1/tournaments/${id}/chat`, { body }, { as })).status).toBe(201);

describe('one live stream per page (GET /api/v1/live)', () => {
  const api = useApi();

  it("carries the tournament's events, its chat and the user's notifications on one connection", async () => {
    const { id, org, ana } = await registered(api);
    const live = await api.sse(pagePath(id), { as: ana });
    expect(live.status).toBe(200);
    await chat(api, id, ana, 'good luck');
    await start(api, org, id);
    await live.until(
      (c) =>
        ['round_advanced', 'chat_message', 'match_ready'].every((type) =>
          c.messages.some((m) => m.event === type),
        ),
      5000,
    );
    const data = live.data();
    expect(data.find((d) => d.type === 'chat_message')).toMatchObject({
      channel: channels.chat(id),
      body: 'good luck',
      username: ana.username,
    });
    expect(data.find((d) => d.type === 'state_changed')).toMatchObject({
      channel: channels.tournament(id),
      from_state: 'REGISTRATION',
      to_state: 'ACTIVE',
    });
    expect(data.find((d) => d.type === 'round_advanced')).toMatchObject({
      channel: channels.tournament(id),
      new_round: 1,
    });
    expect(data.find((d) => d.type === 'match_ready')).toMatchObject({
      channel: channels.user(ana.id),
      tournament_id: id,
      opponent: 'Bob FC',
    });
    expectWellFormed(live, pageChannels(id, ana));

    // Each message's data is the one the channel's own stream sends, plus its channel.
    const own = [
      [channels.tournament(id), `/api/v1/tournaments/${id}/events`],
      [channels.chat(id), `/api/v1/tournaments/${id}/chat/events`],
      [channels.user(ana.id), `/api/v1/events/user/${ana.id}`],
    ] as const;
    for (const [channel, path] of own) {
      const ids = idsByChannel(live).get(channel) ?? [];
      const single = await api.sse(path, { as: ana, lastEventId: (ids[0] as number) - 1 });
      await single.until((c) => c.messages.length >= ids.length);
      const mine = data.filter((d) => d.channel === channel).map(({ channel: _, ...d }) => d);
      expect(single.data().slice(0, ids.length)).toEqual(mine);
      await single.close();
    }
    await live.close();
  });

  it('resumes every channel exactly after a reconnect, even one that alone had events meanwhile', async () => {
    const { id, org, ana } = await registered(api);
    const streamChannels = pageChannels(id, ana);
    const first = await api.sse(pagePath(id), { as: ana });
    await chat(api, id, ana, 'one');
    await start(api, org, id);
    await first.until((c) => c.messages.some((m) => m.event === 'match_ready'), 5000);
    await first.until((c) => c.messages.some((m) => m.event === 'chat_message'));
    await first.until((c) => c.messages.some((m) => m.event === 'round_advanced'));
    const lastSeen = first.lastEventId as string;
    const before = idsByChannel(first);
    await first.close();

    // While away: chat only.
    await chat(api, id, org, 'two');
    await chat(api, id, ana, 'three');

    for (const back of [
      await api.sse(pagePath(id), { as: ana, lastEventId: lastSeen }),
      await api.sse(`${pagePath(id)}&last_event_id=${encodeURIComponent(lastSeen)}`, { as: ana }),
    ]) {
      expect(back.status).toBe(200);
      await back.until((c) => c.messages.length >= 2);
      expect(back.data().map((d) => [d.channel, d.body])).toEqual([
        [channels.chat(id), 'two'],
        [channels.chat(id), 'three'],
      ]);
      const chatAt = lastOf(before, channels.chat(id));
      expect(back.data().map((d) => d.id)).toEqual([chatAt + 1, chatAt + 2]);
      await back.close();
    }

    // Then live ones, on the channels that had nothing while away, continuing their ids.
    const back = await api.sse(pagePath(id), {
      as: ana,
      lastEventId: first.lastEventId as string,
    });
    await back.until((c) => c.messages.length >= 2);
    const [match] = await pendingMatches(api, id);
    const recorded = await api.post(
      `/api/v1/tournaments/${id}/matches/${match?.id}/result`,
      { winner: match?.team1_id },
      { as: org },
    );
    expect(recorded.status, recorded.text).toBe(200);
    await back.until((c) => c.messages.some((m) => m.event === 'match_result'));
    const resumed = back.data().find((d) => d.type === 'match_result');
    expect(resumed?.channel).toBe(channels.tournament(id));
    expect(resumed?.id).toBe(lastOf(before, channels.tournament(id)) + 1);
    expectWellFormed(back, streamChannels);
    await back.close();
  });

  it('resumes from the starting position a stream gives before any event', async () => {
    const { id, org, ana } = await registered(api);
    const quiet = await api.sse(pagePath(id), { as: ana });
    await quiet.until((c) => c.lastEventId !== null);
    expect(quiet.messages).toEqual([]);
    const start = parsePositions(quiet.lastEventId as string, pageChannels(id, ana));
    expect(start.ok && [...start.positions.keys()]).toEqual(pageChannels(id, ana));
    await quiet.close();

    await chat(api, id, org, 'while you were away');
    const back = await api.sse(pagePath(id), { as: ana, lastEventId: quiet.lastEventId as string });
    await back.until((c) => c.messages.length >= 1);
    expect(back.data()).toMatchObject([{ type: 'chat_message', body: 'while you were away' }]);
    await back.close();
  });

  it('delivers every event of every channel once, in order, across random reconnects (seeded)', async () => {
    const emit = emitter(api);
    const ana = await api.user();
    const t = await createTournament(api, ana);
    const streamChannels = [...pageChannels(t.id, ana), channels.global];
    const path = `${pagePath(t.id)}&global=true`;
    const first = await api.sse(path, { as: ana });
    await first.until((c) => c.lastEventId !== null);
    await first.close();
    // Where the next run resumes, and each channel's position there.
    let resumeAt = first.lastEventId as string;
    const positionsAt = (id: string) => {
      const parsed = parsePositions(id, streamChannels);
      if (!parsed.ok) throw new Error(`bad id ${id}: ${parsed.reason}`);
      return parsed.positions;
    };

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), {
          minLength: 10,
          maxLength: 30,
        }),
        async (steps) => {
          const from = positionsAt(resumeAt);
          const seen = new Map<string, number[]>();
          const keep = (c: SseClient) => {
            for (const [ch, ids] of idsByChannel(c))
              seen.set(ch, [...(seen.get(ch) ?? []), ...ids]);
          };
          let lastId = resumeAt;
          let client = await api.sse(path, { as: ana, lastEventId: lastId });
          let emitted = 0;
          for (const [which, reconnect] of steps) {
            await emit(streamChannels[which] as string, ++emitted);
            if (reconnect) {
              await client.close();
              keep(client);
              lastId = client.lastEventId ?? lastId;
              client = await api.sse(path, { as: ana, lastEventId: lastId });
            }
          }
          const already = [...seen.values()].reduce((a, b) => a + b.length, 0);
          await client.until((c) => c.messages.length >= emitted - already, 5000);
          await client.close();
          keep(client);
          for (const channel of streamChannels) {
            const log = await readEventsSince(api.t.database.db, channel, 0, 10_000);
            const start = from.get(channel) as number;
            const expected = log.map((e) => e.seq).filter((seq) => seq > start);
            expect(seen.get(channel) ?? [], channel).toEqual(expected);
          }
          resumeAt = client.lastEventId ?? lastId;
        },
      ),
      { numRuns: 4, seed: 13 },
    );
  });

  it('fills a hole a lost bus message leaves in one channel from the log; the others go on', async () => {
    const emit = emitter(api);
    const ana = await api.user();
    const t = await createTournament(api, ana);
    const [, chatChannel, notes] = pageChannels(t.id, ana) as [string, string, string];
    const live = await api.sse(pagePath(t.id), { as: ana });
    await live.until((c) => c.lastEventId !== null);
    // Committed but never published: the bus does not carry it.
    await api.t.database.db.transaction((tx) =>
      appendEvents(tx, [{ channel: chatChannel, type: 'tick', data: { type: 'tick', n: 1 } }]),
    );
    await emit(notes, 1);
    await live.until((c) => c.messages.length >= 1);
    await emit(chatChannel, 2);
    await live.until((c) => c.messages.length >= 3);
    expect(live.data().map((d) => [d.channel, d.n])).toEqual([
      [notes, 1],
      [chatChannel, 1],
      [chatChannel, 2],
    ]);
    expectWellFormed(live, pageChannels(t.id, ana));
    await live.close();
  });

  it('refuses a malformed or foreign last event id with 422, by header or query', async () => {
    const { id, ana, bob } = await registered(api);
    const other = await createTournament(api, ana);
    const digits = id.slice(2);
    const bad = [
      'abc',
      '12',
      `t${digits}e:`,
      `t${digits}e:x`,
      `t${digits}e:1;t${digits}c:2`,
      `t${digits}e:1,t${digits}e:2`,
      `t${other.id.slice(2)}e:1`,
      `u${bob.id.slice(2)}n:1`,
      'g:1',
      `t${digits}e:1,`,
      `t${digits}e:${'9'.repeat(16)}`,
      `t${digits}e:1,${'x'.repeat(200)}`,
    ];
    for (const lastEventId of bad) {
      for (const res of [
        await api.sse(pagePath(id), { as: ana, lastEventId }),
        await api.sse(`${pagePath(id)}&last_event_id=${encodeURIComponent(lastEventId)}`, {
          as: ana,
        }),
      ]) {
        expect(res.status, lastEventId).toBe(422);
        const body = JSON.parse(res.messages[0]?.data ?? '{}');
        expect(body.error.code, lastEventId).toBe('validation_error');
      }
    }
    // A pair per channel, any subset: accepted.
    const ok = await api.sse(pagePath(id), { as: ana, lastEventId: `u${ana.id.slice(2)}n:0` });
    expect(ok.status).toBe(200);
    await ok.close();
  });

  it('needs a signed-in user for notifications, an existing tournament and some channel', async () => {
    const { id, ana } = await registered(api);
    const anonymous = await api.sse(pagePath(id));
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.messages[0]?.data ?? '{}').error.code).toBe('unauthorized');
    // Without notifications, anyone may listen.
    const open = await api.sse(`/api/v1/live?tournament=${id}&chat=true`);
    expect(open.status).toBe(200);
    await open.close();

    const missing = await api.sse(pagePath('t_999999'), { as: ana });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.messages[0]?.data ?? '{}').error.code).toBe('tournament_not_found');
    for (const query of ['', '?chat=true', `?tournament=${id}&chat=maybe`, '?tournament=x_1']) {
      const res = await api.sse(`/api/v1/live${query}`, { as: ana });
      expect(res.status, query).toBe(422);
    }
  });
});
