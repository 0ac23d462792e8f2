import { and, asc, count, desc, eq, ilike, inArray, type SQL, sql } from 'drizzle-orm';
import { byRound, type PlayState, type TournamentAggregate } from '../domain/index.js';
import type {
  Format,
  FormatOptions,
  Match,
  Seeding,
  Team,
  TournamentState,
} from '../domain/types.js';
import type { Executor } from './database.js';
import { ids, parseIds } from './ids.js';
import { matches, teams, tournaments } from './schema.js';

/** A tournament as read from the store: the aggregate plus what only the store knows. */
export interface StoredTournament {
  agg: TournamentAggregate;
  version: number;
  created_at: string;
  updated_at: string;
}

/** Another writer changed the tournament since it was read. */
export class VersionConflictError extends Error {
  constructor(readonly tournamentId: string) {
    super(`tournament ${tournamentId} changed meanwhile`);
  }
}

type TournamentRow = typeof tournaments.$inferSelect;
type TeamRow = typeof teams.$inferSelect;
type MatchRow = typeof matches.$inferSelect;

/** `play` as its column holds it: everything but the matches, which are rows of `matches`. */
type StoredPlay = Omit<PlayState, 'rounds'>;

/** A match's bracket links, as the `links` column holds them. */
type Links = Pick<Match, 'winner_to' | 'loser_to' | 'team1_from' | 'team2_from'>;

function teamOf(row: TeamRow): Team {
  const team: Team = {
    id: ids.team(row.id),
    name: row.name,
    captain_id: ids.user(row.captain_id),
    seed: row.seed,
  };
  if (row.withdrawn) team.withdrawn = true;
  if (row.withdrawn_round !== null) team.withdrawn_round = row.withdrawn_round;
  return team;
}

function matchOf(row: MatchRow): Match {
  const links = (row.links as Links | null) ?? {};
  return {
    id: row.id,
    round: row.round,
    bracket: row.bracket as Match['bracket'],
    bracket_round: row.bracket_round,
    team1_id: row.team1_id,
    team2_id: row.team2_id,
    status: row.status as Match['status'],
    winner: row.winner,
    scores: row.scores as Match['scores'],
    walkover: row.walkover,
    winner_to: links.winner_to ?? null,
    loser_to: links.loser_to ?? null,
    team1_from: links.team1_from ?? null,
    team2_from: links.team2_from ?? null,
  };
}

function linksOf(m: Match): Links | null {
  if (!m.winner_to && !m.loser_to && !m.team1_from && !m.team2_from) return null;
  return {
    winner_to: m.winner_to ?? null,
    loser_to: m.loser_to ?? null,
    team1_from: m.team1_from ?? null,
    team2_from: m.team2_from ?? null,
  };
}

function aggregateOf(
  row: TournamentRow,
  teamRows: TeamRow[],
  matchRows: MatchRow[],
): TournamentAggregate {
  const play = row.play as StoredPlay | null;
  return {
    id: ids.tournament(row.id),
    name: row.name,
    format: row.format as Format,
    state: row.state as TournamentState,
    organizer_id: ids.user(row.organizer_id),
    min_teams: row.min_teams,
    max_teams: row.max_teams,
    seeding: row.seeding as Seeding,
    options: row.options as FormatOptions,
    seed: row.rng_seed,
    teams: teamRows.map(teamOf),
    play:
      play === null
        ? null
        : {
            seeds: play.seeds,
            rounds: byRound(matchRows.map(matchOf)),
            total_rounds: play.total_rounds,
            rng: play.rng,
          },
    winner: row.winner,
    current_round: row.current_round,
    description: row.description === '' ? null : row.description,
    starts_at: row.starts_at ? row.starts_at.toISOString() : null,
  };
}

function key(id: string, what: 'tournament' | 'team' | 'user'): number {
  const n = parseIds[what](id);
  if (n === null) throw new Error(`malformed ${what} id ${id}`);
  return n;
}

async function nextval(db: Executor, table: 'tournaments' | 'teams'): Promise<number> {
  // Both drivers answer execute() with { rows }.
  const res = (await db.execute(
    sql`select nextval(pg_get_serial_sequence(${table}, 'id'))::int as id`,
  )) as unknown as { rows: Array<{ id: number }> };
  return Number(res.rows[0]?.id);
}

/** Reserves the next tournament id, for a tournament about to be created. */
export async function nextTournamentId(db: Executor): Promise<string> {
  return ids.tournament(await nextval(db, 'tournaments'));
}

/** Reserves the next team id, for a team about to be registered. */
export async function nextTeamId(db: Executor): Promise<string> {
  return ids.team(await nextval(db, 'teams'));
}

function playOf(play: PlayState | null): StoredPlay | null {
  return play === null
    ? null
    : { seeds: play.seeds, total_rounds: play.total_rounds, rng: play.rng };
}

function columnsOf(agg: TournamentAggregate) {
  return {
    name: agg.name,
    description: agg.description ?? '',
    format: agg.format,
    state: agg.state,
    min_teams: agg.min_teams,
    max_teams: agg.max_teams,
    seeding: agg.seeding,
    options: agg.options,
    play: playOf(agg.play),
    winner: agg.winner,
    current_round: agg.current_round,
    starts_at: agg.starts_at ? new Date(agg.starts_at) : null,
  };
}

type Columns = ReturnType<typeof columnsOf>;

/**
 * The columns that differ between two versions of a tournament. The
 * configuration and the play document change a few times in a tournament's
 * life (edits, the start, a re-pairing), so most results write only the
 * state, the round and the version.
 */
function changedColumns(before: TournamentAggregate, after: TournamentAggregate): Partial<Columns> {
  const out: Partial<Columns> = {};
  if (before.state !== after.state) out.state = after.state;
  if (before.current_round !== after.current_round) out.current_round = after.current_round;
  if (before.winner !== after.winner) out.winner = after.winner;
  const p0 = before.play;
  const p1 = after.play;
  if (
    (p0 === null) !== (p1 === null) ||
    (p0 &&
      p1 &&
      (p0.seeds !== p1.seeds || p0.total_rounds !== p1.total_rounds || p0.rng !== p1.rng))
  ) {
    out.play = playOf(p1);
  }
  if (
    before.name !== after.name ||
    before.description !== after.description ||
    before.format !== after.format ||
    before.min_teams !== after.min_teams ||
    before.max_teams !== after.max_teams ||
    before.seeding !== after.seeding ||
    before.options !== after.options ||
    before.starts_at !== after.starts_at
  ) {
    const all = columnsOf(after);
    Object.assign(out, {
      name: all.name,
      description: all.description,
      format: all.format,
      min_teams: all.min_teams,
      max_teams: all.max_teams,
      seeding: all.seeding,
      options: all.options,
      starts_at: all.starts_at,
    });
  }
  return out;
}

export async function insertTournament(
  db: Executor,
  agg: TournamentAggregate,
): Promise<StoredTournament> {
  const [row] = await db
    .insert(tournaments)
    .values({
      id: key(agg.id, 'tournament'),
      organizer_id: key(agg.organizer_id, 'user'),
      rng_seed: agg.seed,
      ...columnsOf(agg),
    })
    .returning();
  const r = row as TournamentRow;
  return {
    agg,
    version: r.version,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** The whole tournament: its row, its teams in registration order, its matches in list order. */
export async function loadTournament(db: Executor, id: string): Promise<StoredTournament | null> {
  const n = parseIds.tournament(id);
  if (n === null) return null;
  const [row] = await db.select().from(tournaments).where(eq(tournaments.id, n));
  if (!row) return null;
  const [teamRows, matchRows] = await Promise.all([
    db.select().from(teams).where(eq(teams.tournament_id, n)).orderBy(asc(teams.id)),
    row.play === null
      ? Promise.resolve([] as MatchRow[])
      : db.select().from(matches).where(eq(matches.tournament_id, n)).orderBy(asc(matches.ordinal)),
  ]);
  return {
    agg: aggregateOf(row, teamRows, matchRows),
    version: row.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/**
 * The positions of `changed` in the match list (every round's matches, one
 * round after another): only the rounds that hold a changed match are read.
 */
function positionsOf(
  rounds: readonly (readonly Match[])[],
  changed: readonly Match[],
): Map<string, number> {
  const wanted = new Set(changed.map((m) => m.round));
  const out = new Map<string, number>();
  let offset = 0;
  for (let r = 0; r < rounds.length; r++) {
    const list = rounds[r] as readonly Match[];
    if (wanted.has(r + 1)) {
      for (let i = 0; i < list.length; i++) out.set((list[i] as Match).id, offset + i);
    }
    offset += list.length;
  }
  return out;
}

function teamRowOf(t: Team, tournamentId: number) {
  return {
    id: key(t.id, 'team'),
    tournament_id: tournamentId,
    name: t.name,
    captain_id: key(t.captain_id, 'user'),
    seed: t.seed,
    withdrawn: t.withdrawn === true,
    withdrawn_round: t.withdrawn_round ?? null,
  };
}

async function saveTeams(
  db: Executor,
  n: number,
  before: TournamentAggregate,
  after: TournamentAggregate,
): Promise<void> {
  if (before.teams === after.teams) return;
  const old = new Map(before.teams.map((t) => [t.id, t]));
  const now = new Set(after.teams.map((t) => t.id));
  const added = after.teams.filter((t) => !old.has(t.id));
  if (added.length > 0) await db.insert(teams).values(added.map((t) => teamRowOf(t, n)));
  const gone = [...old.keys()].filter((id) => !now.has(id)).map((id) => key(id, 'team'));
  if (gone.length > 0) await db.delete(teams).where(inArray(teams.id, gone));
  for (const t of after.teams) {
    const was = old.get(t.id);
    if (
      was &&
      was !== t &&
      (was.seed !== t.seed ||
        was.withdrawn !== t.withdrawn ||
        was.withdrawn_round !== t.withdrawn_round ||
        was.name !== t.name)
    ) {
      const { id: _id, tournament_id: _t, captain_id: _c, ...fields } = teamRowOf(t, n);
      await db
        .update(teams)
        .set(fields)
        .where(eq(teams.id, key(t.id, 'team')));
    }
  }
}

async function saveMatches(
  db: Executor,
  n: number,
  after: TournamentAggregate,
  changed: readonly Match[],
  removed: readonly string[],
): Promise<void> {
  if (removed.length > 0) {
    await db
      .delete(matches)
      .where(and(eq(matches.tournament_id, n), inArray(matches.id, [...removed])));
  }
  if (changed.length === 0 || !after.play) return;
  const ordinal = positionsOf(after.play.rounds, changed);
  await db
    .insert(matches)
    .values(
      changed.map((m) => ({
        tournament_id: n,
        id: m.id,
        round: m.round,
        bracket: m.bracket,
        bracket_round: m.bracket_round,
        team1_id: m.team1_id,
        team2_id: m.team2_id,
        status: m.status,
        winner: m.winner,
        scores: m.scores,
        walkover: m.walkover === true,
        links: linksOf(m),
        ordinal: ordinal.get(m.id) ?? 0,
      })),
    )
    .onConflictDoUpdate({
      target: [matches.tournament_id, matches.id],
      set: {
        round: sql`excluded.round`,
        bracket: sql`excluded.bracket`,
        bracket_round: sql`excluded.bracket_round`,
        team1_id: sql`excluded.team1_id`,
        team2_id: sql`excluded.team2_id`,
        status: sql`excluded.status`,
        winner: sql`excluded.winner`,
        scores: sql`excluded.scores`,
        walkover: sql`excluded.walkover`,
        links: sql`excluded.links`,
        ordinal: sql`excluded.ordinal`,
        updated_at: sql`now()`,
      },
    });
}

/**
 * Saves what a command changed, if the tournament is still at `version`
 * (optimistic concurrency): the tournament's changed columns, its changed
 * teams, and one row per changed match. What it writes is what the command
 * changed, whatever the tournament's size. Returns the new version.
 */
export async function saveTournament(
  db: Executor,
  before: StoredTournament,
  after: TournamentAggregate,
  changed: readonly Match[],
  removed: readonly string[] = [],
): Promise<{ version: number; updated_at: string }> {
  const n = key(after.id, 'tournament');
  const updated = await db
    .update(tournaments)
    .set({
      ...changedColumns(before.agg, after),
      version: sql`${tournaments.version} + 1`,
      updated_at: sql`now()`,
    })
    .where(and(eq(tournaments.id, n), eq(tournaments.version, before.version)))
    .returning({ version: tournaments.version, updated_at: tournaments.updated_at });
  if (updated.length === 0) throw new VersionConflictError(after.id);
  await saveTeams(db, n, before.agg, after);
  await saveMatches(db, n, after, changed, removed);
  const row = updated[0] as { version: number; updated_at: Date };
  return { version: row.version, updated_at: row.updated_at.toISOString() };
}

/** Removes a DRAFT tournament (the engine has checked that it may go). */
export async function removeTournament(db: Executor, id: string): Promise<void> {
  await db.delete(tournaments).where(eq(tournaments.id, key(id, 'tournament')));
}

export interface TournamentFilter {
  state?: string;
  format?: string;
  q?: string;
  organizer_id?: string;
  limit: number;
  offset: number;
}

export interface TournamentSummary {
  agg: Omit<TournamentAggregate, 'play' | 'teams'>;
  team_count: number;
  created_at: string;
  updated_at: string;
}

/** Lists tournaments, newest first, without their play state. */
export async function listTournaments(
  db: Executor,
  f: TournamentFilter,
): Promise<{ rows: TournamentSummary[]; total: number }> {
  const where: SQL[] = [];
  if (f.state) where.push(eq(tournaments.state, f.state));
  if (f.format) where.push(eq(tournaments.format, f.format));
  if (f.q) where.push(ilike(tournaments.name, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (f.organizer_id) {
    const n = parseIds.user(f.organizer_id);
    where.push(eq(tournaments.organizer_id, n ?? -1));
  }
  const cond = where.length > 0 ? and(...where) : undefined;
  const teamCount = db
    .select({ tournament_id: teams.tournament_id, n: count().as('n') })
    .from(teams)
    .groupBy(teams.tournament_id)
    .as('tc');
  const rows = await db
    .select({ t: tournaments, n: teamCount.n })
    .from(tournaments)
    .leftJoin(teamCount, eq(teamCount.tournament_id, tournaments.id))
    .where(cond)
    .orderBy(desc(tournaments.id))
    .limit(f.limit)
    .offset(f.offset);
  const [total] = await db.select({ n: count() }).from(tournaments).where(cond);
  return {
    rows: rows.map(({ t, n }) => {
      const { play: _p, teams: _t, ...agg } = aggregateOf({ ...t, play: null }, [], []);
      return {
        agg,
        team_count: Number(n ?? 0),
        created_at: t.created_at.toISOString(),
        updated_at: t.updated_at.toISOString(),
      };
    }),
    total: Number(total?.n ?? 0),
  };
}
