import { sql } from 'drizzle-orm';
import { TOURNAMENT_STATES } from '../domain/state-machine.js';
import type { TournamentState } from '../domain/types.js';
import type { Executor } from './database.js';
import { ids } from './ids.js';

/** Both drivers answer execute() with { rows }. */
async function rowsOf<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

export interface PlatformCounts {
  tournaments_by_state: Record<TournamentState, number>;
  tournaments: number;
  teams: number;
  /** Completed matches that were played: byes and walkovers are not counted. */
  matches_played: number;
  users: number;
}

/** Counts for the home page; one round trip. */
export async function platformCounts(db: Executor): Promise<PlatformCounts> {
  const [byState, [totals]] = await Promise.all([
    rowsOf<{ state: string; n: string | number }>(
      db,
      sql`select state, count(*) as n from tournaments group by state`,
    ),
    rowsOf<{ teams: string | number; matches_played: string | number; users: string | number }>(
      db,
      sql`select
        (select count(*) from teams) as teams,
        (select count(*) from matches where status = 'completed' and not walkover) as matches_played,
        (select count(*) from users) as users`,
    ),
  ]);
  const tournaments_by_state = Object.fromEntries(TOURNAMENT_STATES.map((s) => [s, 0])) as Record<
    TournamentState,
    number
  >;
  let tournaments = 0;
  for (const row of byState) {
    const n = Number(row.n);
    tournaments += n;
    if (row.state in tournaments_by_state) tournaments_by_state[row.state as TournamentState] = n;
  }
  return {
    tournaments_by_state,
    tournaments,
    teams: Number(totals?.teams ?? 0),
    matches_played: Number(totals?.matches_played ?? 0),
    users: Number(totals?.users ?? 0),
  };
}

export interface LeaderboardEntry {
  rank: number;
  user_id: string;
  username: string;
  titles: number;
  match_wins: number;
  tournaments_played: number;
}

/**
 * Users ranked across tournaments by titles (tournaments won by a team they
 * captain), then by match wins (completed matches their teams won; walkovers
 * and byes are not wins played). Equal titles and wins share a rank (1, 2, 2, 4).
 * Only users who captained a team in a tournament that started are listed.
 */
export async function leaderboard(db: Executor, limit: number): Promise<LeaderboardEntry[]> {
  const rows = await rowsOf<{
    user_id: number;
    username: string;
    titles: string | number;
    match_wins: string | number;
    tournaments_played: string | number;
    rank: string | number;
  }>(
    db,
    sql`with played as (
        select tm.captain_id as user_id, count(distinct tm.tournament_id) as tournaments_played
        from teams tm join tournaments t on t.id = tm.tournament_id
        where t.state in ('ACTIVE', 'COMPLETED', 'ARCHIVED')
        group by tm.captain_id
      ), titles as (
        select tm.captain_id as user_id, count(*) as titles
        from tournaments t join teams tm on tm.tournament_id = t.id and t.winner = 'team_' || tm.id
        where t.state in ('COMPLETED', 'ARCHIVED')
        group by tm.captain_id
      ), wins as (
        select tm.captain_id as user_id, count(*) as match_wins
        from matches m join teams tm on tm.tournament_id = m.tournament_id and m.winner = 'team_' || tm.id
        where m.status = 'completed' and not m.walkover
        group by tm.captain_id
      ), board as (
        select u.id as user_id, u.username,
          coalesce(ti.titles, 0) as titles,
          coalesce(w.match_wins, 0) as match_wins,
          p.tournaments_played
        from played p
        join users u on u.id = p.user_id
        left join titles ti on ti.user_id = p.user_id
        left join wins w on w.user_id = p.user_id
      )
      select *, rank() over (order by titles desc, match_wins desc) as rank
      from board
      order by titles desc, match_wins desc, lower(username) asc, user_id asc
      limit ${limit}`,
  );
  return rows.map((r) => ({
    rank: Number(r.rank),
    user_id: ids.user(Number(r.user_id)),
    username: r.username,
    titles: Number(r.titles),
    match_wins: Number(r.match_wins),
    tournaments_played: Number(r.tournaments_played),
  }));
}

export interface OperationsGauges {
  running_servers: number;
  outbox_unpublished: number;
  /** Age in seconds of the oldest unpublished event; 0 when none. */
  outbox_oldest_age_seconds: number;
}

/** What /metrics reads from the database at each scrape. */
export async function operationsGauges(db: Executor): Promise<OperationsGauges> {
  const [row] = await rowsOf<{
    running_servers: string | number;
    outbox_unpublished: string | number;
    oldest_age: string | number | null;
  }>(
    db,
    sql`select
      (select count(*) from tournament_servers where status = 'running') as running_servers,
      (select count(*) from events where published_at is null) as outbox_unpublished,
      (select extract(epoch from now() - min(created_at)) from events where published_at is null) as oldest_age`,
  );
  return {
    running_servers: Number(row?.running_servers ?? 0),
    outbox_unpublished: Number(row?.outbox_unpublished ?? 0),
    outbox_oldest_age_seconds: Math.max(0, Number(row?.oldest_age ?? 0)),
  };
}
