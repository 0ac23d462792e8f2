/**
 * Swiss pairing for one round (SPEC §4). The absolute criteria come from FIDE
 * handbook C.04.1: (b) two teams meet at most once, (c)/(d) a team gets at most
 * one pairing-allocated bye, and the bye goes to the lowest-ranked eligible team.
 * The quality criterion is ours (C.04.1 (e) leaves it to each system): pair equal
 * scores, and within a score group, teams close in rank. Top half vs bottom half
 * (the Dutch system, C.04.3) is deliberately not implemented.
 *
 * Every criterion is a level of one lexicographic edge weight, solved exactly by a
 * maximum-weight matching, so "no rematch while one can be avoided" holds where
 * greedy pairers (lichess's old pairer, tournament-organizer) give up.
 */
import type { TeamId } from '../types.js';
import { maxWeightMatching, type WeightedEdge } from './max-weight-matching.js';

/** A team as the Swiss pairer sees it before a round. `seed` 1 is the best. */
export interface SwissPlayer {
  id: TeamId;
  score: number;
  seed: number;
  opponents: ReadonlySet<TeamId>;
  had_bye: boolean;
}

/** One round's pairing: pairs (higher-ranked team first, best board first) and at most one bye. */
export interface SwissPairing {
  pairs: [TeamId, TeamId][];
  bye: TeamId | null;
}

/** Fields up to this size are solved in one exact matching over all pairs. */
const EXACT_LIMIT = 128;
/** Larger fields are cut into rank blocks of about this size (see pairInBlocks). */
const BLOCK = 32;
/** Inside a block, first try edges between teams at most this many places apart. */
const BLOCK_WINDOW = 16;
/** A failing block may be merged with its neighbours up to this size. */
const MERGE_LIMIT = 512;
/** Combined weights stay below this so that the matcher's dual arithmetic is exact. */
const WEIGHT_LIMIT = 2 ** 50;

interface Field {
  ranked: readonly SwissPlayer[];
  /** Scores as non-negative integers (scaled), so that differences are exact weights. */
  units: Int32Array;
  eligibleForBye: Uint8Array;
}

interface Solution {
  pairs: [number, number][];
  bye: number | null;
}

/** Pairs one Swiss round. Pure and deterministic: the same players give the same pairing. */
export function pairSwissRound(players: readonly SwissPlayer[]): SwissPairing {
  const ranked = [...players].sort(
    (x, y) => y.score - x.score || x.seed - y.seed || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
  const field: Field = {
    ranked,
    units: scoreUnits(ranked),
    eligibleForBye: byeEligibility(ranked),
  };
  const all = ranked.map((_, i) => i);
  const odd = all.length % 2 === 1;
  let solution: Solution | null = null;
  if (all.length > EXACT_LIMIT) {
    solution = pairInBlocks(field, all, odd);
    // Widening windows: after r rounds, when n >= 2r + 2, a window of 4r + 4 ranks
    // always holds a rematch-free pairing (Dirac's theorem on consecutive runs of
    // 2r + 2 teams), so the complete graph is reached only on pathological input.
    for (let w = 2 * BLOCK; solution === null && w < all.length - 1; w *= 2) {
      solution = solve(field, all, odd, w, false);
    }
  }
  solution ??=
    solve(field, all, odd, all.length, false) ?? solve(field, all, odd, all.length, true);
  if (solution === null) throw new Error('unreachable: a complete graph has a perfect matching');
  const id = (i: number): TeamId => (ranked[i] as SwissPlayer).id;
  const ordered = solution.pairs
    .map(([i, j]): [number, number] => (i < j ? [i, j] : [j, i]))
    .sort((p, q) => p[0] - q[0]);
  return {
    pairs: ordered.map(([i, j]) => [id(i), id(j)]),
    bye: solution.bye === null ? null : id(solution.bye),
  };
}

/** FIDE C.04.1 (d): no second bye while some team has had none. */
function byeEligibility(ranked: readonly SwissPlayer[]): Uint8Array {
  const fresh = ranked.some((p) => !p.had_bye);
  return Uint8Array.from(ranked, (p) => (fresh && p.had_bye ? 0 : 1));
}

/** Scales scores (1/½/0, 3/1/0...) to integers; falls back to score-group indices. */
function scoreUnits(ranked: readonly SwissPlayer[]): Int32Array {
  const scores = ranked.map((p) => p.score);
  const min = Math.min(...scores);
  for (const k of [1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 100]) {
    const scaled = scores.map((s) => (s - min) * k);
    if (scaled.every((s) => Math.abs(s - Math.round(s)) < 1e-9 && s <= 4096)) {
      return Int32Array.from(scaled, Math.round);
    }
  }
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  return Int32Array.from(scores, (s) => distinct.indexOf(s));
}

function played(field: Field, i: number, j: number): boolean {
  const a = field.ranked[i] as SwissPlayer;
  const b = field.ranked[j] as SwissPlayer;
  return a.opponents.has(b.id) || b.opponents.has(a.id);
}

/**
 * Exact lexicographic optimum over `members` (field positions, best first), with
 * edges only between members at most `window` places apart. Levels, most important
 * first: no rematch (only when `allowRematch`; otherwise rematch edges are absent),
 * bye to the lowest-ranked eligible member, least total score difference, least
 * total rank distance. Returns null when the graph has no perfect matching.
 */
function solve(
  field: Field,
  members: readonly number[],
  withBye: boolean,
  window: number,
  allowRematch: boolean,
): Solution | null {
  const k = members.length;
  const pairCount = Math.floor(k / 2);
  let spread = 0;
  for (const i of members) spread = Math.max(spread, field.units[i] as number);
  const span = Math.min(window, k);
  // [max per edge, edges counted] per level; a level is dropped from the bottom
  // (rank distance first) only if the combined weight would lose exactness.
  const levels: [number, number][] = [];
  if (allowRematch) levels.push([1, pairCount + 1]);
  if (withBye) levels.push([k, 1]);
  levels.push([spread, pairCount], [span, pairCount]);
  let mult = multipliers(levels);
  while (mult === null) {
    levels.pop();
    mult = multipliers(levels);
  }
  const [mRematch, mBye, mScore, mRank] = [
    allowRematch ? mult.shift() : 0,
    withBye ? mult.shift() : 0,
    mult.shift() ?? 0,
    mult.shift() ?? 0,
  ] as number[];

  const edges: WeightedEdge[] = [];
  for (let a = 0; a < k; a++) {
    const i = members[a] as number;
    for (let b = a + 1; b < k && b - a <= window; b++) {
      const j = members[b] as number;
      const rematch = played(field, i, j);
      if (rematch && !allowRematch) continue;
      const scoreGap = Math.abs((field.units[i] as number) - (field.units[j] as number));
      const w =
        (rematch ? 0 : (mRematch as number)) +
        (mScore as number) * (spread - scoreGap) +
        (mRank as number) * (span - Math.min(span, b - a));
      edges.push([a, b, w]);
    }
  }
  if (withBye) {
    // The phantom vertex k stands for the bye; later (lower-ranked) members weigh more.
    for (let a = 0; a < k; a++) {
      if (field.eligibleForBye[members[a] as number]) {
        edges.push([a, k, (mRematch as number) + (mBye as number) * (a + 1)]);
      }
    }
  }
  const vertices = withBye ? k + 1 : k;
  const mate = maxWeightMatching(vertices, edges, true);
  const solution: Solution = { pairs: [], bye: null };
  for (let a = 0; a < k; a++) {
    const b = mate[a] as number;
    if (b === -1) return null;
    if (b === k) solution.bye = members[a] as number;
    else if (a < b) solution.pairs.push([members[a] as number, members[b] as number]);
  }
  return solution;
}

/** Multipliers making each level outweigh everything below it, or null on overflow. */
function multipliers(levels: readonly [number, number][]): number[] | null {
  const out: number[] = [];
  let below = 0;
  for (let l = levels.length - 1; l >= 0; l--) {
    const [max, count] = levels[l] as [number, number];
    const m = below + 1;
    out.unshift(m);
    below += m * max * count;
  }
  return below < WEIGHT_LIMIT ? out : null;
}

/**
 * Large fields: the bye goes to the lowest-ranked eligible team, then the ranking
 * is cut into blocks of about BLOCK teams, at a score boundary where possible, and
 * each block is paired exactly. Pairings are local in rank (they minimise score
 * and rank distance), so this loses little and keeps the work near-linear. A block
 * that has no rematch-free pairing is merged with its neighbours and re-solved.
 * Returns null when that fails; the caller then widens to windowed global matching.
 */
function pairInBlocks(field: Field, all: readonly number[], odd: boolean): Solution | null {
  let bye: number | null = null;
  if (odd) {
    for (let i = all.length - 1; i >= 0 && bye === null; i--) {
      if (field.eligibleForBye[i]) bye = i;
    }
  }
  const rest = all.filter((i) => i !== bye);
  const segments = cutBlocks(field, rest);
  const solved: ([number, number][] | null)[] = segments.map(() => null);
  let s = 0;
  while (s < segments.length) {
    const [from, to] = segments[s] as [number, number];
    const members = rest.slice(from, to);
    const result =
      solve(field, members, false, BLOCK_WINDOW, false) ??
      solve(field, members, false, members.length, false);
    if (result !== null) {
      solved[s] = result.pairs;
      s++;
      continue;
    }
    const lo = Math.max(0, s - 1);
    const hi = Math.min(segments.length - 1, s + 1);
    const merged: [number, number] = [
      (segments[lo] as number[])[0] as number,
      (segments[hi] as number[])[1] as number,
    ];
    if (lo === hi || merged[1] - merged[0] > MERGE_LIMIT) return null;
    segments.splice(lo, hi - lo + 1, merged);
    solved.splice(lo, hi - lo + 1, null);
    s = lo;
  }
  return { pairs: solved.flatMap((p) => p ?? []), bye };
}

/** Even-sized blocks of rank positions in `rest`, as [from, to) index ranges. */
function cutBlocks(field: Field, rest: readonly number[]): [number, number][] {
  const boundary = (e: number): boolean =>
    field.units[rest[e - 1] as number] !== field.units[rest[e] as number];
  const segments: [number, number][] = [];
  let from = 0;
  for (let e = from + 2; e <= rest.length - BLOCK; e += 2) {
    const size = e - from;
    // A cut just after or just below a score boundary keeps each score group, and
    // the team floating down from it, inside one block.
    if (size >= BLOCK && (boundary(e) || boundary(e - 1) || size >= 2 * BLOCK)) {
      segments.push([from, e]);
      from = e;
    }
  }
  segments.push([from, rest.length]);
  return segments;
}
