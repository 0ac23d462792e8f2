import { and, count, desc, eq, gt, inArray, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { ids, parseIds } from './ids.js';
import { notifications, subscriptions, tournaments } from './schema.js';

/** A notification as the API shows it. */
export interface Notification {
  id: number;
  type: string;
  data: Record<string, unknown>;
  read: boolean;
  created_at: string;
}

function userKey(userId: string): number {
  const n = parseIds.user(userId);
  if (n === null) throw new Error(`malformed user id ${userId}`);
  return n;
}

function toNotification(row: typeof notifications.$inferSelect): Notification {
  return {
    id: row.id,
    type: row.type,
    data: row.data as Record<string, unknown>,
    read: row.read_at !== null,
    created_at: row.created_at.toISOString(),
  };
}

/** The user's notifications, newest first, and how many are unread in all. */
export async function listNotifications(
  db: Executor,
  userId: string,
  q: { unreadOnly: boolean; limit: number; before?: number },
): Promise<{ notifications: Notification[]; unread: number }> {
  const user = userKey(userId);
  const where: SQL[] = [eq(notifications.user_id, user)];
  if (q.unreadOnly) where.push(isNull(notifications.read_at));
  if (q.before !== undefined) where.push(lt(notifications.id, q.before));
  const rows = await db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(desc(notifications.id))
    .limit(q.limit);
  return { notifications: rows.map(toNotification), unread: await unreadCount(db, userId) };
}

export async function unreadCount(db: Executor, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.user_id, userKey(userId)), isNull(notifications.read_at)));
  return Number(row?.n ?? 0);
}

/** Marks one of the user's notifications read; null when the user has no such notification. */
export async function markRead(
  db: Executor,
  userId: string,
  id: number,
): Promise<Notification | null> {
  const mine = and(eq(notifications.id, id), eq(notifications.user_id, userKey(userId)));
  // Reading twice keeps the first read time.
  await db
    .update(notifications)
    .set({ read_at: sql`now()` })
    .where(and(mine, isNull(notifications.read_at)));
  const [row] = await db.select().from(notifications).where(mine);
  return row ? toNotification(row) : null;
}

/** Marks every unread notification of the user read; returns how many changed. */
export async function markAllRead(db: Executor, userId: string): Promise<number> {
  const changed = await db
    .update(notifications)
    .set({ read_at: sql`now()` })
    .where(and(eq(notifications.user_id, userKey(userId)), isNull(notifications.read_at)))
    .returning({ id: notifications.id });
  return changed.length;
}

/** A tournament whose `tournament_starting` notice this caller now owns. */
export interface StartingTournament {
  tournament_id: string;
  name: string;
  starts_at: Date;
}

/**
 * Claims the tournaments due for their `tournament_starting` notice: starting
 * within `horizon` and not yet started, published and not cancelled. Setting
 * `starting_notified` in the same statement that picks them means that of two
 * callers (two orchestrators, or one before and after a restart) only one
 * gets each tournament: the other's UPDATE re-checks the flag once the first
 * commits (PostgreSQL row locks under READ COMMITTED).
 */
export async function claimStartingTournaments(
  tx: Executor,
  now: Date,
  horizon: Date,
): Promise<StartingTournament[]> {
  const rows = await tx
    .update(tournaments)
    .set({ starting_notified: true })
    .where(
      and(
        eq(tournaments.starting_notified, false),
        inArray(tournaments.state, ['REGISTRATION', 'ACTIVE']),
        lte(tournaments.starts_at, horizon),
        gt(tournaments.starts_at, now),
      ),
    )
    .returning({ id: tournaments.id, name: tournaments.name, starts_at: tournaments.starts_at });
  return rows.map((r) => ({
    tournament_id: ids.tournament(r.id),
    name: r.name,
    starts_at: r.starts_at as Date,
  }));
}

/** The subscribers of a tournament, as user ids. */
export async function subscribersOf(db: Executor, tournamentId: string): Promise<string[]> {
  const n = parseIds.tournament(tournamentId);
  if (n === null) return [];
  const rows = await db
    .select({ user_id: subscriptions.user_id })
    .from(subscriptions)
    .where(eq(subscriptions.tournament_id, n))
    .orderBy(subscriptions.user_id);
  return rows.map((r) => ids.user(r.user_id));
}

/** Reserves `n` notification ids, so that an event can name its notification before either is written. */
export async function reserveNotificationIds(tx: Executor, n: number): Promise<number[]> {
  if (n === 0) return [];
  // Both drivers answer execute() with { rows }.
  const res = (await tx.execute(
    sql`select nextval(pg_get_serial_sequence('notifications', 'id'))::bigint as id from generate_series(1, ${n})`,
  )) as unknown as { rows: Array<{ id: number | string }> };
  return res.rows.map((r) => Number(r.id));
}

/** Stores notifications under ids from `reserveNotificationIds`. */
export async function insertNotifications(
  tx: Executor,
  items: readonly {
    id: number;
    user_id: string;
    type: string;
    data: Record<string, unknown>;
    event_seq: number | null;
  }[],
): Promise<void> {
  if (items.length === 0) return;
  await tx.insert(notifications).values(
    items.map((i) => ({
      id: i.id,
      user_id: userKey(i.user_id),
      type: i.type,
      data: i.data,
      event_seq: i.event_seq,
    })),
  );
}
