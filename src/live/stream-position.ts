/**
 * The position of a multiplexed live stream: for each of its channels, the id
 * of the last event it sent. It is each message's SSE `id:`, so that the
 * browser's own reconnect (`Last-Event-ID`) resumes every channel where it
 * stopped.
 *
 * Written `t7e:12,t7c:5,u3n:7,g:3`: one `token:id` pair per channel, in the
 * stream's order. A token names its channel whole (tournament or user id
 * included), so an id given to a stream of other channels (another
 * tournament, another user) is refused instead of silently skipping or
 * repeating events. Shared by the orchestrator and the web app.
 */

/** Channel id of the last event sent, by channel name. */
export type Positions = ReadonlyMap<string, number>;

/** Longest accepted composite id: four channels with 15-digit ids fit well within it. */
export const MAX_POSITION_LENGTH = 200;

const CHANNEL = /^(?:tournament:t_(\d{1,9}):(events|chat)|user:u_(\d{1,9}):notifications)$/;
const TOKEN = /^(?:t(\d{1,9})([ec])|u(\d{1,9})n|g)$/;
const PAIR = /^([a-z0-9]{1,12}):(\d{1,15})$/;

/** A channel's token in a composite id; null for a channel a live stream does not carry. */
export function channelToken(channel: string): string | null {
  if (channel === 'global:announcements') return 'g';
  const m = CHANNEL.exec(channel);
  if (!m) return null;
  if (m[1] !== undefined) return `t${m[1]}${m[2] === 'events' ? 'e' : 'c'}`;
  return `u${m[3]}n`;
}

/** The channel a token names, or null. */
export function tokenChannel(token: string): string | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  if (m[1] !== undefined) return `tournament:t_${m[1]}:${m[2] === 'e' ? 'events' : 'chat'}`;
  if (m[3] !== undefined) return `user:u_${m[3]}:notifications`;
  return 'global:announcements';
}

/** The composite id of `channels` (in that order), leaving out those with no known position. */
export function formatPositions(channels: readonly string[], positions: Positions): string {
  const pairs: string[] = [];
  for (const channel of channels) {
    const token = channelToken(channel);
    const seq = positions.get(channel);
    if (token !== null && seq !== undefined) pairs.push(`${token}:${seq}`);
  }
  return pairs.join(',');
}

export type ParsedPositions =
  | { ok: true; positions: Map<string, number> }
  | { ok: false; reason: string };

/**
 * Reads a composite id given to a stream of `channels`. Each pair must name a
 * channel of the stream, once; a channel it does not name starts at its
 * newest event, as a stream without a last id does (how a client adds a
 * channel while keeping the others' places).
 */
export function parsePositions(text: string, channels: readonly string[]): ParsedPositions {
  if (text.length > MAX_POSITION_LENGTH)
    return { ok: false, reason: `is longer than ${MAX_POSITION_LENGTH} characters` };
  const positions = new Map<string, number>();
  for (const pair of text.split(',')) {
    const m = PAIR.exec(pair);
    if (!m) return { ok: false, reason: `"${pair.slice(0, 40)}" is not a channel:id pair` };
    const token = m[1] as string;
    const channel = tokenChannel(token);
    if (channel === null || !channels.includes(channel))
      return { ok: false, reason: `"${token}" is not a channel of this stream` };
    if (positions.has(channel)) return { ok: false, reason: `"${token}" is given twice` };
    positions.set(channel, Number(m[2]));
  }
  return { ok: true, positions };
}
