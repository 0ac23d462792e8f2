import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { fail } from '../../http/api-error.js';
import { requireUser } from '../../http/auth.js';
import { TournamentId } from '../../http/schemas.js';
import type { Database } from '../../store/database.js';
import { listSubscriptions, subscribe, unsubscribe } from '../../store/subscriptions.js';
import { loadTournament } from '../../store/tournaments.js';

/**
 * A signed-in user follows tournaments (SPEC §1 "subscriptions"): the
 * dashboard lists them and their subscribers get `tournament_starting`.
 */
export function subscriptionRoutes(deps: { database: Database }) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const db = deps.database.db;
    const tags = ['subscriptions'];
    const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];

    const mustExist = async (id: string) => {
      if (!(await loadTournament(db, id))) fail('tournament_not_found', { tournament_id: id });
    };

    app.post(
      '/api/v1/subscriptions',
      {
        schema: {
          tags,
          security,
          summary: 'Subscribe to a tournament (201; 200 when already subscribed)',
          body: Type.Object({ tournament_id: TournamentId }, { additionalProperties: false }),
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const id = request.body.tournament_id;
        await mustExist(id);
        const r = await subscribe(db, user.id, id);
        // The tournament was deleted between the check and the insert.
        if (!r) fail('tournament_not_found', { tournament_id: id });
        return reply.status(r.created ? 201 : 200).send(r.subscription);
      },
    );

    app.get(
      '/api/v1/subscriptions',
      {
        schema: {
          tags,
          security,
          summary: "The caller's subscriptions, newest first",
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
          }),
        },
      },
      async (request) => {
        const user = requireUser(request);
        const page = { limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 };
        return { subscriptions: await listSubscriptions(db, user.id, page) };
      },
    );

    app.delete(
      '/api/v1/subscriptions/:tournament_id',
      {
        schema: {
          tags,
          security,
          summary: 'Unsubscribe from a tournament',
          params: Type.Object({ tournament_id: TournamentId }),
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const id = request.params.tournament_id;
        await mustExist(id);
        if (!(await unsubscribe(db, user.id, id)))
          fail('subscription_not_found', { tournament_id: id });
        return reply.status(204).send();
      },
    );
  };
}
