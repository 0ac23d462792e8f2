import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from './database.js';
import { ids, parseIds } from './ids.js';
import { subscriptions, tournaments } from './schema.js';

/** A user's subscription, with what the dashboard shows of its tournament. */
export interface Subscription {
  tournament_id: string;
  tournament_name: string;
  state: string;
  starts_at: string | null;
  created_at: string;
}

function key(id: string, what: 'tournament' | 'user'): number {
  const n = parseIds[what](id);
  if (n === null) throw new Error(`malformed ${what} id ${id}`);
  return n;
}

const columns = {
  tournament_id: subscriptions.tournament_id,
  tournament_name: tournaments.name,
  state: tournaments.state,
  starts_at: tournaments.starts_at,
  created_at: subscriptions.created_at,
};

function toSubscription(row: {
  tournament_id: number;
  tournament_name: string;
  state: string;
  starts_at: Date | null;
  created_at: Date;
}): Subscription {
  return {
    tournament_id: ids.tournament(row.tournament_id),
    tournament_name: row.tournament_name,
    state: row.state,
    starts_at: row.starts_at ? row.starts_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
  };
}

export async function findSubscription(
  db: Executor,
  userId: string,
  tournamentId: string,
): Promise<Subscription | null> {
  const [row] = await db
    .select(columns)
    .from(subscriptions)
    .innerJoin(tournaments, eq(tournaments.id, subscriptions.tournament_id))
    .where(
      and(
        eq(subscriptions.user_id, key(userId, 'user')),
        eq(subscriptions.tournament_id, key(tournamentId, 'tournament')),
      ),
    );
  return row ? toSubscription(row) : null;
}

/**
 * Subscribes the user; `created` is false when the subscription was already
 * there (subscribing twice is not an error).
 */
export async function subscribe(
  db: Executor,
  userId: string,
  tournamentId: string,
): Promise<{ subscription: Subscription; created: boolean } | null> {
  const inserted = await db
    .insert(subscriptions)
    .values({ user_id: key(userId, 'user'), tournament_id: key(tournamentId, 'tournament') })
    .onConflictDoNothing()
    .returning({ user_id: subscriptions.user_id });
  const subscription = await findSubscription(db, userId, tournamentId);
  return subscription ? { subscription, created: inserted.length > 0 } : null;
}

/** Removes the subscription; false when there was none. */
export async function unsubscribe(
  db: Executor,
  userId: string,
  tournamentId: string,
): Promise<boolean> {
  const removed = await db
    .delete(subscriptions)
    .where(
      and(
        eq(subscriptions.user_id, key(userId, 'user')),
        eq(subscriptions.tournament_id, key(tournamentId, 'tournament')),
      ),
    )
    .returning({ user_id: subscriptions.user_id });
  return removed.length > 0;
}

/** The user's subscriptions, newest first. */
export async function listSubscriptions(
  db: Executor,
  userId: string,
  page: { limit: number; offset: number },
): Promise<Subscription[]> {
  const rows = await db
    .select(columns)
    .from(subscriptions)
    .innerJoin(tournaments, eq(tournaments.id, subscriptions.tournament_id))
    .where(eq(subscriptions.user_id, key(userId, 'user')))
    .orderBy(desc(subscriptions.created_at), desc(subscriptions.tournament_id))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map(toSubscription);
}
