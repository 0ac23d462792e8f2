import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { channels } from '../../bus/bus.js';
import { fail } from '../../http/api-error.js';
import { requireUser } from '../../http/auth.js';
import { LastEventQuery, UserIdParam } from '../../http/schemas.js';
import type { LiveHub } from '../../live/hub.js';
import { serveEventStream } from '../../live/sse.js';
import type { Database } from '../../store/database.js';

/** The orchestrator's own live feeds (SPEC §6): global announcements and a user's notifications. */
export function liveRoutes(deps: { database: Database; hub: LiveHub }) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['live'];
    app.get(
      '/api/v1/events/global',
      {
        schema: {
          tags,
          summary: 'tournament_published and tournament_completed (SSE)',
          querystring: LastEventQuery,
        },
      },
      (request, reply) =>
        serveEventStream(request, reply, {
          hub: deps.hub,
          db: deps.database.db,
          channel: channels.global,
        }),
    );
    app.get(
      '/api/v1/events/user/:id',
      {
        schema: {
          tags,
          summary: "A user's notifications (SSE); that user only",
          params: Type.Object({ id: UserIdParam }),
          querystring: LastEventQuery,
        },
      },
      (request, reply) => {
        const user = requireUser(request);
        if (user.id !== request.params.id && !user.is_admin) fail('forbidden');
        return serveEventStream(request, reply, {
          hub: deps.hub,
          db: deps.database.db,
          channel: channels.user(request.params.id),
        });
      },
    );
  };
}
