import { describe, expect, it } from 'vitest';
import { channelToken, formatPositions, parsePositions, tokenChannel } from './stream-position.js';

const page = ['tournament:t_7:events', 'tournament:t_7:chat', 'user:u_3:notifications'];

describe('stream positions (the multiplexed stream id)', () => {
  it('names every channel a live stream carries by a token of its own, and back', () => {
    const all = [...page, 'global:announcements'];
    expect(all.map(channelToken)).toEqual(['t7e', 't7c', 'u3n', 'g']);
    expect(all.map((c) => tokenChannel(channelToken(c) as string))).toEqual(all);
    expect(channelToken('tournament:t_7:other')).toBeNull();
    expect(tokenChannel('t7x')).toBeNull();
  });

  it("writes each channel's position in the stream's order, leaving out unknown ones", () => {
    const at = new Map([
      ['user:u_3:notifications', 7],
      ['tournament:t_7:events', 12],
      ['tournament:t_7:chat', 0],
    ]);
    expect(formatPositions(page, at)).toBe('t7e:12,t7c:0,u3n:7');
    expect(formatPositions(page, new Map([['tournament:t_7:chat', 5]]))).toBe('t7c:5');
  });

  it('reads what it writes, and a subset of the channels', () => {
    const parsed = parsePositions('t7e:12,t7c:5,u3n:7', page);
    expect(parsed.ok && [...parsed.positions]).toEqual([
      ['tournament:t_7:events', 12],
      ['tournament:t_7:chat', 5],
      ['user:u_3:notifications', 7],
    ]);
    const some = parsePositions('u3n:7', page);
    expect(some.ok && [...some.positions]).toEqual([['user:u_3:notifications', 7]]);
  });

  it('refuses a malformed id, a repeated channel and a channel of another stream', () => {
    for (const bad of [
      '',
      '12',
      't7e',
      't7e:',
      't7e:-1',
      't7e:1.5',
      't7e:1,',
      't7e:1;t7c:2',
      't7e:1,t7e:2',
      't8e:1',
      'u4n:1',
      'g:1',
      `t7e:${'9'.repeat(16)}`,
      `t7e:1,${'u3n:1,'.repeat(40)}`,
    ]) {
      const parsed = parsePositions(bad, page);
      expect(parsed.ok, bad).toBe(false);
    }
  });
});
