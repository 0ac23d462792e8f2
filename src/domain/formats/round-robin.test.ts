import { describe, expect, it } from 'vitest';
import type { TournamentAggregate } from '../aggregate.js';
import { recordResult } from '../commands/play.js';
import { matchesOfRound, standings } from '../queries.js';
import { ctx, ok, playToEnd, result, started } from '../testing/builders.js';
import { roundRobinPairs } from './round-robin.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i + 1}`);

function schedule(n: number, double: boolean) {
  const rounds = (n + (n % 2) - 1) * (double ? 2 : 1);
  return Array.from({ length: rounds }, (_, r) => roundRobinPairs(ids(n), r + 1, double));
}

function play(agg: TournamentAggregate, input: Record<string, [string | null, number?, number?]>) {
  let out = agg;
  for (const m of matchesOfRound(out, out.current_round)) {
    const key = `${m.team1_id}-${m.team2_id}`;
    const spec = input[key];
    if (!spec) throw new Error(`no result for ${key}`);
    const [winner, s1, s2] = spec;
    const scores =
      s1 === undefined
        ? undefined
        : { [m.team1_id as string]: s1, [m.team2_id as string]: s2 ?? 0 };
    out = ok(recordResult(out, m.id, result(winner, scores), ctx));
  }
  return out;
}

describe('round robin schedule (circle method)', () => {
  it.each([2, 3, 4, 5, 6, 7, 10, 15])(
    'meets every pair exactly once, once a round (%i teams)',
    (n) => {
      const rounds = schedule(n, false);
      const seen = new Map<string, number>();
      for (const pairs of rounds) {
        const playing = pairs.flat();
        expect(new Set(playing).size).toBe(playing.length);
        expect(pairs).toHaveLength(Math.floor(n / 2));
        for (const [a, b] of pairs) {
          const key = [a, b].sort().join();
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
      }
      expect(seen.size).toBe((n * (n - 1)) / 2);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
    },
  );

  it('gives each team one bye with an odd count', () => {
    const sitting = schedule(5, false).map((pairs) =>
      ids(5).find((t) => !pairs.flat().includes(t)),
    );
    expect([...sitting].sort()).toEqual(ids(5));
  });

  it('plays the schedule again with sides swapped when double', () => {
    const rounds = schedule(4, true);
    expect(rounds).toHaveLength(6);
    for (let r = 0; r < 3; r++) {
      expect(rounds[r + 3]).toEqual(rounds[r]?.map(([a, b]) => [b, a]));
    }
  });

  it('creates each round when it starts', () => {
    const agg = started('round_robin', 4);
    expect(agg.play?.total_rounds).toBe(3);
    expect(matchesOfRound(agg, 'all').map((m) => m.id)).toEqual(['r1_match_1', 'r1_match_2']);
    const done = playToEnd(agg, 4).agg;
    expect(matchesOfRound(done, 'all')).toHaveLength(6);
    expect(done.current_round).toBe(3);
  });
});

describe('round robin standings', () => {
  it('ranks by points 3/1/0 by default', () => {
    let agg = started('round_robin', 3);
    // Rounds: 1 sits out... whatever the schedule, team_1 wins all, the rest draw.
    while (agg.state === 'ACTIVE') {
      for (const m of matchesOfRound(agg, agg.current_round)) {
        const winner = m.team1_id === 'team_1' || m.team2_id === 'team_1' ? 'team_1' : null;
        agg = ok(recordResult(agg, m.id, result(winner), ctx));
      }
    }
    expect(
      standings(agg).map((s) => [s.rank, s.team_id, s.wins, s.draws, s.losses, s.points]),
    ).toEqual([
      [1, 'team_1', 2, 0, 0, 6],
      [2, 'team_2', 0, 1, 1, 1],
      [2, 'team_3', 0, 1, 1, 1],
    ]);
    expect(agg.winner).toBe('team_1');
  });

  it('breaks ties by head-to-head, then score difference', () => {
    // 4 teams: 1, 2 and 3 each win one game among themselves; team_4 loses all.
    let agg = started('round_robin', 4);
    agg = play(agg, { 'team_1-team_4': ['team_1', 1, 0], 'team_2-team_3': ['team_2', 1, 0] });
    agg = play(agg, { 'team_3-team_1': ['team_3', 1, 0], 'team_4-team_2': ['team_2', 0, 5] });
    agg = play(agg, { 'team_1-team_2': ['team_1', 1, 0], 'team_3-team_4': ['team_3', 2, 0] });
    const table = standings(agg);
    // All three on 6 points and 3 head-to-head points; difference: team_2 +5, team_3 +2, team_1 +1.
    expect(table.map((s) => [s.rank, s.team_id, s.points])).toEqual([
      [1, 'team_2', 6],
      [2, 'team_3', 6],
      [3, 'team_1', 6],
      [4, 'team_4', 0],
    ]);
    expect(table[0]?.tiebreaks).toEqual({ head_to_head: 3, score_difference: 5 });
  });

  it('uses head-to-head before score difference', () => {
    let agg = started('round_robin', 4, { options: { points: { win: 2, draw: 1, loss: 0 } } });
    agg = play(agg, { 'team_1-team_4': ['team_4', 0, 1], 'team_2-team_3': ['team_2', 1, 0] });
    agg = play(agg, { 'team_3-team_1': ['team_1', 0, 9], 'team_4-team_2': ['team_2', 0, 1] });
    agg = play(agg, { 'team_1-team_2': [null, 0, 0], 'team_3-team_4': [null, 0, 0] });
    // team_4 and team_1 have 3 points each; team_4 beat team_1, whose difference is far better.
    expect(standings(agg).map((s) => [s.rank, s.team_id, s.points])).toEqual([
      [1, 'team_2', 5],
      [2, 'team_4', 3],
      [3, 'team_1', 3],
      [4, 'team_3', 1],
    ]);
  });
});
