/**
 * The teams of a tournament as a persistent list: each aggregate holds its own
 * version and no version ever changes, yet registering a team costs O(1), not
 * a copy of every team registered before it.
 *
 * Versions made by appending share one array that only grows: a version is
 * the first `length` teams of it. Appending to the newest version pushes onto
 * the array; appending to an older one (a command replayed on a superseded
 * aggregate) copies its teams into an array of its own. Any other change
 * (unregistering, seeding, a withdrawal) makes a new list.
 */
import type { Team } from './types.js';

interface Shared {
  teams: Team[];
}

export class TeamList implements Iterable<Team> {
  readonly #shared: Shared;
  readonly length: number;

  private constructor(shared: Shared, length: number) {
    this.#shared = shared;
    this.length = length;
  }

  /** A list holding a copy of `teams`. */
  static of(teams: Iterable<Team>): TeamList {
    return TeamList.adopt([...teams]);
  }

  /** A list made of `teams`, which it takes over: the caller must not touch it again. */
  static adopt(teams: Team[]): TeamList {
    return new TeamList({ teams }, teams.length);
  }

  /** This list with `team` after the others. */
  append(team: Team): TeamList {
    const shared = this.#shared;
    if (shared.teams.length === this.length) {
      shared.teams.push(team);
      return new TeamList(shared, this.length + 1);
    }
    const teams = this.toArray();
    teams.push(team);
    return TeamList.adopt(teams);
  }

  at(i: number): Team | undefined {
    return i >= 0 && i < this.length ? this.#shared.teams[i] : undefined;
  }

  find(test: (team: Team, i: number) => boolean): Team | undefined {
    const teams = this.#shared.teams;
    for (let i = 0; i < this.length; i++) {
      const t = teams[i] as Team;
      if (test(t, i)) return t;
    }
    return undefined;
  }

  some(test: (team: Team, i: number) => boolean): boolean {
    return this.find(test) !== undefined;
  }

  every(test: (team: Team, i: number) => boolean): boolean {
    return this.find((t, i) => !test(t, i)) === undefined;
  }

  map<T>(f: (team: Team, i: number) => T): T[] {
    const teams = this.#shared.teams;
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(f(teams[i] as Team, i));
    return out;
  }

  filter(test: (team: Team, i: number) => boolean): Team[] {
    const teams = this.#shared.teams;
    const out: Team[] = [];
    for (let i = 0; i < this.length; i++) {
      const t = teams[i] as Team;
      if (test(t, i)) out.push(t);
    }
    return out;
  }

  /** The teams as a new plain array. */
  toArray(): Team[] {
    return this.#shared.teams.slice(0, this.length);
  }

  /** Stored and sent as a plain array. */
  toJSON(): Team[] {
    return this.toArray();
  }

  [Symbol.iterator](): Iterator<Team> {
    return this.toArray()[Symbol.iterator]();
  }
}
