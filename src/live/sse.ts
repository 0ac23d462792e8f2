import type { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../http/api-error.js';
import type { Executor } from '../store/database.js';
import { ChannelCursor } from './channel-cursor.js';
import type { LoggedEvent } from './event-log.js';
import type { LiveHub } from './hub.js';

export interface SseOptions {
  hub: LiveHub;
  db: Executor;
  channel: string;
  heartbeatMs?: number;
  retryMs?: number;
  /** A client whose unsent output passes this is disconnected; it replays on reconnect. */
  maxBufferedBytes?: number;
  /** Called once the stream has ended, whatever the reason. */
  onClose?: () => void;
}

/** What a reconnecting client gives as its last id (`Last-Event-ID` header, else `?last_event_id=`), or null. */
export function lastEventIdText(request: FastifyRequest): string | null {
  const header = request.headers['last-event-id'];
  const query = (request.query as Record<string, unknown> | undefined)?.last_event_id;
  const raw = typeof header === 'string' && header !== '' ? header : query;
  return raw === undefined || raw === null || raw === '' ? null : String(raw);
}

/** The id a reconnecting client gives (`Last-Event-ID` header or `?last_event_id=`), or null. */
export function lastEventIdOf(request: FastifyRequest): number | null {
  const text = lastEventIdText(request);
  if (text === null) return null;
  if (!/^\d{1,15}$/.test(text)) {
    fail(
      'validation_error',
      { field: 'last_event_id' },
      'last_event_id must be a non-negative integer',
    );
  }
  return Number(text);
}

/**
 * One message's bytes, built once per event and written as they are to every
 * client of its channel: `body` is the SSE message (`id:`, `event:`, `data:`),
 * `chunk` the same bytes as one HTTP/1.1 chunk (size line, body, CRLF) for the
 * streams whose response is chunked.
 */
export interface SseFrame {
  readonly body: Buffer;
  readonly chunk: Buffer;
}

/** Frames of the events in hand, by event object: the hub gives the same object to every stream. */
const frames = new WeakMap<LoggedEvent, SseFrame>();

/** The SSE message of an event (its data with its `id`, as the bus carries it). */
export function sseFrame(e: LoggedEvent): SseFrame {
  const known = frames.get(e);
  if (known) return known;
  const text = `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({ id: e.seq, ...e.data })}\n\n`;
  const length = Buffer.byteLength(text);
  const head = `${length.toString(16)}\r\n`;
  const chunk = Buffer.allocUnsafe(head.length + length + 2);
  chunk.write(head, 0, 'latin1');
  chunk.write(text, head.length, 'utf8');
  chunk.write('\r\n', head.length + length, 'latin1');
  const frame = { body: chunk.subarray(head.length, head.length + length), chunk };
  frames.set(e, frame);
  return frame;
}

/**
 * The socket to write whole chunks to, bypassing the response's own chunking: only while the
 * response is chunked, owns its socket and holds nothing back itself (its headers and earlier
 * writes are all in the socket, in order). Otherwise the response writes (and frames) the body.
 */
function directSocket(res: ServerResponse): Socket | null {
  const socket = res.socket;
  return res.chunkedEncoding &&
    socket instanceof Socket &&
    res.writableLength === socket.writableLength
    ? socket
    : null;
}

/** Resolves once the socket has sent what it held past its limit, or the response is over. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = res.socket;
    if (res.destroyed || res.writableEnded || !socket?.writableNeedDrain) return resolve();
    const done = () => {
      socket.off('drain', done);
      res.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    res.on('close', done);
  });
}

/** Writes an event stream's head: its headers and the reconnect hint. */
export function startEventStream(res: ServerResponse, retryMs = 2000): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${retryMs}\n\n`);
  // Each message is sent as soon as it is written, not held back to be merged with the next.
  if (res.socket instanceof Socket) res.socket.setNoDelay(true);
}

/**
 * Serves one channel as `text/event-stream`: replay from the event log after
 * the client's last id, then live events, with no gap and no duplicate
 * ({@link ChannelCursor}). Live events come from the hub (the bus, or the log
 * while the bus is down).
 *
 * A live event that follows the last one sent is written at once, from the
 * hub's delivery: each event's message is built once ({@link sseFrame}) and
 * its bytes go to every client's socket as one write.
 */
export async function serveEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: SseOptions,
): Promise<void> {
  const from = lastEventIdOf(request);
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  const res = reply.raw;

  let closed = false;
  opts.hub.connections++;
  let heartbeat: NodeJS.Timeout | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    opts.hub.connections--;
    clearInterval(heartbeat);
    cursor.close();
    if (!res.destroyed && res.headersSent) res.end();
    opts.onClose?.();
  };

  const cursor = new ChannelCursor(opts.hub, opts.db, opts.channel, from, {
    write: (e) => {
      if (closed) return;
      const frame = sseFrame(e);
      const socket = directSocket(res);
      if (socket) socket.write(frame.chunk);
      else res.write(frame.body);
      if (res.writableLength > maxBuffered) {
        request.log.info({ channel: opts.channel }, 'SSE client too slow; disconnected');
        res.destroy();
        close();
      }
    },
    drained: () => drained(res),
    failed: (err, what) => {
      request.log.warn({ err: err.message, channel: opts.channel }, what);
      close();
    },
  });
  res.on('close', close);
  res.on('error', close);

  // The stream's starting point is fixed before the client hears 200: every event
  // committed after the response reaches it is delivered, even one without a
  // Last-Event-ID.
  try {
    await cursor.ready();
  } catch (err) {
    request.log.warn({ err: (err as Error).message, channel: opts.channel }, 'SSE start failed');
    close();
    fail('service_unavailable', { channel: opts.channel }, 'live events are unavailable');
  }
  reply.hijack();
  if (closed) return;
  startEventStream(res, opts.retryMs);
  heartbeat = setInterval(() => {
    if (closed) return;
    res.write(': heartbeat\n\n');
    cursor.check();
  }, heartbeatMs);
  heartbeat.unref();

  try {
    await cursor.replay();
  } catch (err) {
    request.log.warn({ err: (err as Error).message }, 'SSE replay failed');
    close();
  }
}
