import { describe, expect, it } from 'vitest';
import { matchesOfRound } from './queries.js';
import { ctx, started } from './testing/builders.js';
import type { Match } from './types.js';
import { Work } from './work.js';

const marked = (m: Match, n: number): Match => ({ ...m, scores: { [`mark_${n}`]: n } });

describe('Work', () => {
  it('reads its own changes, however many, and commits them as a new version', () => {
    const agg = started('single_elimination', 64);
    const before = matchesOfRound(agg, 'all');
    const w = new Work(agg, ctx.now);
    // Enough replacements that look-ups switch from a scan to an index.
    const chosen = before.filter((_, i) => i % 3 === 0);
    for (const [n, m] of chosen.entries()) w.put(marked(m, n));
    w.put(marked(chosen[0] as Match, 99));
    chosen.forEach((m, n) => {
      expect(w.get(m.id)?.scores).toEqual({ [`mark_${n === 0 ? 99 : n}`]: n === 0 ? 99 : n });
    });
    const round1 = w.roundMatches(1);
    expect(round1.map((m) => m.id)).toEqual(matchesOfRound(agg, 1).map((m) => m.id));
    expect(w.allMatches().filter((m) => m.scores !== null)).toHaveLength(chosen.length);

    const done = w.finish();
    expect(done.changed_matches.map((m) => m.id).sort()).toEqual(chosen.map((m) => m.id).sort());
    const after = matchesOfRound(done.tournament, 'all');
    expect(after.filter((m) => m.scores !== null).map((m) => m.id)).toEqual(
      chosen.map((m) => m.id),
    );
    // The input still reads as it was.
    expect(matchesOfRound(agg, 'all')).toEqual(before);
  });

  it('works on a copy when its aggregate has been superseded', () => {
    const agg = started('single_elimination', 8);
    const first = matchesOfRound(agg, 1)[0] as Match;
    const newer = new Work(agg, ctx.now);
    newer.put(marked(first, 1));
    newer.finish();
    const older = new Work(agg, ctx.now);
    expect(older.get(first.id)).toEqual(first);
    older.put(marked(first, 2));
    const branch = older.finish().tournament;
    expect(matchesOfRound(branch, 1)[0]?.scores).toEqual({ mark_2: 2 });
    expect(matchesOfRound(agg, 1)[0]).toEqual(first);
  });

  it('counts the undecided matches of a round as matches change', () => {
    const agg = started('single_elimination', 8);
    const w = new Work(agg, ctx.now);
    expect(w.undecidedIn(1)).toBe(4);
    const [a, b] = w.roundMatches(1) as [Match, Match];
    w.put({ ...a, status: 'completed', winner: a.team1_id });
    w.put({ ...a, status: 'completed', winner: a.team2_id });
    expect(w.undecidedIn(1)).toBe(3);
    w.put({ ...b, status: 'abandoned' });
    expect(w.undecidedIn(1)).toBe(2);
    const next = new Work(w.finish().tournament, ctx.now);
    expect(next.undecidedIn(1)).toBe(2);
    expect(next.undecidedIn(2)).toBe(2);
  });
});
