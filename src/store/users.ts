import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { ids } from './ids.js';
import { authTokens, users } from './schema.js';

export interface User {
  id: string;
  username: string;
  is_admin: boolean;
  created_at: string;
}

export interface UserWithHash extends User {
  password_hash: string;
}

const SESSION_DAYS = 30;

function toUser(row: { id: number; username: string; is_admin: boolean; created_at: Date }): User {
  return {
    id: ids.user(row.id),
    username: row.username,
    is_admin: row.is_admin,
    created_at: row.created_at.toISOString(),
  };
}

/** Only a hash of a token is stored: a leaked table gives no usable credential. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Creates a user; null when the name is taken (case-insensitive). */
export async function createUser(
  db: Executor,
  username: string,
  passwordHash: string,
): Promise<User | null> {
  const rows = await db
    .insert(users)
    .values({ username, password_hash: passwordHash })
    .onConflictDoNothing()
    .returning();
  const row = rows[0];
  return row ? toUser(row) : null;
}

export async function findUserForLogin(
  db: Executor,
  username: string,
): Promise<UserWithHash | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.username})`, username.toLowerCase()));
  return row ? { ...toUser(row), password_hash: row.password_hash } : null;
}

export async function findUser(db: Executor, id: number): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ? toUser(row) : null;
}

/** Issues a session/API token for the user; returns the secret, shown once. */
export async function issueToken(
  db: Executor,
  userId: number,
  kind: 'session' | 'api' = 'session',
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(authTokens).values({
    token_hash: hashToken(token),
    user_id: userId,
    kind,
    expires_at: new Date(Date.now() + SESSION_DAYS * 86_400_000),
  });
  return token;
}

export async function userByToken(db: Executor, token: string): Promise<User | null> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      is_admin: users.is_admin,
      created_at: users.created_at,
    })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.user_id))
    .where(and(eq(authTokens.token_hash, hashToken(token)), gt(authTokens.expires_at, sql`now()`)));
  return row ? toUser(row) : null;
}

export async function revokeToken(db: Executor, token: string): Promise<void> {
  await db.delete(authTokens).where(eq(authTokens.token_hash, hashToken(token)));
}
