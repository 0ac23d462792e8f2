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

function frame(e: LoggedEvent): string {
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({ id: e.seq, ...e.data })}\n\n`;
}

/**
 * Serves one channel as `text/event-stream`: replay from the event log after
 * the client's last id, then live events, with no gap and no duplicate. Live
 * events are taken from the bus; a hole in their ids (a message the bus lost)
 * is filled from the log before going on.
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

  reply.hijack();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${opts.retryMs ?? 2000}\n\n`);

  let closed = false;
  let lastSent = from ?? 0;
  let replayed = false;
  const early: LoggedEvent[] = [];
  let chain: Promise<void> = Promise.resolve();
  opts.hub.connections++;

  const close = () => {
    if (closed) return;
    closed = true;
    opts.hub.connections--;
    clearInterval(heartbeat);
    void unlisten.then((off) => off());
    if (!res.destroyed) res.end();
    opts.onClose?.();
  };

  const write = (e: LoggedEvent) => {
    if (closed) return;
    res.write(frame(e));
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
        write(e);
      }
      if (page.length < REPLAY_PAGE) return;
      if (res.writableNeedDrain) await new Promise((r) => res.once('drain', r));
    }
  };

  const deliver = async (e: LoggedEvent) => {
    if (closed || e.seq <= lastSent) return;
    if (e.seq > lastSent + 1) await catchUp(e.seq - 1);
    if (!closed && e.seq > lastSent) write(e);
  };

  const enqueue = (e: LoggedEvent) => {
    chain = chain
      .then(() => deliver(e))
      .catch((err) => {
        request.log.warn({ err: (err as Error).message }, 'SSE delivery failed');
        close();
      });
  };

  const unlisten = opts.hub.listen(opts.channel, (e) => {
    if (closed) return;
    if (replayed) enqueue(e);
    else early.push(e);
  });
  const heartbeat = setInterval(() => {
    if (closed) return;
    res.write(': heartbeat\n\n');
    // An event the bus lost with nothing after it: the hub's poll of the log knows of it.
    if (opts.hub.latest(opts.channel) > lastSent) {
      chain = chain
        .then(() => catchUp())
        .catch((err) => {
          request.log.warn(
            { err: (err as Error).message, channel: opts.channel },
            'SSE catch-up failed',
          );
          close();
        });
    }
  }, heartbeatMs);
  heartbeat.unref();
  res.on('close', close);
  res.on('error', close);

  try {
    await unlisten;
    if (from === null) lastSent = await lastEventSeq(opts.db, opts.channel);
    else await catchUp();
  } catch (err) {
    request.log.warn({ err: (err as Error).message }, 'SSE replay failed');
    close();
    return;
  }
  replayed = true;
  for (const e of early.splice(0)) enqueue(e);
}
