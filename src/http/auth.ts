import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Executor } from '../store/database.js';
import { type User, userByToken } from '../store/users.js';
import { fail } from './api-error.js';

export const SESSION_COOKIE = 'tourney_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** How the user was recognised; null when anonymous. */
    authVia: 'bearer' | 'cookie' | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameSite(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    // Host without its port: the orchestrator and the tournament servers (other ports) are one site.
    const hostname = new URL(`http://${host}`).hostname;
    return new URL(origin).hostname === hostname;
  } catch {
    return false;
  }
}

/**
 * Recognises the caller from a Bearer token or the session cookie, both checked
 * against the shared database (SPEC §7). A write authenticated by cookie whose
 * Origin names another site is refused.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { db: Executor; secret: string }) => {
    await app.register(cookie, { secret: opts.secret });
    app.decorateRequest('user', null);
    app.decorateRequest('authVia', null);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header !== undefined) {
        const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header);
        if (!m) fail('unauthorized', undefined, 'Authorization must be "Bearer <token>"');
        const user = await userByToken(opts.db, m[1] as string);
        if (!user) fail('unauthorized', undefined, 'the token is unknown or expired');
        request.user = user;
        request.authVia = 'bearer';
        return;
      }
      const raw = request.cookies[SESSION_COOKIE];
      if (!raw) return;
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid || !unsigned.value) return;
      const user = await userByToken(opts.db, unsigned.value);
      if (!user) return;
      request.user = user;
      request.authVia = 'cookie';
      const origin = request.headers.origin;
      if (
        UNSAFE.has(request.method) &&
        origin !== undefined &&
        !sameSite(origin, request.headers.host)
      ) {
        fail('forbidden', { origin }, 'cross-site request refused');
      }
    });
  },
);

export function requireUser(request: FastifyRequest): User {
  if (!request.user) fail('unauthorized');
  return request.user;
}

/** The session token of a cookie- or bearer-authenticated request. */
export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    signed: true,
    maxAge: 30 * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
