import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchList } from './match-list.js';
import type { Match } from './types.js';

function match(round: number, n: number, winner: string | null = null): Match {
  return {
    id: `r${round}_match_${n}`,
    round,
    bracket: 'main',
    bracket_round: round,
    team1_id: null,
    team2_id: null,
    status: winner === null ? 'waiting' : 'completed',
    winner,
    scores: null,
  };
}

/** Every way a version can be read. */
function contents(list: MatchList) {
  const all = list.toArray();
  return {
    all,
    length: list.length,
    json: JSON.parse(JSON.stringify(list)),
    byId: all.map((m) => list.get(m.id)),
    rounds: [1, 2, 3, 4].map((r) => list.round(r)),
  };
}

function expected(model: Match[]) {
  return {
    all: model,
    length: model.length,
    json: JSON.parse(JSON.stringify(model)),
    byId: model,
    rounds: [1, 2, 3, 4].map((r) => model.filter((m) => m.round === r)),
  };
}

describe('MatchList', () => {
  it('keeps every version readable while the latest is extended', () => {
    const v0 = MatchList.of([match(1, 1), match(1, 2)]);
    const v1 = v0.commit([0], [match(1, 1, 'a')], [match(2, 1)]);
    const v2 = v1.commit([2], [match(2, 1, 'b')], []);
    expect(v0.toArray()).toEqual([match(1, 1), match(1, 2)]);
    expect(v2.toArray()).toEqual([match(1, 1, 'a'), match(1, 2), match(2, 1, 'b')]);
    expect(v1.get('r2_match_1')).toEqual(match(2, 1));
    expect(v0.get('r2_match_1')).toBeUndefined();
    expect(v0.round(2)).toEqual([]);
    expect(v2.round(2)).toEqual([match(2, 1, 'b')]);
    expect(v1.toArray()).toEqual([match(1, 1, 'a'), match(1, 2), match(2, 1)]);
  });

  it('extends only its latest version', () => {
    const v0 = MatchList.of([match(1, 1)]);
    v0.commit([], [], [match(2, 1)]);
    expect(v0.isLatest).toBe(false);
    expect(() => v0.commit([], [], [])).toThrow(/superseded/);
  });

  it('is read like the plain arrays it stands for, in any order of reading (seeded)', () => {
    // A model: each version's plain array. Commands extend the latest version;
    // reads jump between versions at random.
    const step = fc.oneof(
      fc.record({ kind: fc.constant('commit' as const), changes: fc.nat(5), adds: fc.nat(3) }),
      fc.record({ kind: fc.constant('read' as const), version: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.nat(6), (steps, initial) => {
        const first = Array.from({ length: initial }, (_, i) => match(1, i + 1));
        const versions: MatchList[] = [MatchList.of(first)];
        const models: Match[][] = [first];
        let counter = 0;
        for (const s of steps) {
          const latest = versions[versions.length - 1] as MatchList;
          const model = models[models.length - 1] as Match[];
          if (s.kind === 'read') {
            const k = s.version % versions.length;
            expect(contents(versions[k] as MatchList)).toEqual(expected(models[k] as Match[]));
            continue;
          }
          const next = [...model];
          const changes = new Map<number, Match>();
          for (let c = 0; c < s.changes && model.length > 0; c++) {
            const i = (c * 7 + counter) % model.length;
            const m = { ...(model[i] as Match), winner: `w${counter++}` };
            changes.set(i, m);
            next[i] = m;
          }
          const lastRound = next.length === 0 ? 1 : (next[next.length - 1] as Match).round;
          const appended = Array.from({ length: s.adds }, (_, a) =>
            match(Math.min(4, lastRound + 1), next.length + a + 1),
          );
          next.push(...appended);
          versions.push(latest.commit([...changes.keys()], [...changes.values()], appended));
          models.push(next);
        }
        versions.forEach((v, k) => {
          expect(contents(v)).toEqual(expected(models[k] as Match[]));
        });
      }),
      { seed: 20260101, numRuns: 200 },
    );
  });
});
