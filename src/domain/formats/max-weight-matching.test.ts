import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxWeightMatching, type WeightedEdge } from './max-weight-matching.js';

/** Best [cardinality, weight] over all matchings, by exhaustive search. */
function bruteForce(n: number, edges: readonly WeightedEdge[], maxCardinality: boolean) {
  const adj = new Map<string, number>();
  for (const [u, v, w] of edges) {
    const key = `${Math.min(u, v)}-${Math.max(u, v)}`;
    adj.set(key, Math.max(adj.get(key) ?? Number.NEGATIVE_INFINITY, w));
  }
  let best = { card: 0, weight: 0 };
  const used = new Array<boolean>(n).fill(false);
  const walk = (from: number, card: number, weight: number): void => {
    const better = maxCardinality
      ? card > best.card || (card === best.card && weight > best.weight)
      : weight > best.weight;
    if (better) best = { card, weight };
    let v = from;
    while (v < n && used[v]) v++;
    if (v >= n) return;
    used[v] = true;
    walk(v + 1, card, weight); // v stays single
    for (let u = v + 1; u < n; u++) {
      const w = adj.get(`${v}-${u}`);
      if (used[u] || w === undefined) continue;
      used[u] = true;
      walk(v + 1, card + 1, weight + w);
      used[u] = false;
    }
    used[v] = false;
  };
  walk(0, 0, 0);
  return best;
}

function measure(n: number, edges: readonly WeightedEdge[], mate: Int32Array) {
  let card = 0;
  let weight = 0;
  for (let v = 0; v < n; v++) {
    const u = mate[v] as number;
    if (u === -1) continue;
    expect(mate[u]).toBe(v);
    if (u < v) continue;
    card++;
    weight += Math.max(
      ...edges.filter(([a, b]) => (a === u && b === v) || (a === v && b === u)).map((e) => e[2]),
    );
  }
  return { card, weight };
}

describe('maxWeightMatching', () => {
  it('handles the textbook cases', () => {
    expect([...maxWeightMatching(0, [], false)]).toEqual([]);
    expect([...maxWeightMatching(2, [[0, 1, 1]], false)]).toEqual([1, 0]);
    // Heavier middle edge vs two lighter outer edges.
    const path: WeightedEdge[] = [
      [0, 1, 2],
      [1, 2, 5],
      [2, 3, 2],
    ];
    expect([...maxWeightMatching(4, path, false)]).toEqual([-1, 2, 1, -1]);
    expect([...maxWeightMatching(4, path, true)]).toEqual([1, 0, 3, 2]);
  });

  it('needs a blossom: odd cycle with a pendant vertex', () => {
    // Triangle 0-1-2 with pendant 3 on 2 and pendant 4 on 0: perfect matching exists
    // only through the odd cycle, which a bipartite matcher cannot see.
    const edges: WeightedEdge[] = [
      [0, 1, 8],
      [1, 2, 9],
      [0, 2, 10],
      [2, 3, 7],
      [0, 4, 1],
    ];
    const mate = maxWeightMatching(5, edges, true);
    expect(measure(5, edges, mate)).toEqual(bruteForce(5, edges, true));
  });

  it('matches brute force on random graphs (seeded)', () => {
    const graph = fc
      .integer({ min: 1, max: 10 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(
            fc.tuple(
              fc.integer({ min: 0, max: n - 1 }),
              fc.integer({ min: 0, max: n - 1 }),
              fc.integer({ min: 0, max: 20 }),
            ),
            { maxLength: 30 },
          ),
          fc.boolean(),
        ),
      );
    fc.assert(
      fc.property(graph, ([n, raw, maxCardinality]) => {
        const edges = raw.filter(([u, v]) => u !== v);
        const got = measure(n, edges, maxWeightMatching(n, edges, maxCardinality));
        const want = bruteForce(n, edges, maxCardinality);
        expect(got.weight).toBe(want.weight);
        if (maxCardinality) expect(got.card).toBe(want.card);
      }),
      { seed: 20240611, numRuns: 1500 },
    );
  });
});
