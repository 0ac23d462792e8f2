import { and, asc, count, desc, eq, ilike, inArray, type SQL, sql } from 'drizzle-orm';
import { matchesOfRound, type PlayState, type TournamentAggregate } from '../domain/index.js';
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

function teamOf(row: TeamRow): Team {
  const team: Team = {
    id: ids.team(row.id),
    name: row.name,
    captain_id: ids.user(row.captain_id),
    seed: row.seed,
  };
  if (row.withdrawn) team.withdrawn = true;
  return team;
}

/** `play` as the JSON column holds it: the match list as a plain array. */
type StoredPlay = Omit<PlayState, 'matches'> & { matches: Match[] };

function playOf(stored: StoredPlay | null): PlayState | null {
  return stored;
}

function aggregateOf(row: TournamentRow, teamRows: TeamRow[]): TournamentAggregate {
  return {
    id: ids.tournament(row.id),
    name: row.name,
    description: row.description,
    format: row.format as Format,
    state: row.state as TournamentState,
    organizer_id: ids.user(row.organizer_id),
    min_teams: row.min_teams,
    max_teams: row.max_teams,
    seeding: row.seeding as Seeding,
    options: row.options as FormatOptions,
    seed: row.rng_seed,
    teams: teamRows.map(teamOf),
    play: playOf(row.play as StoredPlay | null),
    winner: row.winner,
    current_round: row.current_round,
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
    play: agg.play,
    winner: agg.winner,
    current_round: agg.current_round,
    starts_at: agg.starts_at ? new Date(agg.starts_at) : null,
  };
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

export async function loadTournament(db: Executor, id: string): Promise<StoredTournament | null> {
  const n = parseIds.tournament(id);
  if (n === null) return null;
  const [row] = await db.select().from(tournaments).where(eq(tournaments.id, n));
  if (!row) return null;
  const teamRows = await db
    .select()
    .from(teams)
    .where(eq(teams.tournament_id, n))
    .orderBy(asc(teams.id));
  return {
    agg: aggregateOf(row, teamRows),
    version: row.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/**
 * Saves what a command changed, if the tournament is still at `version`
 * (optimistic concurrency); returns the new version.
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
    .set({ ...columnsOf(after), version: sql`${tournaments.version} + 1`, updated_at: sql`now()` })
    .where(and(eq(tournaments.id, n), eq(tournaments.version, before.version)))
    .returning({ version: tournaments.version, updated_at: tournaments.updated_at });
  if (updated.length === 0) throw new VersionConflictError(after.id);

  const old = new Map(before.agg.teams.map((t) => [t.id, t]));
  const now = new Set(after.teams.map((t) => t.id));
  const added = after.teams.filter((t) => !old.has(t.id));
  if (added.length > 0) {
    await db.insert(teams).values(
      added.map((t) => ({
        id: key(t.id, 'team'),
        tournament_id: n,
        name: t.name,
        captain_id: key(t.captain_id, 'user'),
        seed: t.seed,
        withdrawn: t.withdrawn === true,
      })),
    );
  }
  const gone = [...old.keys()].filter((id) => !now.has(id)).map((id) => key(id, 'team'));
  if (gone.length > 0) await db.delete(teams).where(inArray(teams.id, gone));
  for (const t of after.teams) {
    const was = old.get(t.id);
    if (
      was &&
      (was.seed !== t.seed ||
        (was.withdrawn === true) !== (t.withdrawn === true) ||
        was.name !== t.name)
    ) {
      await db
        .update(teams)
        .set({ seed: t.seed, withdrawn: t.withdrawn === true, name: t.name })
        .where(eq(teams.id, key(t.id, 'team')));
    }
  }

  if (removed.length > 0) {
    await db
      .delete(matches)
      .where(and(eq(matches.tournament_id, n), inArray(matches.id, [...removed])));
  }
  if (changed.length > 0 && after.play) {
    const ordinal = new Map(matchesOfRound(after, 'all').map((m, i) => [m.id, i]));
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
          ordinal: sql`excluded.ordinal`,
          updated_at: sql`now()`,
        },
      });
  }
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
      const { play: _p, teams: _t, ...agg } = aggregateOf(t, []);
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
