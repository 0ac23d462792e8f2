import type { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../http/api-error.js';
import type { Executor } from '../store/database.js';
import { type LoggedEvent, lastEventSeq, readEventsSince } from './event-log.js';
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

const REPLAY_PAGE = 500;

/** The id a reconnecting client gives (`Last-Event-ID` header or `?last_event_id=`), or null. */
export function lastEventIdOf(request: FastifyRequest): number | null {
  const header = request.headers['last-event-id'];
  const query = (request.query as Record<string, unknown> | undefined)?.last_event_id;
  const raw = typeof header === 'string' && header !== '' ? header : query;
  if (raw === undefined || raw === null || raw === '') return null;
  const text = String(raw);
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
function drained(res: ServerResponse): Promise<void> {
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

/**
 * Serves one channel as `text/event-stream`: replay from the event log after
 * the client's last id, then live events, with no gap and no duplicate. Live
 * events come from the hub (the bus, or the log while the bus is down); a hole
 * in their ids (a message the bus lost) is filled from the log before going on.
 *
 * A live event that follows the last one sent is written at once, from the
 * hub's delivery: each event's message is built once ({@link sseFrame}) and
 * its bytes go to every client's socket as one write. Anything else (events
 * arriving during the replay or behind a hole) waits its turn in the stream's
 * queue.
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
  let lastSent = from ?? 0;
  let replayed = false;
  const early: LoggedEvent[] = [];
  let chain: Promise<void> = Promise.resolve();
  /** Deliveries waiting in `chain`; while there are any, live events queue behind them. */
  let queued = 0;
  opts.hub.connections++;

  let heartbeat: NodeJS.Timeout | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    opts.hub.connections--;
    clearInterval(heartbeat);
    void unlisten.then((off) => off()).catch(() => {});
    if (!res.destroyed && res.headersSent) res.end();
    opts.onClose?.();
  };

  const write = (e: LoggedEvent) => {
    if (closed) return;
    const frame = sseFrame(e);
    const socket = directSocket(res);
    if (socket) socket.write(frame.chunk);
    else res.write(frame.body);
    lastSent = e.seq;
    if (res.writableLength > maxBuffered) {
      request.log.info({ channel: opts.channel }, 'SSE client too slow; disconnected');
      res.destroy();
      close();
    }
  };

  /** Sends everything of the log after lastSent, up to `upTo` (inclusive) when given. */
  const catchUp = async (upTo = Number.MAX_SAFE_INTEGER) => {
    while (!closed && lastSent < upTo) {
      const page = await readEventsSince(opts.db, opts.channel, lastSent, REPLAY_PAGE);
      for (const e of page) {
        if (e.seq > upTo) return;
        if (e.seq > lastSent) write(e);
      }
      if (page.length < REPLAY_PAGE) return;
      await drained(res);
    }
  };

  const deliver = async (e: LoggedEvent) => {
    if (closed || e.seq <= lastSent) return;
    if (e.seq > lastSent + 1) await catchUp(e.seq - 1);
    if (!closed && e.seq > lastSent) write(e);
  };

  /** Runs `task` after everything queued before it; a failure ends the stream. */
  const queue = (task: () => Promise<void>, failure: string) => {
    queued++;
    chain = chain
      .then(task)
      .catch((err) => {
        request.log.warn({ err: (err as Error).message, channel: opts.channel }, failure);
        close();
      })
      .finally(() => {
        queued--;
      });
  };

  const unlisten = opts.hub.listen(opts.channel, (e) => {
    if (closed) return;
    if (!replayed) early.push(e);
    else if (queued > 0 || e.seq > lastSent + 1) queue(() => deliver(e), 'SSE delivery failed');
    else if (e.seq === lastSent + 1) {
      // The next event with nothing queued before it: written now, in the hub's delivery. A
      // failure ends this stream alone; the hub goes on with the other clients.
      try {
        write(e);
      } catch (err) {
        request.log.warn(
          { err: (err as Error).message, channel: opts.channel },
          'SSE delivery failed',
        );
        close();
      }
    }
  });
  res.on('close', close);
  res.on('error', close);

  // The stream's starting point is fixed before the client hears 200: every event
  // committed after the response reaches it is delivered, even one without a
  // Last-Event-ID.
  try {
    await unlisten;
    if (from === null) lastSent = await lastEventSeq(opts.db, opts.channel);
  } catch (err) {
    request.log.warn({ err: (err as Error).message, channel: opts.channel }, 'SSE start failed');
    close();
    fail('service_unavailable', { channel: opts.channel }, 'live events are unavailable');
  }
  reply.hijack();
  if (closed) return;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${opts.retryMs ?? 2000}\n\n`);
  // Each message is sent as soon as it is written, not held back to be merged with the next.
  if (res.socket instanceof Socket) res.socket.setNoDelay(true);
  heartbeat = setInterval(() => {
    if (closed) return;
    res.write(': heartbeat\n\n');
    // An event the bus lost with nothing after it: the hub's poll of the log knows of it.
    if (opts.hub.latest(opts.channel) > lastSent) queue(() => catchUp(), 'SSE catch-up failed');
  }, heartbeatMs);
  heartbeat.unref();

  try {
    if (from !== null) await catchUp();
  } catch (err) {
    request.log.warn({ err: (err as Error).message }, 'SSE replay failed');
    close();
    return;
  }
  replayed = true;
  for (const e of early.splice(0)) queue(() => deliver(e), 'SSE delivery failed');
}
