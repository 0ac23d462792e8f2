import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api-harness.js';
import { createTournament, openTournament, publish } from './builders.js';

describe('chat', () => {
  const api = useApi();

  it('keeps messages, newest last, pages back with before', async () => {
    const t = await openTournament(api, { teams: 0 });
    const ana = await api.user();
    const path = `/api/v1/tournaments/${t.id}/chat`;
    expect((await api.get(path)).body).toEqual({ messages: [] });

    const posted = await api.post(path, { body: '  good luck everyone  ' }, { as: ana });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({
      user_id: ana.id,
      username: ana.username,
      body: 'good luck everyone',
    });
    expect(typeof posted.body.id).toBe('number');
    expect(posted.body.created_at).toMatch(/Z$/);
    for (const body of ['two', 'three']) {
      expect((await api.post(path, { body }, { as: t.organizer })).status).toBe(201);
    }

    const all = await api.get(path);
    expect(all.status).toBe(200);
    expect(all.body.messages.map((m: { body: string }) => m.body)).toEqual([
      'good luck everyone',
      'two',
      'three',
    ]);
    expect(all.body.messages[1]).toMatchObject({
      user_id: t.organizer.id,
      username: t.organizer.username,
    });

    const last2 = await api.get(path, { query: { limit: 2 } });
    expect(last2.body.messages.map((m: { body: string }) => m.body)).toEqual(['two', 'three']);
    const older = await api.get(path, { query: { before: last2.body.messages[0].id } });
    expect(older.body.messages.map((m: { body: string }) => m.body)).toEqual([
      'good luck everyone',
    ]);
  });

  it('validates the body: 1-500 characters once trimmed', async () => {
    const t = await openTournament(api, { teams: 0 });
    const ana = await api.user();
    const path = `/api/v1/tournaments/${t.id}/chat`;
    for (const body of [
      { body: '   ' },
      { body: '' },
      { body: 'x'.repeat(501) },
      {},
      { body: 'hi', extra: 1 },
      { body: ['a', 'b'] },
    ]) {
      const res = await api.post(path, body, { as: ana });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await api.post(path, { body: `${'é'.repeat(500)}\n` }, { as: ana })).status).toBe(201);
    expect((await api.get(path, { query: { limit: 101 } })).status).toBe(422);
    expect((await api.get(path, { query: { before: 'x' } })).status).toBe(422);
  });

  it('needs a signed-in user, a known tournament, and a state past DRAFT', async () => {
    const org = await api.user();
    const draft = await createTournament(api, org);
    const anon = await api.post(`/api/v1/tournaments/${draft.id}/chat`, { body: 'hello' });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('unauthorized');

    const refused = await api.post(
      `/api/v1/tournaments/${draft.id}/chat`,
      { body: 'hello' },
      { as: org },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_transition');
    expect(refused.body.error.details).toMatchObject({ state: 'DRAFT', action: 'chat' });
    expect(refused.body.error.details.allowed).toEqual(['edit', 'publish', 'delete']);
    expect((await api.get(`/api/v1/tournaments/${draft.id}/chat`)).body.messages).toEqual([]);

    const missing = await api.post(
      '/api/v1/tournaments/t_999999/chat',
      { body: 'hello' },
      { as: org },
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('tournament_not_found');
    expect((await api.get('/api/v1/tournaments/t_999999/chat')).body.error.code).toBe(
      'tournament_not_found',
    );

    // Chat stays open once the tournament ended.
    await publish(api, org, draft.id);
    expect(
      (await api.post(`/api/v1/tournaments/${draft.id}/cancel`, undefined, { as: org })).status,
    ).toBe(200);
    expect(
      (await api.post(`/api/v1/tournaments/${draft.id}/chat`, { body: 'gg' }, { as: org })).status,
    ).toBe(201);
  });

  it('streams chat_message over SSE and replays what a client missed', async () => {
    const t = await openTournament(api, { teams: 0 });
    const ana = await api.user();
    const path = `/api/v1/tournaments/${t.id}/chat`;
    const live = await api.sse(`${path}/events`);
    expect(live.status).toBe(200);
    const posted = await api.post(path, { body: 'first' }, { as: ana });
    await live.until((c) => c.messages.length >= 1);
    const [message] = live.messages;
    expect(message?.event).toBe('chat_message');
    const data = JSON.parse(message?.data ?? '{}');
    expect(data).toMatchObject({
      type: 'chat_message',
      tournament_id: t.id,
      message_id: posted.body.id,
      user_id: ana.id,
      username: ana.username,
      body: 'first',
    });
    expect(data.id).toBe(Number(message?.id));
    await live.close();

    await api.post(path, { body: 'second' }, { as: ana });
    await api.post(path, { body: 'third' }, { as: ana });
    const back = await api.sse(`${path}/events`, { lastEventId: message?.id ?? 0 });
    await back.until((c) => c.messages.length >= 2);
    expect(back.data<{ body: string }>().map((m) => m.body)).toEqual(['second', 'third']);
    await back.close();

    expect((await api.sse('/api/v1/tournaments/t_999999/chat/events')).status).toBe(404);
  });

  it('rate limits each user: the 11th message in 10 s is 429 rate_limited', async () => {
    const t = await openTournament(api, { teams: 0 });
    const [ana, bob] = [await api.user(), await api.user()];
    const path = `/api/v1/tournaments/${t.id}/chat`;
    for (let i = 0; i < 10; i++) {
      expect((await api.post(path, { body: `m${i}` }, { as: ana })).status).toBe(201);
    }
    const limited = await api.post(path, { body: 'one more' }, { as: ana });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    // Per user, not per address: bob (same address) still talks.
    expect((await api.post(path, { body: 'hi' }, { as: bob })).status).toBe(201);
    expect((await api.get(path, { query: { limit: 100 } })).body.messages).toHaveLength(11);
  });
});
