import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { hash, verify } from '@node-rs/argon2';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { fail } from '../../http/api-error.js';
import { clearSessionCookie, requireUser, setSessionCookie, tokenOf } from '../../http/auth.js';
import type { Database } from '../../store/database.js';
import { parseIds } from '../../store/ids.js';
import {
  createUser,
  findUserForLogin,
  issueToken,
  revokeToken,
  type User,
} from '../../store/users.js';

const Credentials = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' }),
    password: Type.String({ minLength: 8, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/** Verifying against a real hash of nothing keeps an unknown user as slow as a wrong password. */
let decoyHash: Promise<string> | undefined;

const userJson = (u: User) => ({
  id: u.id,
  username: u.username,
  is_admin: u.is_admin,
  created_at: u.created_at,
});

export function authRoutes(deps: { database: Database; authLimit: number }) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    await app.register(rateLimit, { global: false });
    const limited = { rateLimit: { max: deps.authLimit, timeWindow: 60_000 } };
    const tags = ['auth'];

    app.post(
      '/api/v1/auth/register',
      {
        config: limited,
        schema: { tags, summary: 'Create an account and sign in', body: Credentials },
      },
      async (request, reply) => {
        const { username, password } = request.body;
        const user = await createUser(deps.database.db, username, await hash(password));
        if (!user) fail('username_taken', { username });
        const token = await issueToken(deps.database.db, parseIds.user(user.id) as number);
        setSessionCookie(request, reply, token);
        return reply.status(201).send({ user: userJson(user), token });
      },
    );

    app.post(
      '/api/v1/auth/login',
      {
        config: limited,
        schema: {
          tags,
          summary: 'Sign in; sets the session cookie and returns a token',
          body: Credentials,
        },
      },
      async (request, reply) => {
        const { username, password } = request.body;
        const found = await findUserForLogin(deps.database.db, username);
        decoyHash ??= hash('not a password of anyone');
        const ok = await verify(found?.password_hash ?? (await decoyHash), password).catch(
          () => false,
        );
        // The same answer for an unknown user and a wrong password.
        if (!found || !ok) fail('invalid_credentials');
        const token = await issueToken(deps.database.db, parseIds.user(found.id) as number);
        setSessionCookie(request, reply, token);
        const { password_hash: _h, ...user } = found;
        return { user: userJson(user), token };
      },
    );

    app.post(
      '/api/v1/auth/logout',
      { schema: { tags, summary: 'Sign out (revokes the token or session)' } },
      async (request, reply) => {
        const token = tokenOf(request);
        if (token) await revokeToken(deps.database.db, token);
        clearSessionCookie(reply);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/auth/me',
      { schema: { tags, summary: 'The signed-in user' } },
      async (request) => {
        return { user: userJson(requireUser(request)) };
      },
    );
  };
}
