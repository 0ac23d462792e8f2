/**
 * A command's working copy of one tournament, and the interface of the
 * formats that drive it. Commands read the aggregate, change the copy, and
 * hand back a new aggregate: the input, and every object reachable from it,
 * stays as it was (matches and teams are replaced, never changed in place).
 */
import {
  type CommandSuccess,
  copyAggregate,
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

/**
 * Positions of the matches of the aggregate the last command made. A
 * tournament's owner applies its next command to that aggregate, which then
 * starts from them rather than indexing every match again: that indexing took
 * double elimination 256 (bench:engine) from 0.75 to 10 ms. One entry, not a
 * WeakMap by array: a WeakMap entry a command made that run 1.0 ms. Any other
 * aggregate is indexed afresh. Sound because a matches array is never changed
 * once a command has returned it.
 */
let latest: { matches: readonly Match[]; byId: Map<MatchId, number> } | null = null;

function indexOf(matches: readonly Match[]): Map<MatchId, number> {
  if (latest !== null && latest.matches === matches) return latest.byId;
  return new Map(matches.map((m, i) => [m.id, i]));
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

/** Where round `round` begins in `matches` (ordered by round), by bisection. */
function roundStart(matches: readonly Match[], round: number): number {
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((matches[mid] as Match).round < round) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  /** The working copy, ordered by round. */
  private matches: Match[];
  /** Positions in `matches`; shared with the input's array until a match is added or moved. */
  private byId: Map<MatchId, number>;
  private ownIndex = false;
  /** The matches created or replaced, by id, in order of first change. */
  private readonly changed = new Map<MatchId, Match>();
  /** After startPlay: every match is new. */
  private allNew = false;
  private readonly removed: MatchId[] = [];
  private teams: Team[];
  private teamIndex: TeamIndex;
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
    const matches = agg.play?.matches ?? [];
    this.byId = indexOf(matches);
    this.matches = matches.slice();
    this.teams = agg.teams;
    this.teamIndex = teamIndexOf(agg.teams);
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
    this.reindex(matches);
  }

  /** Every match, ordered by round (read only: the working copy itself). */
  allMatches(): readonly Match[] {
    return this.matches;
  }

  /** The match at a position `locate` gave. */
  at(i: number): Match | undefined {
    return this.matches[i];
  }

  /** The position of match `id`, or -1. Positions hold until a match is removed or a round re-paired. */
  locate(id: MatchId): number {
    return this.byId.get(id) ?? -1;
  }

  get(id: MatchId): Match | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.matches[i];
  }

  /** Like get, for ids that the bracket itself wrote: a miss is a bug. */
  must(id: MatchId): Match {
    return this.matches[this.mustLocate(id)] as Match;
  }

  /** Like locate, for ids that the bracket itself wrote: a miss is a bug. */
  mustLocate(id: MatchId): number {
    const i = this.byId.get(id);
    if (i === undefined) throw new Error(`engine invariant: no match ${id}`);
    return i;
  }

  /** Positions `[start, end)` of the matches of `round`. */
  roundRange(round: number): [number, number] {
    return [roundStart(this.matches, round), roundStart(this.matches, round + 1)];
  }

  roundMatches(round: number): Match[] {
    const [start, end] = this.roundRange(round);
    return this.matches.slice(start, end);
  }

  /** Whether every match of `round` is decided. */
  roundComplete(round: number): boolean {
    for (let i = roundStart(this.matches, round); i < this.matches.length; i++) {
      const m = this.matches[i] as Match;
      if (m.round !== round) break;
      if (!isDecided(m)) return false;
    }
    return true;
  }

  hasRound(round: number): boolean {
    return this.matches[roundStart(this.matches, round)]?.round === round;
  }

  /** Replaces the match with the same id. */
  put(m: Match): void {
    this.putAt(this.mustLocate(m.id), m);
  }

  /** Replaces the match at position `i` (from `locate`) with `m`, a version of it. */
  putAt(i: number, m: Match): void {
    this.matches[i] = m;
    this.changed.set(m.id, m);
  }

  /** Appends a match of a round at least as late as every existing one. */
  add(m: Match): void {
    if (!this.ownIndex) {
      this.byId = new Map(this.byId);
      this.ownIndex = true;
    }
    this.byId.set(m.id, this.matches.length);
    this.matches.push(m);
    this.changed.set(m.id, m);
  }

  remove(id: MatchId): void {
    this.reindex(this.matches.filter((m) => m.id !== id));
    this.changed.delete(id);
    this.removed.push(id);
  }

  /** Puts `matches` in place of round `round`'s (Swiss re-pairing on correction). */
  replaceRound(round: number, matches: Match[]): void {
    const old = new Map(this.roundMatches(round).map((m) => [m.id, m]));
    const [start, end] = this.roundRange(round);
    this.reindex([...this.matches.slice(0, start), ...matches, ...this.matches.slice(end)]);
    for (const m of matches) {
      if (old.get(m.id) !== m) this.changed.set(m.id, m);
      old.delete(m.id);
    }
    for (const id of old.keys()) {
      this.changed.delete(id);
      this.removed.push(id);
    }
  }

  private reindex(matches: Match[]): void {
    this.matches = matches;
    this.byId = new Map(matches.map((m, i) => [m.id, i]));
    this.ownIndex = true;
  }

  team(id: TeamId): Team | undefined {
    return this.teamIndex.byId.get(id);
  }

  allTeams(): readonly Team[] {
    return this.teams;
  }

  /** A team of a match that can still play: not withdrawn. */
  isPresent(id: TeamId | null): id is TeamId {
    if (id === null) return false;
    if (!this.teamIndex.anyWithdrawn) return true;
    const team = this.teamIndex.byId.get(id);
    return team !== undefined && team.withdrawn !== true;
  }

  teamName(id: TeamId | null): string | null {
    return id === null ? null : (this.teamIndex.byId.get(id)?.name ?? null);
  }

  setTeams(teams: Team[]): void {
    this.teams = teams;
    this.teamIndex = teamIndexOf(teams);
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
        matches: this.matches,
        total_rounds: this.total_rounds,
        rng: this.rng,
      };
      latest = { matches: this.matches, byId: this.byId };
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
      changed_matches: this.allNew ? this.matches.slice() : [...this.changed.values()],
      removed_matches: this.removed,
    };
  }
}
