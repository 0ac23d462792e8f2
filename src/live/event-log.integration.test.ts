import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type StoreKind,
  storeKinds,
  type TestDatabase,
} from '../../test/support/backends.js';
import {
  appendEvents,
  decodeMessage,
  encodeMessage,
  lastEventSeq,
  markPublished,
  readEventsSince,
  unpublishedEvents,
} from './event-log.js';

const ev = (channel: string, n: number) => ({
  channel,
  type: 'match_result',
  data: { type: 'match_result', n },
});

describe.each(storeKinds)('event log contract (%s)', (kind: StoreKind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('numbers each channel on its own, from 1, in the order given', async () => {
    const db = t.database.db;
    const logged = await db.transaction((tx) =>
      appendEvents(tx, [
        ev('tournament:t_1:events', 1),
        ev('global:announcements', 2),
        ev('tournament:t_1:events', 3),
      ]),
    );
    expect(logged.map((e) => [e.channel, e.seq])).toEqual([
      ['tournament:t_1:events', 1],
      ['global:announcements', 1],
      ['tournament:t_1:events', 2],
    ]);
    const more = await appendEvents(db, [ev('tournament:t_1:events', 4)]);
    expect(more[0]?.seq).toBe(3);
    expect(await lastEventSeq(db, 'tournament:t_1:events')).toBe(3);
    expect(await lastEventSeq(db, 'nobody')).toBe(0);
    const since = await readEventsSince(db, 'tournament:t_1:events', 1);
    expect(since.map((e) => [e.seq, e.data.n])).toEqual([
      [2, 3],
      [3, 4],
    ]);
  });

  it('forgets the events of a rolled-back transaction, numbers included', async () => {
    const db = t.database.db;
    const channel = 'tournament:t_rb:events';
    await appendEvents(db, [ev(channel, 1)]);
    await expect(
      db.transaction(async (tx) => {
        await appendEvents(tx, [ev(channel, 2)]);
        throw new Error('change refused');
      }),
    ).rejects.toThrow('change refused');
    const next = await appendEvents(db, [ev(channel, 3)]);
    expect(next[0]?.seq).toBe(2);
    expect((await readEventsSince(db, channel, 0)).map((e) => e.data.n)).toEqual([1, 3]);
  });

  it('gives concurrent writers distinct, gap-free ids on one channel', async () => {
    const db = t.database.db;
    const channel = 'tournament:t_conc:events';
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction((tx) => appendEvents(tx, [ev(channel, i), ev(channel, i)])),
      ),
    );
    const all = await readEventsSince(db, channel, 0);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('lists unpublished events until they are marked published', async () => {
    const db = t.database.db;
    const channel = 'user:u_9:notifications';
    const logged = await appendEvents(db, [ev(channel, 1), ev(channel, 2)]);
    const future = new Date(Date.now() + 60_000);
    const pending = (await unpublishedEvents(db, future)).filter((e) => e.channel === channel);
    expect(pending.map((e) => e.seq)).toEqual([1, 2]);
    await markPublished(db, logged.slice(0, 1));
    const left = (await unpublishedEvents(db, future)).filter((e) => e.channel === channel);
    expect(left.map((e) => e.seq)).toEqual([2]);
    expect((await unpublishedEvents(db, new Date(0))).length).toBe(0);
  });
});

describe('bus messages', () => {
  it('carry the event data with its id and round-trip', () => {
    const e = {
      channel: 'c',
      seq: 7,
      type: 'round_advanced',
      data: { type: 'round_advanced', new_round: 2 },
    };
    const raw = encodeMessage(e);
    expect(JSON.parse(raw)).toEqual({ id: 7, type: 'round_advanced', new_round: 2 });
    expect(decodeMessage('c', raw)).toEqual(e);
    expect(decodeMessage('c', 'not json')).toBeNull();
    expect(decodeMessage('c', '{"type":"x"}')).toBeNull();
  });
});
