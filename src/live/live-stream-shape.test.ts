import { describe, expect, it } from 'vitest';
import { liveChannels, liveQueryOf, liveUrl } from './live-stream-shape.js';

describe('the live stream query', () => {
  it('asks for channels in one fixed order, notifications being the signed-in user’s', () => {
    expect(
      liveChannels({ global: true, notifications: true, chat: true, tournament: 't_7' }, 'u_3'),
    ).toEqual({
      ok: true,
      channels: [
        'tournament:t_7:events',
        'tournament:t_7:chat',
        'user:u_3:notifications',
        'global:announcements',
      ],
    });
  });

  it('refuses chat without a tournament, notifications without a user, and no channel', () => {
    expect(liveChannels({ chat: true }, null)).toMatchObject({
      ok: false,
      field: 'querystring.chat',
    });
    expect(liveChannels({ notifications: true }, null)).toMatchObject({ ok: false });
    expect(liveChannels({}, 'u_3')).toMatchObject({ ok: false, field: 'querystring' });
  });

  it('is built from the channels a page wants, one tournament a stream', () => {
    const { query, carried } = liveQueryOf([
      'user:u_3:notifications',
      'tournament:t_7:chat',
      'tournament:t_8:events',
      'tournament:t_7:events',
    ]);
    expect(query).toEqual({ notifications: true, tournament: 't_7', chat: true });
    expect(carried).toEqual([
      'tournament:t_7:events',
      'tournament:t_7:chat',
      'user:u_3:notifications',
    ]);
    expect(liveUrl(query)).toBe('/api/v1/live?tournament=t_7&chat=true&notifications=true');
    expect(liveQueryOf([])).toEqual({ query: {}, carried: [] });
  });
});
