/**
 * A command's working copy of one tournament. Commands read the aggregate,
 * change the copy, and hand back a new aggregate: the input is never mutated.
 * Copies are shallow and made on first write: the matches array is copied
 * once per command and only the matches that change are replaced. Look-ups
 * by id and by round go through an index that outlives commands.
 */
import type { CommandSuccess, TournamentAggregate } from './aggregate.js';
import type { DomainEvent, EventData } from './events.js';
import { toGlobal, toTournament, toUser } from './events.js';
import type { FormatEngine } from './formats/format.js';
import { engineFor } from './formats/registry.js';
import type { Match, MatchId, Team, TeamId, TournamentState, UserId } from './types.js';

interface MatchIndex {
  byId: Map<MatchId, number>;
  byRound: Map<number, number[]>;
}

/**
 * Positions never move while matches are only replaced, so successive
 * aggregates share one index; a command that appends or removes matches
 * (a new round, a grand final reset) gets its own copy first.
 */
const indexCache = new WeakMap<readonly Match[], MatchIndex>();
const teamCache = new WeakMap<readonly Team[], Map<TeamId, Team>>();

function buildIndex(matches: readonly Match[]): MatchIndex {
  const byId = new Map<MatchId, number>();
  const byRound = new Map<number, number[]>();
  matches.forEach((m, i) => {
    byId.set(m.id, i);
    const list = byRound.get(m.round);
    if (list) list.push(i);
    else byRound.set(m.round, [i]);
  });
  return { byId, byRound };
}

function indexOf(matches: readonly Match[]): MatchIndex {
  let index = indexCache.get(matches);
  if (!index) {
    index = buildIndex(matches);
    indexCache.set(matches, index);
  }
  return index;
}

function inRound(matches: readonly Match[], index: MatchIndex, round: number): Match[] {
  const out: Match[] = [];
  for (const i of index.byRound.get(round) ?? []) {
    const m = matches[i];
    if (m !== undefined && m.round === round) out.push(m);
  }
  return out;
}

/** The matches of one round of a stored matches array, via the shared index. */
export function roundOf(matches: readonly Match[], round: number): Match[] {
  return inRound(matches, indexOf(matches), round);
}

function teamMap(teams: readonly Team[]): Map<TeamId, Team> {
  let map = teamCache.get(teams);
  if (!map) {
    map = new Map(teams.map((t) => [t.id, t]));
    teamCache.set(teams, map);
  }
  return map;
}

export class Work {
  readonly base: TournamentAggregate;
  readonly engine: FormatEngine;
  readonly now: string;
  state: TournamentState;
  winner: TeamId | null;
  current_round: number;
  total_rounds: number;
  rng: number;
  seeds: TeamId[];
  readonly events: DomainEvent[] = [];
  readonly removed: MatchId[] = [];
  private readonly changed = new Map<MatchId, Match>();
  private matches: Match[];
  private index: MatchIndex;
  private ownsMatches = false;
  private ownsIndex = false;
  private teams: Team[];
  private teamById: Map<TeamId, Team>;
  private started: boolean;

  constructor(agg: TournamentAggregate, now: string) {
    this.base = agg;
    this.now = now;
    this.engine = engineFor(agg.format);
    this.state = agg.state;
    this.winner = agg.winner;
    this.current_round = agg.current_round;
    this.started = agg.play !== null;
    this.total_rounds = agg.play?.total_rounds ?? 0;
    this.rng = agg.play?.rng ?? agg.seed;
    this.seeds = agg.play?.seeds ?? [];
    this.matches = agg.play?.matches ?? [];
    this.index = indexOf(this.matches);
    this.teams = agg.teams;
    this.teamById = teamMap(agg.teams);
  }

  get tournamentId(): string {
    return this.base.id;
  }

  /** Begins play with a freshly built set of matches, ordered by round. */
  startPlay(seeds: TeamId[], matches: Match[], totalRounds: number): void {
    this.started = true;
    this.seeds = seeds;
    this.total_rounds = totalRounds;
    this.matches = matches;
    this.rebuild(matches);
    for (const m of matches) this.changed.set(m.id, m);
  }

  /** Every match (read only). */
  allMatches(): readonly Match[] {
    return this.matches;
  }

  get(id: MatchId): Match | undefined {
    const i = this.index.byId.get(id);
    if (i === undefined) return undefined;
    const m = this.matches[i];
    return m?.id === id ? m : undefined;
  }

  /** Like get, for ids that the bracket itself wrote: a miss is a bug. */
  must(id: MatchId): Match {
    const m = this.get(id);
    if (!m) throw new Error(`engine invariant: no match ${id}`);
    return m;
  }

  roundMatches(round: number): Match[] {
    return inRound(this.matches, this.index, round);
  }

  /** Whether every match of `round` passes `test` (allocation-free: runs per command). */
  everyInRound(round: number, test: (m: Match) => boolean): boolean {
    for (const i of this.index.byRound.get(round) ?? []) {
      const m = this.matches[i];
      if (m !== undefined && m.round === round && !test(m)) return false;
    }
    return true;
  }

  hasRound(round: number): boolean {
    const first = this.index.byRound.get(round)?.[0];
    return first !== undefined && this.matches[first]?.round === round;
  }

  /** Replaces the match with the same id. */
  put(m: Match): void {
    const i = this.index.byId.get(m.id);
    if (i === undefined || this.matches[i]?.id !== m.id) {
      throw new Error(`engine invariant: no match ${m.id}`);
    }
    this.own();
    this.matches[i] = m;
    this.changed.set(m.id, m);
  }

  /** Appends a match of a round at least as late as every existing one. */
  add(m: Match): void {
    this.own();
    if (!this.ownsIndex) {
      this.index = {
        byId: new Map(this.index.byId),
        byRound: new Map([...this.index.byRound].map(([r, list]) => [r, [...list]])),
      };
      this.ownsIndex = true;
    }
    const i = this.matches.length;
    this.matches.push(m);
    this.index.byId.set(m.id, i);
    const list = this.index.byRound.get(m.round);
    if (list) list.push(i);
    else this.index.byRound.set(m.round, [i]);
    this.changed.set(m.id, m);
  }

  remove(id: MatchId): void {
    this.rebuild(this.matches.filter((m) => m.id !== id));
    this.changed.delete(id);
    this.removed.push(id);
  }

  /** Puts `matches` in place of round `round`'s (Swiss re-pairing on correction). */
  replaceRound(round: number, matches: Match[]): void {
    const old = new Map(this.roundMatches(round).map((m) => [m.id, m]));
    this.rebuild([
      ...this.matches.filter((m) => m.round < round),
      ...matches,
      ...this.matches.filter((m) => m.round > round),
    ]);
    for (const m of matches) {
      if (old.get(m.id) !== m) this.changed.set(m.id, m);
      old.delete(m.id);
    }
    for (const id of old.keys()) {
      this.changed.delete(id);
      this.removed.push(id);
    }
  }

  team(id: TeamId): Team | undefined {
    return this.teamById.get(id);
  }

  allTeams(): readonly Team[] {
    return this.teams;
  }

  /** A team that can still play: known and not withdrawn. */
  isPresent(id: TeamId | null): id is TeamId {
    if (id === null) return false;
    const team = this.teamById.get(id);
    return team !== undefined && team.withdrawn !== true;
  }

  teamName(id: TeamId | null): string | null {
    return id === null ? null : (this.teamById.get(id)?.name ?? null);
  }

  setTeams(teams: Team[]): void {
    this.teams = teams;
    this.teamById = teamMap(teams);
  }

  emit(data: EventData): void {
    this.events.push(toTournament(data));
  }

  emitToUser(userId: UserId, data: EventData): void {
    this.events.push(toUser(userId, data));
  }

  emitGlobal(data: EventData): void {
    this.events.push(toGlobal(data));
  }

  finish(): CommandSuccess {
    if (this.ownsMatches) indexCache.set(this.matches, this.index);
    const tournament: TournamentAggregate = {
      ...this.base,
      state: this.state,
      winner: this.winner,
      current_round: this.current_round,
      teams: this.teams,
      play: this.started
        ? {
            seeds: this.seeds,
            matches: this.matches,
            total_rounds: this.total_rounds,
            rng: this.rng,
          }
        : null,
    };
    return {
      ok: true,
      tournament,
      events: this.events,
      changed_matches: [...this.changed.values()],
      removed_matches: this.removed,
    };
  }

  private own(): void {
    if (this.ownsMatches) return;
    this.matches = this.matches.slice();
    this.ownsMatches = true;
  }

  private rebuild(matches: Match[]): void {
    this.matches = matches;
    this.ownsMatches = true;
    this.index = buildIndex(matches);
    this.ownsIndex = true;
  }
}
