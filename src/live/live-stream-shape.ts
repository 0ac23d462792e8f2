/**
 * The wire shape of the multiplexed live stream, `GET /api/v1/live` (issue 13:
 * one stream per page, as browsers open at most six HTTP/1.1 connections per
 * site). One definition for the orchestrator's route and the web app.
 */
import { type Static, Type } from 'typebox';
import { channels } from '../bus/bus.js';
import { TournamentId } from '../http/schemas.js';
import { MAX_POSITION_LENGTH } from './stream-position.js';

export const LIVE_PATH = '/api/v1/live';

export const LiveQuery = Type.Object(
  {
    /** This tournament's events (`tournament:{id}:events`). */
    tournament: Type.Optional(TournamentId),
    chat: Type.Optional(
      Type.Boolean({ description: "true: the tournament's chat too (`tournament:{id}:chat`)" }),
    ),
    notifications: Type.Optional(
      Type.Boolean({
        description: "true: the signed-in user's notifications (`user:{id}:notifications`)",
      }),
    ),
    global: Type.Optional(
      Type.Boolean({ description: 'true: the global announcements (`global:announcements`)' }),
    ),
    last_event_id: Type.Optional(
      Type.String({
        maxLength: MAX_POSITION_LENGTH,
        description:
          'Where to resume, as the Last-Event-ID header: a message id, `t7e:12,t7c:5,u3n:7,g:3`',
      }),
    ),
  },
  { additionalProperties: false },
);
export type LiveQuery = Static<typeof LiveQuery>;

/**
 * The data of each message: the object the channel's own stream sends (with
 * its `id` in the channel and its `type`, also the message's `event:`), plus
 * the channel it comes from.
 */
export const LiveMessageData = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: "The event's id in its channel" }),
    type: Type.String({ description: "The event's type, as the message's `event:`" }),
    channel: Type.String({ description: 'e.g. `tournament:t_7:events`' }),
  },
  { additionalProperties: true },
);
export type LiveMessageData = Static<typeof LiveMessageData> & Record<string, unknown>;

/**
 * Whether parsed message data has the schema's fields: the web app's check,
 * where a schema validator would weigh on the bundle (and compiled ones need
 * `unsafe-eval`, which the pages' CSP refuses).
 */
export function isLiveMessageData(v: unknown): v is LiveMessageData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    Number.isInteger(d.id) &&
    (d.id as number) >= 1 &&
    typeof d.type === 'string' &&
    typeof d.channel === 'string'
  );
}

export type LiveChannels =
  | { ok: true; channels: string[] }
  | { ok: false; field: string; reason: string };

/**
 * The channels a query asks for, in the stream's fixed order (tournament
 * events, chat, notifications, announcements); `userId` is the signed-in
 * user's, needed only for notifications.
 */
export function liveChannels(q: LiveQuery, userId: string | null): LiveChannels {
  const list: string[] = [];
  if (q.tournament !== undefined) list.push(channels.tournament(q.tournament));
  if (q.chat) {
    if (q.tournament === undefined)
      return { ok: false, field: 'querystring.chat', reason: 'needs a tournament' };
    list.push(channels.chat(q.tournament));
  }
  if (q.notifications) {
    if (userId === null)
      return { ok: false, field: 'querystring.notifications', reason: 'needs a signed-in user' };
    list.push(channels.user(userId));
  }
  if (q.global) list.push(channels.global);
  if (list.length === 0) return { ok: false, field: 'querystring', reason: 'names no channel' };
  return { ok: true, channels: list };
}

/**
 * The query of a stream carrying `wanted` channels (names as SPEC §6), and the
 * channels it carries: all of them, but for a second tournament's (a stream
 * follows one). Chat alone brings the tournament's events along.
 */
export function liveQueryOf(wanted: Iterable<string>): { query: LiveQuery; carried: string[] } {
  const list = [...wanted];
  const query: LiveQuery = {};
  for (const channel of list) {
    const t = /^tournament:(t_\d{1,9}):(events|chat)$/.exec(channel);
    if (t) {
      if (query.tournament !== undefined && query.tournament !== t[1]) continue;
      query.tournament = t[1];
      if (t[2] === 'chat') query.chat = true;
    } else if (/^user:u_\d{1,9}:notifications$/.test(channel)) query.notifications = true;
    else if (channel === channels.global) query.global = true;
  }
  const userId = list.find((c) => c.startsWith('user:'))?.split(':')[1] ?? null;
  const carried = liveChannels(query, userId);
  return { query, carried: carried.ok ? carried.channels : [] };
}

/** The stream's address for a query, its parameters in one order (the same channels, the same address). */
export function liveUrl(query: LiveQuery): string {
  const params = new URLSearchParams();
  for (const key of ['tournament', 'chat', 'notifications', 'global', 'last_event_id'] as const) {
    const value = query[key];
    if (value !== undefined && value !== false) params.set(key, String(value));
  }
  return `${LIVE_PATH}?${params}`;
}
