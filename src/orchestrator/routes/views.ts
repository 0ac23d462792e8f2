import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { LiveHub } from '../../live/hub.js';
import type { Database } from '../../store/database.js';
import { leaderboard, platformCounts } from '../../store/views.js';

/** Aggregate views across tournaments (SPEC §1): the home page's numbers and the leaderboard. */
export function viewRoutes(deps: { database: Database; hub: LiveHub }) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['views'];

    app.get(
      '/api/v1/stats',
      {
        schema: {
          tags,
          summary:
            'Tournaments by state, teams, matches played, and live viewers (open SSE connections)',
        },
      },
      async () => ({
        ...(await platformCounts(deps.database.db)),
        live_viewers: deps.hub.connections,
      }),
    );

    app.get(
      '/api/v1/leaderboard',
      {
        schema: {
          tags,
          summary:
            'Captains ranked by titles, then by match wins (walkovers excluded), across tournaments',
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          }),
        },
      },
      async (request) => ({
        leaderboard: await leaderboard(deps.database.db, request.query.limit ?? 20),
      }),
    );
  };
}
