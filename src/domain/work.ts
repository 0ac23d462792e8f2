/**
 * A command's working copy of one tournament, and the interface of the
 * formats that drive it. Commands read the aggregate, change the copy, and
 * hand back a new aggregate: the input, and every object reachable from it,
 * stays as it was (matches and teams are replaced, never changed in place).
 */
import {
  byRound,
  type CommandSuccess,
  copyAggregate,
  matchList,
  type PlayState,
  type TournamentAggregate,
} from './aggregate.js';
import type { DomainEvent, EventData } from './events.js';
import { toGlobal, toTournament, toUser } from './events.js';
import { isDecided } from './match-status.js';
import type {
  FormatOptions,
  Match,
  MatchId,
  Standing,
  Team,
  TeamId,
  TournamentState,
  UserId,
} from './types.js';

/** Later matches a correction would change, and those of them already played. */
export interface CorrectionImpact {
  affected: Set<MatchId>;
  conflicts: Set<MatchId>;
  /** Pending matches whose teams changed: their captains hear again. */
  reannounce: Set<MatchId>;
}

/**
 * The one interface every format implements (formats/registry.ts). The flow
 * (flow.ts) drives matches the same way for all of them; a format says how
 * matches are laid out, what happens after special decisions, who won and
 * how teams rank.
 */
export interface FormatEngine {
  /** Whether `winner: null` is a possible result. */
  allowsDraw: boolean;
  /**
   * The matches that exist when play starts, all `waiting`: the whole bracket
   * for elimination, round 1 for round robin and Swiss.
   */
  build(
    seeds: readonly TeamId[],
    options: FormatOptions,
  ): { matches: Match[]; total_rounds: number };
  /** Matches of `round` for formats that pair as they go; [] when there are no more. */
  createRound(w: Work, round: number): Match[];
  /** Called after any match is decided and its teams were sent on. */
  afterDecision(w: Work, m: Match): void;
  /**
   * `m` (already replaced in the scratch copy `w`) got a different result:
   * re-derive what depends on it, recording the impact. Changes to matches in
   * `impact.conflicts` are not made; the caller discards `w` if any.
   */
  applyCorrection(w: Work, m: Match, impact: CorrectionImpact): void;
  /** The tournament winner once play is over; null if nobody is left. */
  champion(w: Work): TeamId | null;
  standings(w: Work): Standing[];
}

/** Where a match sits: `index` in the list of its round (`rounds[round - 1]`). */
export interface Place {
  readonly round: number;
  readonly index: number;
}

/** The place of every match of `rounds`, by id. */
function placesOf(rounds: readonly (readonly Match[])[]): Map<MatchId, Place> {
  const byId = new Map<MatchId, Place>();
  for (let r = 0; r < rounds.length; r++) {
    const list = rounds[r] as readonly Match[];
    for (let index = 0; index < list.length; index++) {
      byId.set((list[index] as Match).id, { round: r + 1, index });
    }
  }
  return byId;
}

/**
 * Places of the matches of the aggregate the last command made. A
 * tournament's owner applies its next command to that aggregate, which then
 * starts from them rather than indexing every match again: that indexing took
 * double elimination 256 (bench:engine) from 0.75 to 10 ms. One entry, not a
 * WeakMap by array: a WeakMap entry a command made that run 1.0 ms. Any other
 * aggregate is indexed afresh. Sound because a rounds array, and each round
 * in it, is never changed once a command has returned it.
 */
let latest: { rounds: readonly Match[][]; byId: Map<MatchId, Place> } | null = null;

function indexOf(rounds: readonly Match[][]): Map<MatchId, Place> {
  if (latest !== null && latest.rounds === rounds) return latest.byId;
  return placesOf(rounds);
}

interface TeamIndex {
  byId: Map<TeamId, Team>;
  /** Until a team has withdrawn, every team in a match is present. */
  anyWithdrawn: boolean;
}

/**
 * The index of the teams array last read. Commands that change no team hand
 * the same array on; indexing it in every command took double elimination 256
 * from 0.75 to 4.7 ms.
 */
let latestTeams: { teams: readonly Team[]; index: TeamIndex } | null = null;

function teamIndexOf(teams: readonly Team[]): TeamIndex {
  if (latestTeams !== null && latestTeams.teams === teams) return latestTeams.index;
  const index = {
    byId: new Map(teams.map((t) => [t.id, t])),
    anyWithdrawn: teams.some((t) => t.withdrawn === true),
  };
  latestTeams = { teams, index };
  return index;
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
  /**
   * The working copy, by round. A command copies this outer array and only
   * the rounds it changes (`own`): the rest stay shared with the input, which
   * nothing changes. Copying all 511 matches of double elimination 256 in
   * every command took 0.19 ms of its 0.74 (bench:engine); copying only the
   * changed rounds copies 167 matches a command on average instead of 510.
   */
  private rounds: Match[][];
  /** The input's rounds: a round still here is shared and is copied before a change. */
  private readonly given: readonly Match[][];
  /** Places of the matches; shared with the input's until a match is added or moved. */
  private byId: Map<MatchId, Place>;
  private ownIndex = false;
  /** The matches created or replaced, by id, in order of first change. */
  private readonly changed = new Map<MatchId, Match>();
  /** After startPlay: every match is new. */
  private allNew = false;
  private readonly removed: MatchId[] = [];
  private teams: Team[];
  /** Built when first read: startTournament replaces the teams before any is looked up. */
  private teamIndex: TeamIndex | null = null;
  private started: boolean;

  constructor(agg: TournamentAggregate, now: string, engine: FormatEngine) {
    this.base = agg;
    this.now = now;
    this.engine = engine;
    this.state = agg.state;
    this.winner = agg.winner;
    this.current_round = agg.current_round;
    this.started = agg.play !== null;
    this.total_rounds = agg.play?.total_rounds ?? 0;
    this.rng = agg.play?.rng ?? agg.seed;
    this.seeds = agg.play?.seeds ?? [];
    this.given = agg.play?.rounds ?? [];
    this.byId = indexOf(this.given);
    this.rounds = this.given.slice();
    this.teams = agg.teams;
  }

  get tournamentId(): string {
    return this.base.id;
  }

  /** Begins play with a freshly built set of matches, ordered by round. */
  startPlay(seeds: TeamId[], matches: Match[], totalRounds: number): void {
    this.started = true;
    this.seeds = seeds;
    this.total_rounds = totalRounds;
    this.allNew = true;
    this.rounds = byRound(matches);
    this.reindex();
  }

  /** Every match, ordered by round (a copy). */
  allMatches(): Match[] {
    return matchList(this.rounds);
  }

  /** The match at a place `locate` gave. */
  at(p: Place): Match | undefined {
    return this.rounds[p.round - 1]?.[p.index];
  }

  /** The place of match `id`. Places hold until a match is removed or a round re-paired. */
  locate(id: MatchId): Place | undefined {
    return this.byId.get(id);
  }

  get(id: MatchId): Match | undefined {
    const p = this.byId.get(id);
    return p === undefined ? undefined : this.at(p);
  }

  /** Like get, for ids that the bracket itself wrote: a miss is a bug. */
  must(id: MatchId): Match {
    return this.at(this.mustLocate(id)) as Match;
  }

  /** Like locate, for ids that the bracket itself wrote: a miss is a bug. */
  mustLocate(id: MatchId): Place {
    const p = this.byId.get(id);
    if (p === undefined) throw new Error(`engine invariant: no match ${id}`);
    return p;
  }

  /** The matches of `round` (a copy). */
  roundMatches(round: number): Match[] {
    return this.rounds[round - 1]?.slice() ?? [];
  }

  /**
   * Whether every match of `round` is decided. From the last match back:
   * results mostly come in list order (the results form lists the pending
   * matches in order), so an undecided match is found at once, where a scan
   * from the first match reads every decided one, in every command.
   */
  roundComplete(round: number): boolean {
    const list = this.rounds[round - 1] ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (!isDecided(list[i] as Match)) return false;
    return true;
  }

  hasRound(round: number): boolean {
    return (this.rounds[round - 1]?.length ?? 0) > 0;
  }

  /** Replaces the match with the same id. */
  put(m: Match): void {
    this.putAt(this.mustLocate(m.id), m);
  }

  /** Replaces the match at place `p` (from `locate`) with `m`, a version of it. */
  putAt(p: Place, m: Match): void {
    this.own(p.round)[p.index] = m;
    this.changed.set(m.id, m);
  }

  /** Appends a match to its round. */
  add(m: Match): void {
    if (!this.ownIndex) {
      this.byId = new Map(this.byId);
      this.ownIndex = true;
    }
    while (this.rounds.length < m.round) this.rounds.push([]);
    const list = this.own(m.round);
    this.byId.set(m.id, { round: m.round, index: list.length });
    list.push(m);
    this.changed.set(m.id, m);
  }

  remove(id: MatchId): void {
    const p = this.mustLocate(id);
    this.own(p.round).splice(p.index, 1);
    while (this.rounds.length > 0 && this.rounds[this.rounds.length - 1]?.length === 0) {
      this.rounds.pop();
    }
    this.reindex();
    this.changed.delete(id);
    this.removed.push(id);
  }

  /** Puts `matches` in place of round `round`'s (Swiss re-pairing on correction). */
  replaceRound(round: number, matches: Match[]): void {
    const old = new Map(this.roundMatches(round).map((m) => [m.id, m]));
    this.rounds[round - 1] = matches.slice();
    this.reindex();
    for (const m of matches) {
      if (old.get(m.id) !== m) this.changed.set(m.id, m);
      old.delete(m.id);
    }
    for (const id of old.keys()) {
      this.changed.delete(id);
      this.removed.push(id);
    }
  }

  /** The list of `round`, copied first if it is still the input's. */
  private own(round: number): Match[] {
    const list = this.rounds[round - 1] as Match[];
    if (list !== this.given[round - 1]) return list;
    const copy = list.slice();
    this.rounds[round - 1] = copy;
    return copy;
  }

  private reindex(): void {
    this.byId = placesOf(this.rounds);
    this.ownIndex = true;
  }

  private teamsById(): TeamIndex {
    if (this.teamIndex === null) this.teamIndex = teamIndexOf(this.teams);
    return this.teamIndex;
  }

  team(id: TeamId): Team | undefined {
    return this.teamsById().byId.get(id);
  }

  allTeams(): readonly Team[] {
    return this.teams;
  }

  /** A team of a match that can still play: not withdrawn. */
  isPresent(id: TeamId | null): id is TeamId {
    if (id === null) return false;
    const index = this.teamsById();
    if (!index.anyWithdrawn) return true;
    const team = index.byId.get(id);
    return team !== undefined && team.withdrawn !== true;
  }

  teamName(id: TeamId | null): string | null {
    return id === null ? null : (this.teamsById().byId.get(id)?.name ?? null);
  }

  setTeams(teams: Team[]): void {
    this.teams = teams;
    this.teamIndex = null;
  }

  emit(data: EventData): void {
    this.events.push(toTournament(data));
  }

  /** Emits an event to the tournament ahead of every event emitted so far. */
  emitFirst(data: EventData): void {
    this.events.unshift(toTournament(data));
  }

  emitToUser(userId: UserId, data: EventData): void {
    this.events.push(toUser(userId, data));
  }

  emitGlobal(data: EventData): void {
    this.events.push(toGlobal(data));
  }

  /** The new aggregate, with the command's changes. */
  finish(): CommandSuccess {
    let play: PlayState | null = null;
    if (this.started) {
      play = {
        seeds: this.seeds,
        rounds: this.rounds,
        total_rounds: this.total_rounds,
        rng: this.rng,
      };
      latest = { rounds: this.rounds, byId: this.byId };
    }
    const tournament = copyAggregate(
      this.base,
      this.teams,
      this.state,
      play,
      this.winner,
      this.current_round,
    );
    return {
      ok: true,
      tournament,
      events: this.events,
      changed_matches: this.allNew ? this.allMatches() : [...this.changed.values()],
      removed_matches: this.removed,
    };
  }
}
