import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import { ids, parseIds } from './ids.js';
import { chatMessages, users } from './schema.js';

/** A chat message as the API shows it. */
export interface ChatMessage {
  id: number;
  tournament_id: string;
  user_id: string;
  username: string;
  body: string;
  created_at: string;
}

function key(id: string, what: 'tournament' | 'user'): number {
  const n = parseIds[what](id);
  if (n === null) throw new Error(`malformed ${what} id ${id}`);
  return n;
}

/** Stores a message; the caller publishes it in the same transaction (outbox). */
export async function insertChatMessage(
  tx: Executor,
  m: { tournament_id: string; user_id: string; username: string; body: string },
): Promise<ChatMessage> {
  const [row] = await tx
    .insert(chatMessages)
    .values({
      tournament_id: key(m.tournament_id, 'tournament'),
      user_id: key(m.user_id, 'user'),
      body: m.body,
    })
    .returning();
  const r = row as typeof chatMessages.$inferSelect;
  return {
    id: r.id,
    tournament_id: m.tournament_id,
    user_id: m.user_id,
    username: m.username,
    body: r.body,
    created_at: r.created_at.toISOString(),
  };
}

/** The newest `limit` messages before `before` (a message id), oldest first. */
export async function chatHistory(
  db: Executor,
  tournamentId: string,
  q: { before?: number; limit: number },
): Promise<ChatMessage[]> {
  const where: SQL[] = [eq(chatMessages.tournament_id, key(tournamentId, 'tournament'))];
  if (q.before !== undefined) where.push(lt(chatMessages.id, q.before));
  const rows = await db
    .select({
      id: chatMessages.id,
      user_id: chatMessages.user_id,
      username: users.username,
      body: chatMessages.body,
      created_at: chatMessages.created_at,
    })
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.user_id))
    .where(and(...where))
    .orderBy(desc(chatMessages.id))
    .limit(q.limit);
  return rows.reverse().map((r) => ({
    id: r.id,
    tournament_id: tournamentId,
    user_id: ids.user(r.user_id),
    username: r.username,
    body: r.body,
    created_at: r.created_at.toISOString(),
  }));
}
