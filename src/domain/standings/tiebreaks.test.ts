import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SwissTiebreak } from '../types.js';
import { type PlayedGame, type ScoredTeam, scoreTeams } from './tiebreaks.js';

// ---- builders ------------------------------------------------------------

const win = (round: number, a: string, b: string): PlayedGame => ({ round, a, b, outcome: 'a' });
const draw = (round: number, a: string, b: string): PlayedGame => ({
  round,
  a,
  b,
  outcome: 'draw',
});
const bye = (round: number, a: string): PlayedGame => ({ round, a, b: null, outcome: 'a' });
const forfeit = (round: number, a: string, b: string): PlayedGame => ({
  round,
  a,
  b,
  outcome: 'double_forfeit',
});

const chess = { win: 1, draw: 0.5, loss: 0 };
const football = { win: 3, draw: 1, loss: 0 };

function table(rows: ScoredTeam[]) {
  return rows.map((r) => [r.rank, r.team_id, r.points, r.tiebreaks]);
}

// A: beats B, draws C, beats D. B: beats D, draws C. C: draws D.
const fourTeamRoundRobin = [
  win(1, 'A', 'B'),
  draw(1, 'C', 'D'),
  draw(2, 'A', 'C'),
  win(2, 'B', 'D'),
  win(3, 'A', 'D'),
  draw(3, 'B', 'C'),
];

describe('scoreTeams', () => {
  it('computes Buchholz and Sonneborn-Berger by hand (1/½/0)', () => {
    const rows = scoreTeams(['A', 'B', 'C', 'D'], fourTeamRoundRobin, {
      points: chess,
      tiebreaks: ['buchholz', 'sonneborn_berger'],
    });
    // Points A 2.5, B 1.5, C 1.5, D 0.5.
    // Buchholz: A 1.5+1.5+0.5; B 2.5+0.5+1.5; C 0.5+2.5+1.5; D 1.5+1.5+2.5.
    // SB: A 1.5 + ½·1.5 + 0.5; B 0.5 + ½·1.5; C ½·(0.5+2.5+1.5); D ½·1.5.
    // B and C are level on Buchholz; Sonneborn-Berger puts C ahead.
    expect(table(rows)).toEqual([
      [1, 'A', 2.5, { buchholz: 3.5, sonneborn_berger: 2.75 }],
      [2, 'C', 1.5, { buchholz: 4.5, sonneborn_berger: 2.25 }],
      [3, 'B', 1.5, { buchholz: 4.5, sonneborn_berger: 1.25 }],
      [4, 'D', 0.5, { buchholz: 5.5, sonneborn_berger: 0.75 }],
    ]);
    expect(rows.map((r) => [r.wins, r.draws, r.losses])).toEqual([
      [2, 1, 0],
      [0, 3, 0],
      [1, 1, 1],
      [0, 1, 2],
    ]);
  });

  it('shares a rank on a full tie and keeps seed order', () => {
    // B and C drew each other: head-to-head cannot split them.
    const rows = scoreTeams(['A', 'B', 'C', 'D'], fourTeamRoundRobin, {
      points: chess,
      tiebreaks: ['head_to_head'],
    });
    expect(table(rows)).toEqual([
      [1, 'A', 2.5, { head_to_head: 0 }],
      [2, 'B', 1.5, { head_to_head: 0.5 }],
      [2, 'C', 1.5, { head_to_head: 0.5 }],
      [4, 'D', 0.5, { head_to_head: 0 }],
    ]);
    const reseeded = scoreTeams(['D', 'C', 'B', 'A'], fourTeamRoundRobin, {
      points: chess,
      tiebreaks: ['head_to_head'],
    });
    expect(reseeded.map((r) => r.team_id)).toEqual(['A', 'C', 'B', 'D']);
  });

  it('scores byes as wins and double forfeits as losses, both unplayed for tiebreaks (3/1/0)', () => {
    const games = [
      win(1, 'A', 'B'),
      draw(1, 'C', 'D'),
      bye(1, 'E'),
      forfeit(2, 'A', 'E'),
      win(2, 'B', 'C'),
      bye(2, 'D'),
    ];
    const rows = scoreTeams(['A', 'B', 'C', 'D', 'E'], games, {
      points: football,
      tiebreaks: ['head_to_head', 'buchholz', 'sonneborn_berger'],
    });
    // Points: A 3+0, B 0+3, C 1+0, D 1+3, E 3+0. A, B, E level on 3: A beat B (3 h2h),
    // A-E was forfeited. B's Buchholz A+C = 4 beats E's 0 (its games were a bye and a forfeit).
    // SB with a draw worth ⅓ of a win: C drew D (4 points) -> 4/3.
    expect(table(rows)).toEqual([
      [1, 'D', 4, { head_to_head: 0, buchholz: 1, sonneborn_berger: 0.333333 }],
      [2, 'A', 3, { head_to_head: 3, buchholz: 3, sonneborn_berger: 3 }],
      [3, 'B', 3, { head_to_head: 0, buchholz: 4, sonneborn_berger: 1 }],
      [4, 'E', 3, { head_to_head: 0, buchholz: 0, sonneborn_berger: 0 }],
      [5, 'C', 1, { head_to_head: 0, buchholz: 7, sonneborn_berger: 1.333333 }],
    ]);
    const byId = new Map(rows.map((r) => [r.team_id, r]));
    expect(byId.get('E')).toMatchObject({ wins: 1, losses: 1, draws: 0 });
    expect(byId.get('A')).toMatchObject({ wins: 1, losses: 1, draws: 0 });
  });

  it('gives a double forfeit 0 points even when a loss is worth something', () => {
    const rows = scoreTeams(['A', 'B', 'C', 'D'], [win(1, 'A', 'B'), forfeit(1, 'C', 'D')], {
      points: { win: 2, draw: 1, loss: 1 },
      tiebreaks: [],
    });
    expect(rows.map((r) => [r.team_id, r.points, r.losses, r.rank])).toEqual([
      ['A', 2, 0, 1],
      ['B', 1, 1, 2],
      ['C', 0, 1, 3],
      ['D', 0, 1, 3],
    ]);
  });

  it('ranks everyone first before any game', () => {
    const rows = scoreTeams(['x', 'y'], [], { points: chess, tiebreaks: ['buchholz'] });
    expect(table(rows)).toEqual([
      [1, 'x', 0, { buchholz: 0 }],
      [1, 'y', 0, { buchholz: 0 }],
    ]);
  });

  it('keeps its invariants on random round robins (seeded)', () => {
    const ids = ['t1', 't2', 't3', 't4', 't5', 't6'];
    const pairs = ids.flatMap((a, i) => ids.slice(i + 1).map((b) => [a, b] as const));
    const outcome = fc.constantFrom<PlayedGame['outcome']>('a', 'b', 'draw', 'double_forfeit');
    const tiebreaks = fc.shuffledSubarray<SwissTiebreak>([
      'buchholz',
      'sonneborn_berger',
      'head_to_head',
    ]);
    fc.assert(
      fc.property(
        fc.array(outcome, { minLength: pairs.length, maxLength: pairs.length }),
        tiebreaks,
        (outcomes, tbs) => {
          const games = pairs.map(([a, b], i) => ({
            round: i,
            a,
            b,
            outcome: outcomes[i] as PlayedGame['outcome'],
          }));
          const opts = { points: football, tiebreaks: tbs };
          const rows = scoreTeams(ids, games, opts);
          expect(scoreTeams(ids, [...games].reverse(), opts)).toEqual(rows);
          for (const r of rows) {
            expect(r.wins + r.draws + r.losses).toBe(ids.length - 1);
            expect(r.points).toBe(3 * r.wins + r.draws);
          }
          const key = (r: ScoredTeam) => [r.points, ...tbs.map((t) => r.tiebreaks[t] ?? 0)];
          const beats = (x: ScoredTeam, y: ScoredTeam) => {
            const [kx, ky] = [key(x), key(y)];
            const d = kx.findIndex((v, j) => v !== ky[j]);
            return d >= 0 && (kx[d] as number) > (ky[d] as number);
          };
          rows.forEach((r, i) => {
            expect(r.rank).toBe(rows.filter((o) => beats(o, r)).length + 1);
            if (i > 0) expect((rows[i - 1] as ScoredTeam).points).toBeGreaterThanOrEqual(r.points);
          });
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
