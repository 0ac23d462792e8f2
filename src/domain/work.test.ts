import { describe, expect, it } from 'vitest';
import { engineFor } from './formats/registry.js';
import { matchesOfRound } from './queries.js';
import { ctx, started } from './testing/builders.js';
import type { Match } from './types.js';
import { Work } from './work.js';

const marked = (m: Match, n: number): Match => ({ ...m, scores: { [`mark_${n}`]: n } });
const workOn = (agg: ReturnType<typeof started>) => new Work(agg, ctx.now, engineFor(agg.format));

describe('Work', () => {
  it('reads its own changes and returns them, leaving its input as it was', () => {
    const agg = started('single_elimination', 64);
    const before = structuredClone(agg);
    const w = workOn(agg);
    const chosen = matchesOfRound(agg, 'all').filter((_, i) => i % 3 === 0);
    for (const [n, m] of chosen.entries()) w.put(marked(m, n));
    w.put(marked(chosen[0] as Match, 99));
    chosen.forEach((m, n) => {
      expect(w.get(m.id)?.scores).toEqual({ [`mark_${n === 0 ? 99 : n}`]: n === 0 ? 99 : n });
    });
    expect(w.roundMatches(1).map((m) => m.id)).toEqual(matchesOfRound(agg, 1).map((m) => m.id));

    const done = w.finish();
    expect(done.changed_matches.map((m) => m.id)).toEqual(chosen.map((m) => m.id));
    const after = matchesOfRound(done.tournament, 'all');
    expect(after.filter((m) => m.scores !== null).map((m) => m.id)).toEqual(
      chosen.map((m) => m.id),
    );
    expect(agg).toEqual(before);
  });

  it('works from an aggregate that a later one has superseded', () => {
    const agg = started('single_elimination', 8);
    const first = matchesOfRound(agg, 1)[0] as Match;
    const newer = workOn(agg);
    newer.put(marked(first, 1));
    newer.finish();
    const older = workOn(agg);
    expect(older.get(first.id)).toEqual(first);
    older.put(marked(first, 2));
    const branch = older.finish().tournament;
    expect(matchesOfRound(branch, 1)[0]?.scores).toEqual({ mark_2: 2 });
    expect(matchesOfRound(agg, 1)[0]).toEqual(first);
  });

  it('finds matches added and removed by a command, and by the next one', () => {
    const agg = started('single_elimination', 8);
    const w = workOn(agg);
    const last = matchesOfRound(agg, 'all').at(-1) as Match;
    const extra: Match = { ...last, id: 'extra', round: last.round + 1 };
    w.add(extra);
    expect(w.get('extra')).toBe(extra);
    expect(w.hasRound(last.round + 1)).toBe(true);
    const added = w.finish();
    expect(added.changed_matches).toEqual([extra]);
    expect(workOn(agg).get('extra')).toBeUndefined();

    const next = workOn(added.tournament);
    expect(next.get('extra')).toEqual(extra);
    next.remove(last.id);
    expect(next.get(last.id)).toBeUndefined();
    expect(next.get('extra')).toEqual(extra);
    const removed = next.finish();
    expect(removed.removed_matches).toEqual([last.id]);
    expect(workOn(removed.tournament).get('extra')).toEqual(extra);
    expect(workOn(added.tournament).get(last.id)).toEqual(last);
  });

  it('knows when a round is complete', () => {
    const agg = started('single_elimination', 8);
    const w = workOn(agg);
    const [a, b, c, d] = w.roundMatches(1) as [Match, Match, Match, Match];
    w.put({ ...a, status: 'completed', winner: a.team1_id });
    w.put({ ...b, status: 'abandoned' });
    w.put({ ...c, status: 'completed', winner: c.team2_id });
    expect(w.roundComplete(1)).toBe(false);
    w.put({ ...d, status: 'completed', winner: d.team2_id });
    expect(w.roundComplete(1)).toBe(true);
    expect(w.roundComplete(2)).toBe(false);
  });
});
