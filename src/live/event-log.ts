import { and, asc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Executor } from '../store/database.js';
import { channels, events } from '../store/schema.js';

/** An event bound for a channel, not yet numbered. */
export interface OutgoingEvent {
  channel: string;
  type: string;
  data: Record<string, unknown>;
}

/** An event of the log: `seq` increases per channel and is the SSE `id`. */
export interface LoggedEvent extends OutgoingEvent {
  seq: number;
}

/**
 * Appends events in the caller's transaction. Channels are numbered in name
 * order so two transactions never wait on each other's channel rows in a cycle.
 */
export async function appendEvents(
  tx: Executor,
  items: readonly OutgoingEvent[],
): Promise<LoggedEvent[]> {
  if (items.length === 0) return [];
  const byChannel = new Map<string, OutgoingEvent[]>();
  for (const item of items) {
    const list = byChannel.get(item.channel);
    if (list) list.push(item);
    else byChannel.set(item.channel, [item]);
  }
  const numbered = new Map<OutgoingEvent, number>();
  for (const name of [...byChannel.keys()].sort()) {
    const list = byChannel.get(name) as OutgoingEvent[];
    const [row] = await tx
      .insert(channels)
      .values({ name, last_seq: list.length })
      .onConflictDoUpdate({
        target: channels.name,
        set: { last_seq: sql`${channels.last_seq} + ${list.length}` },
      })
      .returning({ last: channels.last_seq });
    const first = (row as { last: number }).last - list.length + 1;
    for (const [i, item] of list.entries()) numbered.set(item, first + i);
  }
  const logged = items.map((item) => ({ ...item, seq: numbered.get(item) as number }));
  await tx
    .insert(events)
    .values(logged.map((e) => ({ channel: e.channel, seq: e.seq, type: e.type, data: e.data })));
  return logged;
}

/** Events of a channel after `afterSeq`, oldest first. */
export async function readEventsSince(
  db: Executor,
  channel: string,
  afterSeq: number,
  limit = 500,
): Promise<LoggedEvent[]> {
  const rows = await db
    .select({ channel: events.channel, seq: events.seq, type: events.type, data: events.data })
    .from(events)
    .where(and(eq(events.channel, channel), gt(events.seq, afterSeq)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows as LoggedEvent[];
}

/** The channel's newest id, 0 when it has none. */
export async function lastEventSeq(db: Executor, channel: string): Promise<number> {
  const [row] = await db
    .select({ last: channels.last_seq })
    .from(channels)
    .where(eq(channels.name, channel));
  return row?.last ?? 0;
}

/** The newest id of each of the given channels; a channel without events is absent. */
export async function lastEventSeqs(
  db: Executor,
  names: readonly string[],
): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .select({ name: channels.name, last: channels.last_seq })
    .from(channels)
    .where(inArray(channels.name, [...names]));
  return new Map(rows.map((r) => [r.name, r.last]));
}

/** Events committed but not yet known to be published, older than `before`. */
export async function unpublishedEvents(
  db: Db,
  before: Date,
  limit = 1000,
): Promise<LoggedEvent[]> {
  const rows = await db
    .select({ channel: events.channel, seq: events.seq, type: events.type, data: events.data })
    .from(events)
    .where(and(isNull(events.published_at), lt(events.created_at, before)))
    .orderBy(asc(events.created_at), asc(events.channel), asc(events.seq))
    .limit(limit);
  return rows as LoggedEvent[];
}

export async function markPublished(db: Db, published: readonly LoggedEvent[]): Promise<void> {
  const byChannel = new Map<string, number[]>();
  for (const e of published) {
    const list = byChannel.get(e.channel);
    if (list) list.push(e.seq);
    else byChannel.set(e.channel, [e.seq]);
  }
  for (const [channel, seqs] of byChannel) {
    await db
      .update(events)
      .set({ published_at: sql`now()` })
      .where(
        and(eq(events.channel, channel), inArray(events.seq, seqs), isNull(events.published_at)),
      );
  }
}

/** The message carried on the bus: the event's data with its id, as seed subscribers expect. */
export function encodeMessage(e: LoggedEvent): string {
  return JSON.stringify({ id: e.seq, type: e.type, ...e.data });
}

export function decodeMessage(channel: string, raw: string): LoggedEvent | null {
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    const { id, ...data } = parsed;
    if (typeof id !== 'number' || typeof data.type !== 'string') return null;
    return { channel, seq: id, type: data.type, data };
  } catch {
    return null;
  }
}
