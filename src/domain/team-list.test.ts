import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TeamList } from './team-list.js';
import type { Team } from './types.js';

const team = (n: number): Team => ({
  id: `team_${n}`,
  name: `Team ${n}`,
  captain_id: `u_${n}`,
  seed: null,
});

/** Every way a version can be read, as plain data. */
function contents(list: TeamList) {
  return {
    array: list.toArray(),
    length: list.length,
    json: JSON.parse(JSON.stringify(list)),
    iterated: [...list],
    at: Array.from({ length: list.length + 1 }, (_, i) => list.at(i)),
    mapped: list.map((t, i) => `${i}:${t.id}`),
    odd: list.filter((_, i) => i % 2 === 1),
    found: list.find((t) => t.id === 'team_3'),
    some: list.some((t) => t.id === 'team_3'),
    every: list.every((t) => t.captain_id.startsWith('u_')),
  };
}

function expected(model: Team[]) {
  return {
    array: model,
    length: model.length,
    json: model,
    iterated: model,
    at: [...model, undefined],
    mapped: model.map((t, i) => `${i}:${t.id}`),
    odd: model.filter((_, i) => i % 2 === 1),
    found: model.find((t) => t.id === 'team_3'),
    some: model.some((t) => t.id === 'team_3'),
    every: true,
  };
}

describe('TeamList', () => {
  it('keeps every version as it was while later ones are appended', () => {
    const v0 = TeamList.of([team(1)]);
    const v1 = v0.append(team(2));
    const v2 = v1.append(team(3));
    expect(v0.toArray()).toEqual([team(1)]);
    expect(v1.toArray()).toEqual([team(1), team(2)]);
    expect(v2.toArray()).toEqual([team(1), team(2), team(3)]);
    expect(v1.at(2)).toBeUndefined();
  });

  it('gives a superseded version that is appended to a list of its own', () => {
    const v0 = TeamList.of([team(1)]);
    const v1 = v0.append(team(2));
    const branch = v0.append(team(9));
    expect(branch.toArray()).toEqual([team(1), team(9)]);
    expect(v1.toArray()).toEqual([team(1), team(2)]);
    expect(v1.append(team(3)).toArray()).toEqual([team(1), team(2), team(3)]);
    expect(branch.append(team(10)).toArray()).toEqual([team(1), team(9), team(10)]);
  });

  it('copies what it is made of, and hands out copies', () => {
    const source = [team(1), team(2)];
    const list = TeamList.of(source);
    source.push(team(3));
    const out = list.toArray();
    out.pop();
    expect(list.toArray()).toEqual([team(1), team(2)]);
  });

  it('reads like a plain array in every version, whatever the order of appends (seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 40 }),
        fc.nat({ max: 1000 }),
        (picks, offset) => {
          const versions: { list: TeamList; model: Team[] }[] = [
            { list: TeamList.of([]), model: [] },
          ];
          picks.forEach((pick, k) => {
            const base = versions[pick % versions.length] as (typeof versions)[number];
            const added = team(offset + k);
            versions.push({ list: base.list.append(added), model: [...base.model, added] });
          });
          for (const { list, model } of versions) expect(contents(list)).toEqual(expected(model));
        },
      ),
      { seed: 20260101, numRuns: 200 },
    );
  });
});
