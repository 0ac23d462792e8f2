import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { fail } from '../../http/api-error.js';
import { requireUser } from '../../http/auth.js';
import type { Database } from '../../store/database.js';
import {
  listNotifications,
  markAllRead,
  markRead,
  unreadCount,
} from '../../store/notifications.js';

const NotificationId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/**
 * The caller's stored notifications (match_ready, tournament_starting...): the
 * same ones `GET /api/v1/events/user/:id` streams live. One's own only.
 */
export function notificationRoutes(deps: { database: Database }) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const db = deps.database.db;
    const tags = ['notifications'];
    const security: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];

    app.get(
      '/api/v1/notifications',
      {
        schema: {
          tags,
          security,
          summary: "The caller's notifications, newest first, with the unread count",
          querystring: Type.Object({
            unread: Type.Optional(Type.Boolean({ description: 'true: unread ones only' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            before: Type.Optional(NotificationId),
          }),
        },
      },
      async (request) => {
        const user = requireUser(request);
        const q = request.query;
        return listNotifications(db, user.id, {
          unreadOnly: q.unread === true,
          limit: q.limit ?? 50,
          before: q.before,
        });
      },
    );

    app.post(
      '/api/v1/notifications/:id/read',
      {
        schema: {
          tags,
          security,
          summary: 'Mark one notification read',
          params: Type.Object({ id: NotificationId }),
        },
      },
      async (request) => {
        const user = requireUser(request);
        const note = await markRead(db, user.id, request.params.id);
        // Another user's notification is as unknown as a missing one.
        if (!note) fail('notification_not_found', { notification_id: request.params.id });
        return note;
      },
    );

    app.post(
      '/api/v1/notifications/read-all',
      { schema: { tags, security, summary: "Mark all of the caller's notifications read" } },
      async (request) => {
        const user = requireUser(request);
        const marked = await markAllRead(db, user.id);
        return { marked, unread: await unreadCount(db, user.id) };
      },
    );
  };
}
