import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../http/api-error.js';
import type { Executor } from '../store/database.js';
import { ChannelCursor } from './channel-cursor.js';
import type { LoggedEvent } from './event-log.js';
import type { LiveHub } from './hub.js';
import { drained, startEventStream } from './sse.js';
import { formatPositions, type Positions } from './stream-position.js';

export interface MultiplexOptions {
  hub: LiveHub;
  db: Executor;
  /** The stream's channels, in the order of its composite id. */
  channels: readonly string[];
  /** Where the client stopped (its composite Last-Event-ID), null for a new client. */
  from: Positions | null;
  heartbeatMs?: number;
  retryMs?: number;
  /** A client whose unsent output passes this is disconnected; it replays on reconnect. */
  maxBufferedBytes?: number;
}

/**
 * The part of a message that is the same for every client (its `event:` and
 * `data:` lines, the data tagged with its channel), built once per event: the
 * hub gives the same object to every stream. Only the `id:` line, every
 * channel's position, is the client's own.
 */
const bodies = new WeakMap<LoggedEvent, string>();

function messageBody(e: LoggedEvent): string {
  const known = bodies.get(e);
  if (known !== undefined) return known;
  const body = `event: ${e.type}\ndata: ${JSON.stringify({ id: e.seq, ...e.data, channel: e.channel })}\n\n`;
  bodies.set(e, body);
  return body;
}

/**
 * Serves several channels as one `text/event-stream`, each through its own
 * {@link ChannelCursor} (so each has the single-channel stream's guarantees:
 * every event once, in order, no gap). Each message's `id:` is the position of
 * every channel after it (stream-position.ts), so a reconnect resumes each
 * channel where it stopped, including one that had no event since.
 *
 * Right after the head, an `id:` line alone gives the starting positions:
 * EventSource takes an id without dispatching anything when a message has no
 * data (WHATWG HTML, "dispatch the event", step 1), so a client that breaks
 * off before any event still resumes exactly.
 */
export async function serveMultiplexedStream(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: MultiplexOptions,
): Promise<void> {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const res = reply.raw;

  let closed = false;
  opts.hub.connections++;
  let heartbeat: NodeJS.Timeout | undefined;
  const positions = new Map<string, number>();
  const idNow = () => {
    for (const c of cursors) positions.set(c.channel, c.lastSent);
    return formatPositions(opts.channels, positions);
  };

  const close = () => {
    if (closed) return;
    closed = true;
    opts.hub.connections--;
    clearInterval(heartbeat);
    for (const c of cursors) c.close();
    if (!res.destroyed && res.headersSent) res.end();
  };

  const cursors = opts.channels.map(
    (channel) =>
      new ChannelCursor(opts.hub, opts.db, channel, opts.from?.get(channel) ?? null, {
        write: (e) => {
          if (closed) return;
          res.write(`id: ${idNow()}\n${messageBody(e)}`);
          if (res.writableLength > maxBuffered) {
            request.log.info({ channels: opts.channels }, 'SSE client too slow; disconnected');
            res.destroy();
            close();
          }
        },
        drained: () => drained(res),
        failed: (err, what) => {
          request.log.warn({ err: err.message, channel }, what);
          close();
        },
      }),
  );
  res.on('close', close);
  res.on('error', close);

  // Every channel's starting point is fixed before the client hears 200.
  try {
    await Promise.all(cursors.map((c) => c.ready()));
  } catch (err) {
    request.log.warn({ err: (err as Error).message, channels: opts.channels }, 'SSE start failed');
    close();
    fail('service_unavailable', { channels: opts.channels }, 'live events are unavailable');
  }
  reply.hijack();
  if (closed) return;
  startEventStream(res, opts.retryMs);
  res.write(`id: ${idNow()}\n\n`);
  heartbeat = setInterval(() => {
    if (closed) return;
    res.write(': heartbeat\n\n');
    for (const c of cursors) c.check();
  }, heartbeatMs);
  heartbeat.unref();

  try {
    await Promise.all(cursors.map((c) => c.replay()));
  } catch (err) {
    request.log.warn({ err: (err as Error).message }, 'SSE replay failed');
    close();
  }
}
