/**
 * A command's working copy of one tournament. Commands read the aggregate,
 * change the copy, and hand back a new aggregate: the input is never mutated.
 * Changed matches sit in an overlay over the aggregate's match list until
 * `finish` commits them as the list's next version (match-list.ts), so a
 * command costs what it changes, not the size of the tournament. A command
 * that reorders matches (removing one, re-pairing a round), or that starts
 * from an aggregate that has been superseded, works on a flat copy instead.
 */
import {
  type CommandSuccess,
  copyAggregate,
  type PlayState,
  type TournamentAggregate,
} from './aggregate.js';
import type { DomainEvent, EventData } from './events.js';
import { toGlobal, toTournament, toUser } from './events.js';
import type { FormatEngine } from './formats/format.js';
import { engineFor } from './formats/registry.js';
import { IdentityCache } from './identity-cache.js';
import {
  addToIndex,
  type Checkout,
  indexMatches,
  type MatchIndex,
  MatchList,
} from './match-list.js';
import { isDecided } from './match-status.js';
import type { Match, MatchId, Team, TeamId, TournamentState, UserId } from './types.js';

const EMPTY: MatchList = MatchList.of([]);
const NO_POSITIONS: readonly number[] = [];

const teamCache = new IdentityCache<readonly Team[], Map<TeamId, Team>>();

function teamMap(teams: readonly Team[]): Map<TeamId, Team> {
  let map = teamCache.get(teams);
  if (!map) {
    map = new Map(teams.map((t) => [t.id, t]));
    teamCache.set(teams, map);
  }
  return map;
}

/** A plain array of matches with its own index (the flat mode of Work). */
interface Flat extends MatchIndex {
  matches: Match[];
}

function flatOf(matches: Match[]): Flat {
  return { matches, ...indexMatches(matches) };
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
  /** Flat mode: the matches created or replaced, by id. */
  private changed: Map<MatchId, Match> | null = null;
  /** The aggregate's list, read through `view` while no flat copy exists. */
  private list: MatchList;
  private view: Checkout;
  /**
   * The overlay: positions of the list's matches that the command replaced,
   * in order of first change, and their replacements. A command replaces a
   * few matches, so a scan finds them; many get an index by position.
   */
  private readonly replaced: number[] = [];
  private readonly replacements: Match[] = [];
  private replacedAt: Map<number, number> | null = null;
  /** Matches added after the list's end. */
  private readonly appended: Match[] = [];
  /** Set once the command needs a plain array (or starts from a superseded list). */
  private flat: Flat | null = null;
  /** Undecided matches in one round (see undecidedIn). */
  private tally: { round: number; undecided: number } | null;
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
    this.list = agg.play?.matches ?? EMPTY;
    const tally = this.list.tally;
    this.tally = tally === null ? null : { round: tally.round, undecided: tally.undecided };
    this.view = this.list.checkout();
    if (!this.list.isLatest) this.toFlat(this.list.toArray());
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
    this.toFlat(matches);
    this.tally = null;
    for (const m of matches) this.changed?.set(m.id, m);
  }

  /** Every match, in list order (read only: in flat mode, the working array itself). */
  allMatches(): readonly Match[] {
    if (this.flat) return this.flat.matches;
    const out: Match[] = [];
    for (let i = 0; i < this.view.length; i++) out.push(this.at(i) as Match);
    for (const m of this.appended) out.push(m);
    return out;
  }

  private at(i: number): Match | undefined {
    if (this.flat) return this.flat.matches[i];
    const length = this.view.length;
    if (i >= length) return this.appended[i - length];
    const k = this.replacementOf(i);
    return k === -1 ? this.view.data[i] : this.replacements[k];
  }

  private replacementOf(i: number): number {
    if (this.replacedAt !== null) return this.replacedAt.get(i) ?? -1;
    const replaced = this.replaced;
    for (let k = replaced.length - 1; k >= 0; k--) if (replaced[k] === i) return k;
    return -1;
  }

  /** Leaves the overlay for a plain array holding `matches` (the command's view so far). */
  private toFlat(matches: Match[]): void {
    const changed = new Map<MatchId, Match>();
    for (const m of this.replacements) changed.set(m.id, m);
    for (const m of this.appended) changed.set(m.id, m);
    this.changed = changed;
    this.flat = flatOf(matches);
  }

  private positionOf(id: MatchId): number | undefined {
    if (this.flat) return this.flat.byId.get(id);
    const i = this.view.byId.get(id);
    if (i !== undefined && i < this.view.length) return i;
    const k = this.appended.findIndex((m) => m.id === id);
    return k === -1 ? undefined : this.view.length + k;
  }

  private positionsOfRound(round: number): readonly number[] {
    if (this.flat) return this.flat.byRound.get(round) ?? NO_POSITIONS;
    const listed = this.view.byRound.get(round) ?? NO_POSITIONS;
    if (this.appended.length === 0) return listed;
    const extra: number[] = [];
    this.appended.forEach((m, k) => {
      if (m.round === round) extra.push(this.view.length + k);
    });
    return extra.length === 0 ? listed : [...listed, ...extra];
  }

  get(id: MatchId): Match | undefined {
    const i = this.positionOf(id);
    if (i === undefined) return undefined;
    const m = this.at(i);
    return m?.id === id ? m : undefined;
  }

  /** Like get, for ids that the bracket itself wrote: a miss is a bug. */
  must(id: MatchId): Match {
    const m = this.get(id);
    if (!m) throw new Error(`engine invariant: no match ${id}`);
    return m;
  }

  roundMatches(round: number): Match[] {
    const out: Match[] = [];
    for (const i of this.positionsOfRound(round)) {
      const m = this.at(i);
      if (m !== undefined && m.round === round) out.push(m);
    }
    return out;
  }

  /**
   * How many matches of `round` are undecided. Asked after every decision;
   * counted once per round and then kept up to date by `put` and `add`, and
   * handed from command to command with the match list.
   */
  undecidedIn(round: number): number {
    if (this.tally === null || this.tally.round !== round) {
      let undecided = 0;
      for (const m of this.roundMatches(round)) if (!isDecided(m)) undecided++;
      this.tally = { round, undecided };
    }
    return this.tally.undecided;
  }

  private retally(before: Match | undefined, after: Match): void {
    const t = this.tally;
    if (t === null || after.round !== t.round) return;
    const was = before !== undefined && before.round === t.round && !isDecided(before) ? 1 : 0;
    t.undecided += (isDecided(after) ? 0 : 1) - was;
  }

  hasRound(round: number): boolean {
    for (const i of this.positionsOfRound(round)) {
      if (this.at(i)?.round === round) return true;
    }
    return false;
  }

  /** Replaces the match with the same id. */
  put(m: Match): void {
    const i = this.positionOf(m.id);
    if (i === undefined || this.at(i)?.id !== m.id) {
      throw new Error(`engine invariant: no match ${m.id}`);
    }
    this.retally(this.at(i), m);
    if (this.flat) {
      this.flat.matches[i] = m;
      this.changed?.set(m.id, m);
    } else if (i >= this.view.length) {
      this.appended[i - this.view.length] = m;
    } else {
      const k = this.replacementOf(i);
      if (k !== -1) this.replacements[k] = m;
      else this.replace(i, m);
    }
  }

  private replace(i: number, m: Match): void {
    const k = this.replaced.length;
    this.replaced.push(i);
    this.replacements.push(m);
    if (this.replacedAt !== null) this.replacedAt.set(i, k);
    else if (k >= 8) this.replacedAt = new Map(this.replaced.map((p, j) => [p, j]));
  }

  /** Appends a match of a round at least as late as every existing one. */
  add(m: Match): void {
    this.retally(undefined, m);
    if (this.flat) {
      addToIndex(this.flat, m, this.flat.matches.length);
      this.flat.matches.push(m);
      this.changed?.set(m.id, m);
    } else {
      this.appended.push(m);
    }
  }

  remove(id: MatchId): void {
    this.tally = null;
    this.toFlat(this.allMatches().filter((m) => m.id !== id));
    this.changed?.delete(id);
    this.removed.push(id);
  }

  /** Puts `matches` in place of round `round`'s (Swiss re-pairing on correction). */
  replaceRound(round: number, matches: Match[]): void {
    this.tally = null;
    const old = new Map(this.roundMatches(round).map((m) => [m.id, m]));
    const all = this.allMatches();
    this.toFlat([
      ...all.filter((m) => m.round < round),
      ...matches,
      ...all.filter((m) => m.round > round),
    ]);
    for (const m of matches) {
      if (old.get(m.id) !== m) this.changed?.set(m.id, m);
      old.delete(m.id);
    }
    for (const id of old.keys()) {
      this.changed?.delete(id);
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

  /** The new aggregate, with the changed matches committed as the list's next version. */
  finish(): CommandSuccess {
    let play: PlayState | null = null;
    if (this.started) {
      play = {
        seeds: this.seeds,
        matches: this.committed(),
        total_rounds: this.total_rounds,
        rng: this.rng,
      };
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
      changed_matches: this.changed
        ? [...this.changed.values()]
        : this.replacements.concat(this.appended),
      removed_matches: this.removed,
    };
  }

  private committed(): MatchList {
    const tally = this.tally === null ? null : { ...this.tally };
    if (this.flat) return MatchList.adopt(this.flat.matches, this.flat, tally);
    if (this.replaced.length === 0 && this.appended.length === 0) return this.list;
    return this.list.commit(this.replaced, this.replacements, this.appended, tally);
  }
}
