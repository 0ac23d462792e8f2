import { describe, expect, it } from 'vitest';
import type { TournamentAggregate } from '../aggregate.js';
import { abandonMatch, recordResult } from '../commands/play.js';
import { matchesOfRound, standings } from '../queries.js';
import { ctx, findMatch, ok, playToEnd, result, started } from '../testing/builders.js';
import { bracketSize, standardOrder } from './seeding-order.js';

const pairs = (agg: TournamentAggregate, round: number) =>
  matchesOfRound(agg, round).map((m) => [m.team1_id, m.team2_id]);

/** Plays every pending match, the better seed (lower number) winning. */
function favouritesWin(start: TournamentAggregate): TournamentAggregate {
  let agg = start;
  while (agg.state === 'ACTIVE') {
    const m = matchesOfRound(agg, agg.current_round).find((x) => x.status === 'pending');
    if (!m) throw new Error('stuck');
    const [a, b] = [m.team1_id as string, m.team2_id as string];
    const best = Number(a.slice(5)) < Number(b.slice(5)) ? a : b;
    agg = ok(recordResult(agg, m.id, result(best), ctx));
  }
  return agg;
}

describe('single elimination', () => {
  it('uses the standard seed order', () => {
    expect(standardOrder(8)).toEqual([1, 8, 4, 5, 2, 7, 3, 6]);
    expect(bracketSize(5)).toBe(8);
    expect(bracketSize(2)).toBe(2);
    expect(bracketSize(64)).toBe(64);
    const agg = started('single_elimination', 8);
    expect(pairs(agg, 1)).toEqual([
      ['team_1', 'team_8'],
      ['team_4', 'team_5'],
      ['team_2', 'team_7'],
      ['team_3', 'team_6'],
    ]);
    expect(matchesOfRound(agg, 'all').map((m) => m.id)).toEqual([
      'r1_match_1',
      'r1_match_2',
      'r1_match_3',
      'r1_match_4',
      'r2_match_1',
      'r2_match_2',
      'r3_match_1',
    ]);
    expect(agg.play?.total_rounds).toBe(3);
  });

  it('gives the byes to the best seeds, in round 1, and moves them on at once', () => {
    const agg = started('single_elimination', 5);
    const byes = matchesOfRound(agg, 1).filter((m) => m.status === 'bye');
    expect(byes.map((m) => [m.team1_id, m.team2_id, m.winner])).toEqual([
      ['team_1', null, 'team_1'],
      ['team_2', null, 'team_2'],
      ['team_3', null, 'team_3'],
    ]);
    expect(findMatch(agg, 'r2_match_2')).toMatchObject({
      team1_id: 'team_2',
      team2_id: 'team_3',
      status: 'waiting',
    });
    expect(matchesOfRound(agg, 1).filter((m) => m.status === 'pending')).toHaveLength(1);
  });

  it('keeps the two best seeds apart until the final', () => {
    for (const n of [2, 3, 4, 7, 8, 9, 16, 31, 64]) {
      const done = favouritesWin(started('single_elimination', n));
      const final = matchesOfRound(done, done.current_round)[0];
      expect([final?.team1_id, final?.team2_id]).toEqual(['team_1', 'team_2']);
      expect(done.winner).toBe('team_1');
    }
  });

  it('ranks 1, 2, 3, 3, 5, 5, 5, 5 without a third-place match', () => {
    const done = favouritesWin(started('single_elimination', 8));
    expect(standings(done).map((s) => [s.rank, s.team_id, s.wins, s.losses, s.points])).toEqual([
      [1, 'team_1', 3, 0, 3],
      [2, 'team_2', 2, 1, 2],
      [3, 'team_3', 1, 1, 1],
      [3, 'team_4', 1, 1, 1],
      [5, 'team_5', 0, 1, 0],
      [5, 'team_6', 0, 1, 0],
      [5, 'team_7', 0, 1, 0],
      [5, 'team_8', 0, 1, 0],
    ]);
  });

  it('plays the third-place match in the final round and ranks 1 to 4', () => {
    const agg = started('single_elimination', 8, { options: { third_place: true } });
    expect(findMatch(agg, 'r3_match_2')).toMatchObject({ round: 3, bracket: 'third_place' });
    const done = favouritesWin(agg);
    expect(findMatch(done, 'r3_match_2')).toMatchObject({
      team1_id: 'team_4',
      team2_id: 'team_3',
      winner: 'team_3',
    });
    expect(
      standings(done)
        .slice(0, 5)
        .map((s) => [s.rank, s.team_id]),
    ).toEqual([
      [1, 'team_1'],
      [2, 'team_2'],
      [3, 'team_3'],
      [4, 'team_4'],
      [5, 'team_5'],
    ]);
  });

  it('waits for the third-place match before completing', () => {
    let agg = started('single_elimination', 4, { options: { third_place: true } });
    agg = ok(recordResult(agg, 'r1_match_1', result('team_1'), ctx));
    agg = ok(recordResult(agg, 'r1_match_2', result('team_2'), ctx));
    expect(pairs(agg, 2)).toEqual([
      ['team_1', 'team_2'],
      ['team_4', 'team_3'],
    ]);
    agg = ok(recordResult(agg, 'r2_match_1', result('team_2'), ctx));
    expect(agg.state).toBe('ACTIVE');
    agg = ok(recordResult(agg, 'r2_match_2', result('team_4'), ctx));
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_2' });
  });

  it('gives the third place to the only semi-final loser with three teams', () => {
    const agg = started('single_elimination', 3, { options: { third_place: true } });
    const done = playToEnd(agg, 3).agg;
    const third = findMatch(done, 'r2_match_2');
    expect(third).toMatchObject({ status: 'bye', walkover: true });
    expect(third.winner).not.toBeNull();
    expect(standings(done).map((s) => s.rank)).toEqual([1, 2, 3]);
  });

  it('passes through a round made only of byes', () => {
    let agg = started('single_elimination', 8);
    agg = ok(abandonMatch(agg, 'r1_match_2', ctx));
    agg = ok(abandonMatch(agg, 'r1_match_4', ctx));
    agg = ok(recordResult(agg, 'r1_match_1', result('team_1'), ctx));
    const r = recordResult(agg, 'r1_match_3', result('team_2'), ctx);
    agg = ok(r);
    expect(matchesOfRound(agg, 2).map((m) => [m.status, m.winner])).toEqual([
      ['bye', 'team_1'],
      ['bye', 'team_2'],
    ]);
    expect(r.ok && r.events.map((e) => e.data.type)).toEqual([
      'match_result',
      'round_advanced',
      'match_ready',
      'match_ready',
    ]);
    expect(r.ok && r.events[1]?.data).toMatchObject({ new_round: 3, matches_count: 1 });
    expect(agg.current_round).toBe(3);
  });

  it('has no third-place match with two teams', () => {
    const agg = started('single_elimination', 2, { options: { third_place: true } });
    expect(matchesOfRound(agg, 'all').map((m) => m.id)).toEqual(['r1_match_1']);
  });
});
