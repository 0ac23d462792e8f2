/**
 * The matches of a tournament as a persistent list: each aggregate holds its
 * own version and no version ever changes, yet a command that changes k
 * matches of n costs O(k), not O(n).
 *
 * All versions of one list share a single array (Baker's persistent arrays,
 * "rerooting"): the version that owns the array reads it directly, every other
 * version stores how it differs from a neighbour. Reading a version that does
 * not own the array first moves ownership to it by replaying those
 * differences, so reading the latest version, what a tournament server does,
 * costs nothing extra, and reading an older one costs the changes in between.
 *
 * Only the latest version is extended in place (`commit`); a command working
 * from an older version gets a list of its own (`MatchList.of`). Positions
 * never move within a list, so one index by id and by round serves every
 * version: a version ignores positions at or past its length.
 */
import type { Match, MatchId } from './types.js';

/**
 * How many matches of one round are still undecided, as known when a version
 * was made: the engine's note that spares it counting the round on every
 * command. Absent on lists built from stored data.
 */
export interface RoundTally {
  readonly round: number;
  readonly undecided: number;
}

interface Family extends MatchIndex {
  data: Match[];
  /** The newest version: the only one `commit` extends. */
  latest: MatchList;
}

/** How a version differs from `next`: set `positions` to `values`, then cut to `length`. */
interface Diff {
  next: MatchList;
  length: number;
  /** Ascending, so that positions past the array's end extend it without holes. */
  positions: readonly number[];
  values: Match[];
}

/** A version's direct view of the shared array, valid until another version is read. */
export interface Checkout {
  readonly data: readonly Match[];
  readonly length: number;
  readonly byId: ReadonlyMap<MatchId, number>;
  readonly byRound: ReadonlyMap<number, readonly number[]>;
}

/** Positions of matches by id and by round (ascending): how a list, or a plain array, is read. */
export interface MatchIndex {
  byId: Map<MatchId, number>;
  byRound: Map<number, number[]>;
}

/** Files the match at `position` (past every position filed so far). */
export function addToIndex(index: MatchIndex, m: Match, position: number): void {
  index.byId.set(m.id, position);
  const list = index.byRound.get(m.round);
  if (list) list.push(position);
  else index.byRound.set(m.round, [position]);
}

export function indexMatches(matches: readonly Match[]): MatchIndex {
  const index: MatchIndex = { byId: new Map(), byRound: new Map() };
  for (let i = 0; i < matches.length; i++) addToIndex(index, matches[i] as Match, i);
  return index;
}

/**
 * `positions` and their `matches`, in ascending order of position (copied
 * only when out of order). A command changes a few matches, mostly in
 * order: an insertion sort.
 */
function byPosition(
  positions: readonly number[],
  matches: readonly Match[],
): [readonly number[], readonly Match[]] {
  let k = 1;
  while (k < positions.length && (positions[k] as number) > (positions[k - 1] as number)) k++;
  if (k >= positions.length) return [positions, matches];
  const ps = positions.slice();
  const ms = matches.slice();
  for (; k < ps.length; k++) {
    const p = ps[k] as number;
    const m = ms[k] as Match;
    let j = k - 1;
    for (; j >= 0 && (ps[j] as number) > p; j--) {
      ps[j + 1] = ps[j] as number;
      ms[j + 1] = ms[j] as Match;
    }
    ps[j + 1] = p;
    ms[j + 1] = m;
  }
  return [ps, ms];
}

export class MatchList implements Iterable<Match> {
  #family: Family;
  #diff: Diff | null;
  #length: number;
  readonly #tally: RoundTally | null;

  private constructor(family: Family, length: number, tally: RoundTally | null) {
    this.#family = family;
    this.#diff = null;
    this.#length = length;
    this.#tally = tally;
  }

  /** A new list holding a copy of `matches`. */
  static of(matches: readonly Match[], tally: RoundTally | null = null): MatchList {
    return MatchList.adopt(matches.slice(), indexMatches(matches), tally);
  }

  /**
   * A new list made of `data` and its index, which it takes over: the caller
   * must not touch them again. `index` maps each match's id to its position
   * and each round to its positions, ascending.
   */
  static adopt(data: Match[], index: MatchIndex, tally: RoundTally | null = null): MatchList {
    const family: Family = {
      data,
      byId: index.byId,
      byRound: index.byRound,
      latest: undefined as unknown as MatchList,
    };
    const list = new MatchList(family, data.length, tally);
    family.latest = list;
    return list;
  }

  get length(): number {
    return this.#length;
  }

  get tally(): RoundTally | null {
    return this.#tally;
  }

  /** The array as this version sees it, with the shared index. */
  checkout(): Checkout {
    this.#reroot();
    const f = this.#family;
    return { data: f.data, length: this.#length, byId: f.byId, byRound: f.byRound };
  }

  /** Whether `commit` can extend this version in place. */
  get isLatest(): boolean {
    return this.#family.latest === this;
  }

  get(id: MatchId): Match | undefined {
    this.#reroot();
    const i = this.#family.byId.get(id);
    if (i === undefined || i >= this.#length) return undefined;
    const m = this.#family.data[i];
    return m?.id === id ? m : undefined;
  }

  /** The matches of one round, in list order. */
  round(round: number): Match[] {
    this.#reroot();
    const out: Match[] = [];
    const data = this.#family.data;
    for (const i of this.#family.byRound.get(round) ?? []) {
      const m = data[i];
      if (i < this.#length && m !== undefined && m.round === round) out.push(m);
    }
    return out;
  }

  toArray(): Match[] {
    this.#reroot();
    return this.#family.data.slice(0, this.#length);
  }

  /** Stored and sent as a plain array. */
  toJSON(): Match[] {
    return this.toArray();
  }

  [Symbol.iterator](): Iterator<Match> {
    return this.toArray()[Symbol.iterator]();
  }

  /**
   * The next version: `matches[k]` replaces the match at `positions[k]`
   * (distinct positions below this version's length), `appended` follow.
   * Only for the latest version (`isLatest`).
   */
  commit(
    positions: readonly number[],
    matches: readonly Match[],
    appended: readonly Match[],
    tally: RoundTally | null = null,
  ): MatchList {
    const family = this.#family;
    if (family.latest !== this) throw new Error('match list: commit on a superseded version');
    this.#reroot();
    const data = family.data;
    const [sorted, replacements] = byPosition(positions, matches);
    const values: Match[] = new Array(sorted.length);
    for (let k = 0; k < sorted.length; k++) {
      const i = sorted[k] as number;
      values[k] = data[i] as Match;
      data[i] = replacements[k] as Match;
    }
    for (const m of appended) {
      addToIndex(family, m, data.length);
      data.push(m);
    }
    const next = new MatchList(family, data.length, tally);
    this.#diff = { next, length: this.#length, positions: sorted, values };
    family.latest = next;
    return next;
  }

  /** Makes the shared array hold this version. */
  #reroot(): void {
    if (this.#diff === null) return;
    const path: MatchList[] = [];
    for (let v: MatchList = this; v.#diff !== null; v = v.#diff.next) path.push(v);
    const data = this.#family.data;
    for (let k = path.length - 1; k >= 0; k--) {
      const v = path[k] as MatchList;
      const d = v.#diff as Diff;
      const owner = d.next;
      // What `owner` must remember to get its array back from v's.
      const positions: number[] = [];
      const values: Match[] = [];
      for (const i of d.positions) {
        if (i >= owner.#length) break;
        positions.push(i);
        values.push(data[i] as Match);
      }
      for (let i = d.length; i < owner.#length; i++) {
        positions.push(i);
        values.push(data[i] as Match);
      }
      for (let j = 0; j < d.positions.length; j++) {
        data[d.positions[j] as number] = d.values[j] as Match;
      }
      data.length = d.length;
      owner.#diff = { next: v, length: owner.#length, positions, values };
      v.#diff = null;
    }
  }
}
