import { describe, expect, it } from 'vitest';
import {
  chatFromEvent,
  describeAnnouncement,
  notificationFromEvent,
  parseChat,
  parseLeaderboard,
  parseNotifications,
  parseSubscriptions,
  unreadCountOf,
} from './feeds.js';

describe('feeds', () => {
  it('reads stored notifications with their data and read state', () => {
    const raw = {
      notifications: [
        {
          id: 7,
          type: 'match_ready',
          data: { tournament_id: 't_1', opponent: 'Bees', round: 2 },
          read: false,
          created_at: '2026-01-01T00:00:00Z',
        },
        {
          id: 6,
          type: 'tournament_starting',
          data: { tournament_name: 'Cup', starts_in_minutes: 5 },
          read: true,
        },
      ],
      unread: 1,
    };
    const items = parseNotifications(raw);
    expect(items.map((n) => [n.id, n.text, n.read])).toEqual([
      ['7', 'Your match against Bees is ready (round 2).', false],
      ['6', 'Cup starts in 5 minutes.', true],
    ]);
    expect(items[0]?.tournamentId).toBe('t_1');
    expect(unreadCountOf(raw)).toBe(1);
  });

  it('turns a live notification into an unread item', () => {
    const n = notificationFromEvent(
      'match_ready',
      { opponent: 'Ants', tournament_id: 't_2' },
      '41',
    );
    expect(n).toMatchObject({
      key: 'live-41',
      id: null,
      read: false,
      text: 'Your match against Ants is ready.',
    });
  });

  it('never throws on shapes it does not know', () => {
    expect(parseNotifications(null)).toEqual([]);
    expect(parseSubscriptions({ subscriptions: 'no' })).toEqual([]);
    expect(parseChat([{ nobody: true }])).toEqual([]);
    expect(parseLeaderboard(42)).toEqual([]);
  });

  it('reads subscriptions, chat and the leaderboard', () => {
    expect(
      parseSubscriptions({
        subscriptions: [{ tournament_id: 't_3', tournament_name: 'Cup', state: 'ACTIVE' }],
      }),
    ).toEqual([{ tournamentId: 't_3', name: 'Cup', state: 'ACTIVE' }]);
    expect(
      parseChat({ messages: [{ id: 9, username: 'ana', body: 'hi', created_at: 'x' }] }),
    ).toEqual([{ key: '9', author: 'ana', body: 'hi', at: 'x' }]);
    // A live message is keyed by its message id, as in the history: no duplicate after a refetch.
    expect(chatFromEvent({ id: 120, message_id: 9, username: 'ana', body: 'hi' }, '120')?.key).toBe(
      '9',
    );
    expect(
      parseLeaderboard({ leaderboard: [{ rank: 1, username: 'ana', titles: 2, match_wins: 7 }] }),
    ).toEqual([{ key: 'ana-0', rank: 1, name: 'ana', detail: '2 titles, 7 match wins' }]);
  });

  it('words the global announcements', () => {
    expect(
      describeAnnouncement('tournament_completed', { tournament_name: 'Cup', winner_name: 'Ants' })
        .text,
    ).toBe('Cup is complete: Ants won.');
    expect(
      describeAnnouncement('tournament_published', {
        tournament_name: 'Cup',
        format: 'round_robin',
      }).text,
    ).toBe('Cup is open for registration (round robin).');
  });
});
