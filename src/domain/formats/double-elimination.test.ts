import { describe, expect, it } from 'vitest';
import type { TournamentAggregate } from '../aggregate.js';
import { recordResult } from '../commands/play.js';
import { matchesOfRound, standings } from '../queries.js';
import { ctx, findMatch, ok, result, started } from '../testing/builders.js';

function play(agg: TournamentAggregate, ...wins: [string, string][]) {
  let out = agg;
  for (const [id, winner] of wins) out = ok(recordResult(out, id, result(winner), ctx));
  return out;
}

/** Plays every pending match; `pick` chooses the winner. */
function playAll(start: TournamentAggregate, pick: (a: string, b: string, id: string) => string) {
  let agg = start;
  while (agg.state === 'ACTIVE') {
    const m = matchesOfRound(agg, agg.current_round).find((x) => x.status === 'pending');
    if (!m) throw new Error('stuck');
    agg = ok(
      recordResult(agg, m.id, result(pick(m.team1_id as string, m.team2_id as string, m.id)), ctx),
    );
  }
  return agg;
}

const seedNo = (id: string) => Number(id.slice(5));
const better = (a: string, b: string) => (seedNo(a) < seedNo(b) ? a : b);

describe('double elimination', () => {
  it('lays out both brackets with interleaved rounds', () => {
    const agg = started('double_elimination', 8);
    const layout = matchesOfRound(agg, 'all').map((m) => `${m.id}@${m.round}`);
    expect(layout).toEqual([
      'wb_r1_match_1@1',
      'wb_r1_match_2@1',
      'wb_r1_match_3@1',
      'wb_r1_match_4@1',
      'wb_r2_match_1@2',
      'wb_r2_match_2@2',
      'lb_r1_match_1@2',
      'lb_r1_match_2@2',
      'wb_r3_match_1@3',
      'lb_r2_match_1@3',
      'lb_r2_match_2@3',
      'lb_r3_match_1@4',
      'lb_r4_match_1@5',
      'gf_match_1@6',
    ]);
    expect(findMatch(agg, 'lb_r4_match_1').bracket_round).toBe(4);
    expect(agg.play?.total_rounds).toBe(6);
  });

  it('drops losers in the brackets-manager order (LB round 2 reversed for 8)', () => {
    const agg = started('double_elimination', 8);
    expect(findMatch(agg, 'lb_r1_match_1')).toMatchObject({
      team1_from: { match_id: 'wb_r1_match_1', take: 'loser' },
      team2_from: { match_id: 'wb_r1_match_2', take: 'loser' },
    });
    expect(findMatch(agg, 'lb_r2_match_1')).toMatchObject({
      team1_from: { match_id: 'wb_r2_match_2', take: 'loser' },
      team2_from: { match_id: 'lb_r1_match_1', take: 'winner' },
    });
    expect(findMatch(agg, 'wb_r2_match_2').loser_to).toEqual({
      match_id: 'lb_r2_match_1',
      slot: 1,
    });
  });

  it('plays the reset only when the LB champion wins the first grand final', () => {
    const wbChampWins = play(
      started('double_elimination', 2),
      ['wb_r1_match_1', 'team_1'],
      ['gf_match_1', 'team_1'],
    );
    expect(wbChampWins).toMatchObject({ state: 'COMPLETED', winner: 'team_1' });
    expect(matchesOfRound(wbChampWins, 'all').map((m) => m.id)).toEqual([
      'wb_r1_match_1',
      'gf_match_1',
    ]);

    let agg = play(started('double_elimination', 2), ['wb_r1_match_1', 'team_1']);
    const r = recordResult(agg, 'gf_match_1', result('team_2'), ctx);
    agg = ok(r);
    expect(r.ok && r.events.map((e) => e.data.type)).toEqual([
      'match_result',
      'round_advanced',
      'match_ready',
      'match_ready',
    ]);
    expect(findMatch(agg, 'gf_match_2')).toMatchObject({
      round: 3,
      team1_id: 'team_1',
      team2_id: 'team_2',
      status: 'pending',
    });
    agg = play(agg, ['gf_match_2', 'team_2']);
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_2', current_round: 3 });
    expect(standings(agg).map((s) => [s.rank, s.team_id, s.wins, s.losses])).toEqual([
      [1, 'team_2', 2, 1],
      [2, 'team_1', 1, 2],
    ]);
  });

  it('with a single grand final, its winner wins', () => {
    const agg = play(
      started('double_elimination', 2, { options: { grand_final: 'single' } }),
      ['wb_r1_match_1', 'team_1'],
      ['gf_match_1', 'team_2'],
    );
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_2' });
  });

  it('without a grand final, the WB champion wins and the LB champion is second', () => {
    const start = started('double_elimination', 4, { options: { grand_final: 'none' } });
    expect(matchesOfRound(start, 'all').some((m) => m.bracket === 'grand_final')).toBe(false);
    const done = playAll(start, (a, b) =>
      a === 'team_1' || b === 'team_1' ? 'team_1' : better(a, b) === a ? b : a,
    );
    expect(done.winner).toBe('team_1');
    const table = standings(done);
    expect(table[0]).toMatchObject({ rank: 1, team_id: 'team_1', losses: 0 });
    expect(table[1]).toMatchObject({ rank: 2, losses: 1 });
  });

  it('ranks 1, 2, 3, 4, 5, 5, 7, 7 for eight teams', () => {
    const done = playAll(started('double_elimination', 8), better);
    expect(done.winner).toBe('team_1');
    expect(standings(done).map((s) => [s.rank, s.team_id])).toEqual([
      [1, 'team_1'],
      [2, 'team_2'],
      [3, 'team_3'],
      [4, 'team_4'],
      [5, 'team_5'],
      [5, 'team_6'],
      [7, 'team_7'],
      [7, 'team_8'],
    ]);
  });

  it('sends byes through both brackets with three teams', () => {
    const agg = started('double_elimination', 3);
    expect(findMatch(agg, 'wb_r1_match_1')).toMatchObject({ status: 'bye', winner: 'team_1' });
    expect(findMatch(agg, 'lb_r1_match_1')).toMatchObject({ team1_id: null, status: 'waiting' });
    const next = play(agg, ['wb_r1_match_2', 'team_2']);
    expect(findMatch(next, 'lb_r1_match_1')).toMatchObject({ status: 'bye', winner: 'team_3' });
    expect(findMatch(next, 'lb_r2_match_1').team2_id).toBe('team_3');
  });
});
