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
  type RoundTally,
} from './match-list.js';
import { isDecided } from './match-status.js';
import type { TeamList } from './team-list.js';
import type { Match, MatchId, Team, TeamId, TournamentState, UserId } from './types.js';

const EMPTY: MatchList = MatchList.of([]);
const NO_POSITIONS: readonly number[] = [];
/** Shared by every command that removes or appends nothing (most of them). */
const NONE: never[] = Object.freeze([]) as unknown as never[];

interface TeamIndex {
  byId: Map<TeamId, Team>;
  anyWithdrawn: boolean;
}

const teamCache = new IdentityCache<TeamList, TeamIndex>();

function teamIndex(teams: TeamList): TeamIndex {
  let index = teamCache.get(teams);
  if (!index) {
    const byId = new Map<TeamId, Team>();
    let anyWithdrawn = false;
    for (let i = 0; i < teams.length; i++) {
      const t = teams.at(i) as Team;
      byId.set(t.id, t);
      if (t.withdrawn === true) anyWithdrawn = true;
    }
    index = { byId, anyWithdrawn };
    teamCache.set(teams, index);
  }
  return index;
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
  /** The events emitted so far (one array per command, sized as they come). */
  private eventList: DomainEvent[] = NONE;
  private removed: MatchId[] = NONE;
  /** Flat mode: the matches created or replaced, by id (null after startPlay: all are new). */
  private changed: Map<MatchId, Match> | null = null;
  /** After startPlay: every match is new. */
  private allChanged = false;
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
  /** Once many are replaced: 1 + the index in `replaced` of each position (0: not replaced). */
  private replacedAt: Int32Array | null = null;
  /** Matches added after the list's end. */
  private appended: Match[] = NONE;
  /** Set once the command needs a plain array (or starts from a superseded list). */
  private flat: Flat | null = null;
  /** Undecided matches in round `tallyRound` (see undecidedIn); round 0: not counted. */
  private tallyRound: number;
  private tallyUndecided: number;
  private teams: TeamList;
  private teamById: Map<TeamId, Team>;
  /** Whether a team has withdrawn: until one has, every team in a match is present. */
  private anyWithdrawn: boolean;
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
    this.tallyRound = tally === null ? 0 : tally.round;
    this.tallyUndecided = tally === null ? 0 : tally.undecided;
    this.view = this.list.checkout();
    if (!this.list.isLatest) this.toFlat(this.list.toArray());
    const index = teamIndex(agg.teams);
    this.teams = agg.teams;
    this.teamById = index.byId;
    this.anyWithdrawn = index.anyWithdrawn;
  }

  get tournamentId(): string {
    return this.base.id;
  }

  /** Begins play with a freshly built set of matches, ordered by round. */
  startPlay(seeds: TeamId[], matches: Match[], totalRounds: number): void {
    this.started = true;
    this.seeds = seeds;
    this.total_rounds = totalRounds;
    this.allChanged = true;
    this.toFlat(matches);
    this.tallyRound = 0;
  }

  /** Every match, in list order (read only: in flat mode, the working array itself). */
  allMatches(): readonly Match[] {
    if (this.flat) return this.flat.matches;
    const out: Match[] = [];
    for (let i = 0; i < this.view.length; i++) out.push(this.at(i) as Match);
    for (const m of this.appended) out.push(m);
    return out;
  }

  /** The match at a position `locate` gave. */
  at(i: number): Match | undefined {
    if (this.flat) return this.flat.matches[i];
    const length = this.view.length;
    if (i >= length) return this.appended[i - length];
    const k = this.replacementOf(i);
    return k === -1 ? this.view.data[i] : this.replacements[k];
  }

  private replacementOf(i: number): number {
    if (this.replacedAt !== null) return (this.replacedAt[i] as number) - 1;
    const replaced = this.replaced;
    for (let k = replaced.length - 1; k >= 0; k--) if (replaced[k] === i) return k;
    return -1;
  }

  /** Leaves the overlay for a plain array holding `matches` (the command's view so far). */
  private toFlat(matches: Match[]): void {
    if (!this.allChanged) {
      const changed = new Map<MatchId, Match>();
      for (const m of this.replacements) changed.set(m.id, m);
      for (const m of this.appended) changed.set(m.id, m);
      this.changed = changed;
    }
    this.flat = flatOf(matches);
  }

  /**
   * The position of match `id`, or -1. Positions hold until the command
   * removes a match or re-pairs a round.
   */
  locate(id: MatchId): number {
    if (this.flat) return this.flat.byId.get(id) ?? -1;
    const i = this.view.byId.get(id);
    if (i !== undefined && i < this.view.length) return i;
    const k = this.appended.findIndex((m) => m.id === id);
    return k === -1 ? -1 : this.view.length + k;
  }

  /** Positions of the matches of `round`, in list order (read only). */
  positionsOfRound(round: number): readonly number[] {
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
    const i = this.locate(id);
    if (i === -1) return undefined;
    const m = this.at(i);
    return m?.id === id ? m : undefined;
  }

  /** Like get, for ids that the bracket itself wrote: a miss is a bug. */
  must(id: MatchId): Match {
    return this.at(this.mustLocate(id)) as Match;
  }

  /** Like locate, for ids that the bracket itself wrote: a miss is a bug. */
  mustLocate(id: MatchId): number {
    const i = this.locate(id);
    if (i === -1 || this.at(i)?.id !== id) throw new Error(`engine invariant: no match ${id}`);
    return i;
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
    if (this.tallyRound !== round) {
      let undecided = 0;
      for (const m of this.roundMatches(round)) if (!isDecided(m)) undecided++;
      this.tallyRound = round;
      this.tallyUndecided = undecided;
    }
    return this.tallyUndecided;
  }

  private retally(before: Match | undefined, after: Match): void {
    const round = this.tallyRound;
    if (round === 0 || after.round !== round) return;
    const was = before !== undefined && before.round === round && !isDecided(before) ? 1 : 0;
    this.tallyUndecided += (isDecided(after) ? 0 : 1) - was;
  }

  hasRound(round: number): boolean {
    for (const i of this.positionsOfRound(round)) {
      if (this.at(i)?.round === round) return true;
    }
    return false;
  }

  /** Replaces the match with the same id. */
  put(m: Match): void {
    this.putAt(this.mustLocate(m.id), m);
  }

  /** Replaces the match at position `i` (from `locate`) with `m`, a version of it. */
  putAt(i: number, m: Match): void {
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
    if (this.replacedAt !== null) this.replacedAt[i] = k + 1;
    else if (k >= 8) {
      this.replacedAt = new Int32Array(this.view.length);
      for (let j = 0; j <= k; j++) this.replacedAt[this.replaced[j] as number] = j + 1;
    }
  }

  /** Appends a match of a round at least as late as every existing one. */
  add(m: Match): void {
    this.retally(undefined, m);
    if (this.flat) {
      addToIndex(this.flat, m, this.flat.matches.length);
      this.flat.matches.push(m);
      this.changed?.set(m.id, m);
    } else {
      if (this.appended === NONE) this.appended = [];
      this.appended.push(m);
    }
  }

  remove(id: MatchId): void {
    this.tallyRound = 0;
    this.toFlat(this.allMatches().filter((m) => m.id !== id));
    this.changed?.delete(id);
    this.noteRemoved(id);
  }

  private noteRemoved(id: MatchId): void {
    if (this.removed === NONE) this.removed = [];
    this.removed.push(id);
  }

  /** Puts `matches` in place of round `round`'s (Swiss re-pairing on correction). */
  replaceRound(round: number, matches: Match[]): void {
    this.tallyRound = 0;
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
      this.noteRemoved(id);
    }
  }

  team(id: TeamId): Team | undefined {
    return this.teamById.get(id);
  }

  allTeams(): TeamList {
    return this.teams;
  }

  /** A team of a match that can still play: not withdrawn. */
  isPresent(id: TeamId | null): id is TeamId {
    if (id === null) return false;
    if (!this.anyWithdrawn) return true;
    const team = this.teamById.get(id);
    return team !== undefined && team.withdrawn !== true;
  }

  teamName(id: TeamId | null): string | null {
    return id === null ? null : (this.teamById.get(id)?.name ?? null);
  }

  setTeams(teams: TeamList): void {
    const index = teamIndex(teams);
    this.teams = teams;
    this.teamById = index.byId;
    this.anyWithdrawn = index.anyWithdrawn;
  }

  get events(): readonly DomainEvent[] {
    return this.eventList;
  }

  private record(event: DomainEvent): void {
    if (this.eventList === NONE) this.eventList = [event];
    else this.eventList.push(event);
  }

  emit(data: EventData): void {
    this.record(toTournament(data));
  }

  /** Emits an event to the tournament ahead of every event emitted so far. */
  emitFirst(data: EventData): void {
    this.eventList = [toTournament(data), ...this.eventList];
  }

  emitToUser(userId: UserId, data: EventData): void {
    this.record(toUser(userId, data));
  }

  emitGlobal(data: EventData): void {
    this.record(toGlobal(data));
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
      events: this.eventList,
      changed_matches: this.changedMatches(),
      removed_matches: this.removed,
    };
  }

  /** The matches the command created or replaced, in their new version. */
  private changedMatches(): readonly Match[] {
    if (this.flat) return this.changed ? [...this.changed.values()] : this.flat.matches.slice();
    return this.appended.length === 0 ? this.replacements : this.replacements.concat(this.appended);
  }

  private committed(): MatchList {
    const tally: RoundTally | null =
      this.tallyRound === 0 ? null : { round: this.tallyRound, undecided: this.tallyUndecided };
    if (this.flat) return MatchList.adopt(this.flat.matches, this.flat, tally);
    if (this.replaced.length === 0 && this.appended.length === 0) return this.list;
    return this.list.commit(this.replaced, this.replacements, this.appended, tally);
  }
}
