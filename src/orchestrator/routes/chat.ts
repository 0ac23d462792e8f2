import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { channels } from '../../bus/bus.js';
import { allowedActions } from '../../domain/state-machine.js';
import { fail } from '../../http/api-error.js';
import { requireUser } from '../../http/auth.js';
import { LastEventQuery, TournamentId } from '../../http/schemas.js';
import type { LiveHub } from '../../live/hub.js';
import type { Outbox } from '../../live/outbox.js';
import { serveEventStream } from '../../live/sse.js';
import { chatHistory, insertChatMessage } from '../../store/chat.js';
import type { Database } from '../../store/database.js';
import { loadTournament } from '../../store/tournaments.js';

/** Longest message, in characters, once trimmed. */
export const CHAT_MAX_CHARS = 500;

export interface ChatRoutesOptions {
  database: Database;
  outbox: Outbox;
  hub: LiveHub;
  /** Messages a user may post per window (SPEC §7: chat is rate limited). */
  rateLimit?: { max: number; windowMs: number };
}

const Params = Type.Object({ id: TournamentId });

/**
 * A tournament's chat (SPEC §5, §6): history from `chat_messages`, each new
 * message committed with its `chat_message` event on `tournament:{id}:chat`.
 *
 * Posting is refused in DRAFT with 409 `invalid_transition` (action `chat`),
 * as every request about a tournament is checked against its state first
 * (SPEC §5); reading and listening are allowed in every state.
 */
export function chatRoutes(o: ChatRoutesOptions) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    await app.register(rateLimit, { global: false });
    const db = o.database.db;
    const tags = ['chat'];
    const limit = o.rateLimit ?? { max: 10, windowMs: 10_000 };

    const load = async (id: string) => {
      const stored = await loadTournament(db, id);
      if (!stored) fail('tournament_not_found', { tournament_id: id });
      return stored;
    };

    app.get(
      '/api/v1/tournaments/:id/chat',
      {
        schema: {
          tags,
          summary: 'Chat history, newest last; `before` (a message id) pages back',
          params: Params,
          querystring: Type.Object({
            before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          }),
        },
      },
      async (request) => {
        await load(request.params.id);
        const q = request.query;
        return {
          messages: await chatHistory(db, request.params.id, {
            before: q.before,
            limit: q.limit ?? 50,
          }),
        };
      },
    );

    app.post(
      '/api/v1/tournaments/:id/chat',
      {
        config: {
          rateLimit: {
            max: limit.max,
            timeWindow: limit.windowMs,
            // After authentication and validation: a user's own messages count, per user.
            hook: 'preHandler',
            keyGenerator: (request: FastifyRequest) => request.user?.id ?? `ip:${request.ip}`,
          },
        },
        schema: {
          tags,
          security: [{ bearer: [] }, { cookie: [] }],
          summary: `Post a message (1-${CHAT_MAX_CHARS} characters once trimmed); rate limited per user`,
          params: Params,
          body: Type.Object(
            { body: Type.String({ minLength: 1, maxLength: 4 * CHAT_MAX_CHARS }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const stored = await load(request.params.id);
        const state = stored.agg.state;
        if (state === 'DRAFT')
          fail('invalid_transition', {
            state,
            action: 'chat',
            allowed: [...allowedActions(state)],
          });
        const body = request.body.body.trim();
        const length = [...body].length;
        if (length < 1 || length > CHAT_MAX_CHARS) {
          fail('validation_error', {
            field: 'body.body',
            reason: length < 1 ? 'is empty' : `is longer than ${CHAT_MAX_CHARS} characters`,
          });
        }
        const { value: message } = await o.outbox.commit(async (tx) => {
          const m = await insertChatMessage(tx, {
            tournament_id: stored.agg.id,
            user_id: user.id,
            username: user.username,
            body,
          });
          // `id` would clash with the event's own id on the wire: the message's is `message_id`.
          const { id: message_id, ...rest } = m;
          return {
            value: m,
            events: [
              {
                channel: channels.chat(stored.agg.id),
                type: 'chat_message',
                data: { type: 'chat_message', message_id, ...rest, timestamp: m.created_at },
              },
            ],
          };
        });
        return reply.status(201).send(message);
      },
    );

    app.get(
      '/api/v1/tournaments/:id/chat/events',
      {
        schema: {
          tags,
          summary:
            "The tournament's chat messages live (SSE; Last-Event-ID replays what was missed)",
          params: Params,
          querystring: LastEventQuery,
        },
      },
      async (request, reply) => {
        const stored = await load(request.params.id);
        await serveEventStream(request, reply, {
          hub: o.hub,
          db,
          channel: channels.chat(stored.agg.id),
        });
      },
    );
  };
}
