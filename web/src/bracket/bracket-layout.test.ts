import { describe, expect, it } from 'vitest';
import type { BracketName, Match } from '../api/types.js';
import {
  eliminationSections,
  matchStatusText,
  roundTables,
  roundTitle,
  tiebreakColumns,
} from './bracket-layout.js';

function match(
  id: string,
  bracket: BracketName,
  bracketRound: number,
  round = bracketRound,
): Match {
  return {
    id,
    round,
    bracket,
    bracket_round: bracketRound,
    status: 'waiting',
    team1_id: null,
    team2_id: null,
    winner: null,
    scores: null,
  };
}

describe('elimination brackets', () => {
  it('lays a single elimination out as rounds ending in the final, third place apart', () => {
    const sections = eliminationSections([
      match('r2_match_1', 'main', 2),
      match('r1_match_2', 'main', 1),
      match('r1_match_10', 'main', 1),
      match('r1_match_1', 'main', 1),
      match('r3_match_1', 'main', 3),
      match('r3_match_2', 'third_place', 1, 3),
    ]);
    expect(sections.map((s) => s.title)).toEqual(['Bracket', 'Third place']);
    expect(sections[0]?.columns.map((c) => c.title)).toEqual([
      'Quarterfinals',
      'Semifinals',
      'Final',
    ]);
    expect(sections[0]?.columns[0]?.matches.map((m) => m.id)).toEqual([
      'r1_match_1',
      'r1_match_2',
      'r1_match_10',
    ]);
  });

  it('gives double elimination winners, losers and grand final columns by bracket round', () => {
    const sections = eliminationSections([
      match('gf_match_1', 'grand_final', 1, 6),
      match('lb_r1_match_1', 'losers', 1, 2),
      match('wb_r1_match_1', 'winners', 1),
      match('wb_r2_match_1', 'winners', 2),
      match('lb_r2_match_1', 'losers', 2, 3),
      match('gf_match_2', 'grand_final', 2, 7),
    ]);
    expect(sections.map((s) => s.bracket)).toEqual(['winners', 'losers', 'grand_final']);
    expect(sections.flatMap((s) => s.columns.map((c) => c.title))).toEqual([
      'Winners round 1',
      'Winners final',
      'Losers round 1',
      'Losers final',
      'Grand final',
      'Grand final reset',
    ]);
  });

  it('names rounds counted from the end', () => {
    expect(roundTitle('main', 1, 5)).toBe('Round 1');
    expect(roundTitle('main', 3, 5)).toBe('Quarterfinals');
  });
});

describe('round tables', () => {
  it('groups matches by round in match order', () => {
    const tables = roundTables([
      match('r2_match_1', 'main', 2),
      match('r1_match_2', 'main', 1),
      match('r1_match_1', 'main', 1),
    ]);
    expect(tables.map((t) => [t.round, t.matches.map((m) => m.id)])).toEqual([
      [1, ['r1_match_1', 'r1_match_2']],
      [2, ['r2_match_1']],
    ]);
  });
});

describe('match text and tiebreaks', () => {
  it('says how a match stands', () => {
    const m = match('r1_match_1', 'main', 1);
    expect(matchStatusText({ ...m, status: 'completed', winner: null })).toBe('Draw');
    expect(matchStatusText({ ...m, status: 'completed', winner: 'team_1', walkover: true })).toBe(
      'Walkover',
    );
    expect(matchStatusText({ ...m, status: 'bye' })).toBe('Bye');
  });

  it('collects the tiebreak columns present', () => {
    expect(
      tiebreakColumns([
        { tiebreaks: { buchholz: 1 } },
        { tiebreaks: { buchholz: 2, head_to_head: 0 } },
        {},
      ]),
    ).toEqual(['buchholz', 'head_to_head']);
  });
});
