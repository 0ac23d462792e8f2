/**
 * Readers for the feeds whose endpoints are newer than the pages (notifications,
 * subscriptions, chat, leaderboard, the global announcements). They accept the
 * documented shapes and a few reasonable variants, and never throw: a feed
 * that does not parse shows as empty rather than breaking the page.
 */

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The list in `{key: [...]}` or a bare array. */
function listOf(raw: unknown, key: string): Raw[] {
  const list = Array.isArray(raw) ? raw : isRecord(raw) ? raw[key] : null;
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** An item's fields, with those of a nested `data`/`payload` object brought up. */
function flatten(item: Raw): Raw {
  const inner = isRecord(item.data) ? item.data : isRecord(item.payload) ? item.payload : {};
  return { ...inner, ...item };
}

const humanize = (type: string) => type.replaceAll('_', ' ');

export interface FeedText {
  text: string;
  tournamentId: string | null;
}

/** What a notification on the user channel says (SPEC §6 `match_ready`, `tournament_starting`). */
export function describeNotification(type: string, data: Raw): FeedText {
  const tournamentId = str(data.tournament_id);
  switch (type) {
    case 'match_ready': {
      const round = num(data.round);
      const opponent = str(data.opponent) ?? 'your opponent';
      return {
        text: `Your match against ${opponent} is ready${round ? ` (round ${round})` : ''}.`,
        tournamentId,
      };
    }
    case 'tournament_starting': {
      const name = str(data.tournament_name) ?? 'A tournament you follow';
      const minutes = num(data.starts_in_minutes);
      return { text: `${name} starts in ${minutes ?? 'a few'} minutes.`, tournamentId };
    }
    default: {
      const name = str(data.tournament_name);
      return { text: `${humanize(type)}${name ? `: ${name}` : ''}`, tournamentId };
    }
  }
}

/** What an announcement on the global channel says (SPEC §6). */
export function describeAnnouncement(type: string, data: Raw): FeedText {
  const tournamentId = str(data.tournament_id);
  const name = str(data.tournament_name) ?? tournamentId ?? 'A tournament';
  switch (type) {
    case 'tournament_published':
      return {
        text: `${name} is open for registration (${humanize(str(data.format) ?? 'tournament')}).`,
        tournamentId,
      };
    case 'tournament_completed': {
      const winner = str(data.winner_name) ?? str(data.winner);
      return {
        text: winner ? `${name} is complete: ${winner} won.` : `${name} is complete.`,
        tournamentId,
      };
    }
    default:
      return { text: `${humanize(type)}: ${name}`, tournamentId };
  }
}

export interface NotificationItem extends FeedText {
  key: string;
  /** The id to mark it read with; null for one seen only live. */
  id: string | null;
  type: string;
  read: boolean;
  at: string | null;
}

/** The unread count the API gives with the list, when it does. */
export function unreadCountOf(raw: unknown): number | null {
  return isRecord(raw) ? num(raw.unread) : null;
}

export function parseNotifications(raw: unknown): NotificationItem[] {
  return listOf(raw, 'notifications').map((item, i) => {
    const flat = flatten(item);
    const type = str(flat.type) ?? 'notification';
    const id = str(item.id);
    return {
      ...describeNotification(type, flat),
      key: id ?? `n${i}`,
      id,
      type,
      read: item.read === true || (item.read_at !== undefined && item.read_at !== null),
      at: str(flat.created_at) ?? str(flat.timestamp),
    };
  });
}

/** A notification that arrived over SSE (`id` is the event id). */
export function notificationFromEvent(
  type: string,
  data: unknown,
  eventId: string,
): NotificationItem {
  const flat = isRecord(data) ? data : {};
  return {
    ...describeNotification(type, flat),
    key: `live-${eventId}`,
    id: null,
    type,
    read: false,
    at: str(flat.timestamp),
  };
}

export interface SubscriptionItem {
  tournamentId: string;
  name: string | null;
  state: string | null;
}

export function parseSubscriptions(raw: unknown): SubscriptionItem[] {
  return listOf(raw, 'subscriptions').flatMap((item) => {
    const t = isRecord(item.tournament) ? item.tournament : {};
    const tournamentId = str(item.tournament_id) ?? str(t.id);
    if (!tournamentId) return [];
    return [
      {
        tournamentId,
        name: str(item.tournament_name) ?? str(t.name),
        state: str(item.state) ?? str(t.state),
      },
    ];
  });
}

export interface ChatMessage {
  key: string;
  author: string;
  body: string;
  at: string | null;
}

function chatMessage(item: Raw, fallbackKey: string): ChatMessage | null {
  const flat = flatten(item);
  const body = str(flat.body) ?? str(flat.message);
  if (body === null) return null;
  return {
    // A live chat event's own `id` is the event's; the message's is `message_id`.
    key: str(flat.message_id) ?? str(flat.id) ?? fallbackKey,
    author:
      str(flat.username) ??
      str(flat.user_name) ??
      str(flat.author) ??
      str(flat.user_id) ??
      'someone',
    body,
    at: str(flat.created_at) ?? str(flat.timestamp),
  };
}

export function parseChat(raw: unknown): ChatMessage[] {
  return listOf(raw, 'messages').flatMap((item, i) => chatMessage(item, `c${i}`) ?? []);
}

export function chatFromEvent(data: unknown, eventId: string): ChatMessage | null {
  return isRecord(data) ? chatMessage(data, `live-${eventId}`) : null;
}

export interface LeaderRow {
  key: string;
  rank: number;
  name: string;
  detail: string;
}

export function parseLeaderboard(raw: unknown): LeaderRow[] {
  const list = listOf(raw, 'leaderboard');
  const rows = list.length > 0 ? list : listOf(raw, 'entries');
  return rows.map((item, i) => {
    const name =
      str(item.username) ?? str(item.name) ?? str(item.team_name) ?? str(item.user_id) ?? '?';
    const parts: string[] = [];
    for (const field of ['titles', 'match_wins', 'wins', 'points', 'tournaments_played']) {
      const n = num(item[field]);
      if (n !== null) parts.push(`${n} ${humanize(field)}`);
    }
    return { key: `${name}-${i}`, rank: num(item.rank) ?? i + 1, name, detail: parts.join(', ') };
  });
}
