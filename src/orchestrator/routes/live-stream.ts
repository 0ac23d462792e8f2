import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { fail } from '../../http/api-error.js';
import { requireUser } from '../../http/auth.js';
import type { LiveHub } from '../../live/hub.js';
import {
  LIVE_PATH,
  LiveMessageData,
  LiveQuery,
  liveChannels,
} from '../../live/live-stream-shape.js';
import { serveMultiplexedStream } from '../../live/multiplexed-sse.js';
import { lastEventIdText } from '../../live/sse.js';
import { parsePositions } from '../../live/stream-position.js';
import type { Database } from '../../store/database.js';
import { loadTournament } from '../../store/tournaments.js';

const DESCRIPTION = `One connection for everything a page shows (browsers open at most six per site).
Channels: \`tournament=t_7\` its events, \`chat=true\` its chat, \`notifications=true\` the
signed-in user's notifications (401 without a user), \`global=true\` the announcements.

Each message: \`event:\` the event's type, \`data:\` the object the channel's own stream sends
plus \`channel\` (\`tournament:t_7:events\`, \`tournament:t_7:chat\`, \`user:u_3:notifications\`,
\`global:announcements\`), \`id:\` the position of every channel after it, e.g.
\`t7e:12,t7c:5,u3n:7,g:3\` (channel token: \`t{n}e\`, \`t{n}c\`, \`u{n}n\`, \`g\`). The stream
starts with an \`id:\` line alone (the starting positions). Reconnecting with that id as
Last-Event-ID (or \`?last_event_id=\`) replays each channel's missed events once, in order; a
channel the id leaves out starts at its newest event. An id that is malformed or names a
channel this stream does not carry is refused (422).`;

/** `GET /api/v1/live`: a page's channels multiplexed on one event stream (issue 13). */
export function liveStreamRoutes(deps: { database: Database; hub: LiveHub }) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const db = deps.database.db;
    app.get(
      LIVE_PATH,
      {
        schema: {
          tags: ['live'],
          summary: "A page's channels on one stream (SSE; composite Last-Event-ID)",
          description: DESCRIPTION,
          security: [{}, { bearer: [] }, { cookie: [] }],
          querystring: LiveQuery,
          response: {
            200: {
              description: 'An event stream; each message data as below',
              content: { 'text/event-stream': { schema: LiveMessageData } },
            },
          },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const user = q.notifications ? requireUser(request) : null;
        const wanted = liveChannels(q, user?.id ?? null);
        if (!wanted.ok) fail('validation_error', { field: wanted.field, reason: wanted.reason });
        const given = lastEventIdText(request);
        const from = given === null ? null : parsePositions(given, wanted.channels);
        if (from && !from.ok)
          fail('validation_error', { field: 'last_event_id', reason: from.reason });
        if (q.tournament !== undefined && !(await loadTournament(db, q.tournament)))
          fail('tournament_not_found', { tournament_id: q.tournament });
        await serveMultiplexedStream(request, reply, {
          hub: deps.hub,
          db,
          channels: wanted.channels,
          from: from?.positions ?? null,
        });
      },
    );
  };
}
