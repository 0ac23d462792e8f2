import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Bus } from '../bus/bus.js';
import { domainError } from '../domain/index.js';
import type { Logger } from '../logger.js';
import type { ServerRegistry } from './registry.js';

/** Registers the proxy used to forward live tournaments' requests. */
export const proxyPlugin = fp(async (app: FastifyInstance) => {
  await app.register(replyFrom, { disableRequestLogging: true });
});

/**
 * The forwarded requests of each tournament still waiting for their answer
 * (event streams excepted), so that a server is stopped only once the answer
 * that ended its tournament has reached the client.
 */
export class InFlight {
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();

  begin(id: string): () => void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.counts.get(id) ?? 1) - 1;
      if (left > 0) {
        this.counts.set(id, left);
        return;
      }
      this.counts.delete(id);
      for (const wake of this.waiters.get(id) ?? []) wake();
      this.waiters.delete(id);
    };
  }

  /** Resolves once no request of `id` is in flight, or after `ms`. */
  idle(id: string, ms = 5000): Promise<void> {
    if (!this.counts.get(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const list = this.waiters.get(id) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.waiters.set(id, list);
    });
  }
}

/**
 * Forwards a request about a live tournament to its server with the caller's
 * credentials and Host (the server authenticates the caller itself, SPEC §7).
 * While the server restarts it waits up to 5 s, then answers 503 with Retry-After.
 */
export function forwarder(
  registry: ServerRegistry,
  viewers?: { connections: number },
  inFlight?: InFlight,
) {
  const unavailable = (reply: FastifyReply, id: string) => {
    reply
      .status(503)
      .header('retry-after', '2')
      .send({ error: domainError('service_unavailable', { tournament_id: id }) });
    return true;
  };

  /**
   * One attempt: 'answered', 'refused' when the connection was refused (nothing
   * reached the server), 'failed' when it broke with the request perhaps sent.
   */
  const attempt = (request: FastifyRequest, reply: FastifyReply, target: string) =>
    new Promise<'answered' | 'refused' | 'failed'>((resolve) => {
      const done = inFlight?.begin((request.params as { id: string }).id);
      if (done) reply.raw.once('close', done);
      reply.from(target, {
        rewriteRequestHeaders: (req, headers) => ({ ...headers, host: req.headers.host }),
        onResponse: (_req, r, res) => {
          // Taken over so that Fastify runs no handler after this hook; streams (SSE) pass through as they come.
          r.hijack();
          r.raw.writeHead(res.statusCode, r.getHeaders() as Record<string, string>);
          // Viewers of a live tournament's stream count as this gateway's live viewers too.
          if (
            viewers &&
            String(r.getHeader('content-type') ?? '').startsWith('text/event-stream')
          ) {
            viewers.connections++;
            r.raw.once('close', () => {
              viewers.connections--;
            });
          }
          // A viewer that leaves ends the upstream request too; its abort is expected, not an error.
          res.stream.on('error', () => r.raw.destroy());
          res.stream.pipe(r.raw);
          r.raw.once('close', () => res.stream.destroy());
          resolve('answered');
        },
        onError: (_r, { error }) => {
          done?.();
          request.log.warn({ err: error.message, target }, 'tournament server did not answer');
          // The proxy wraps the socket's error: a refused connection is the cause's code.
          const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
          resolve(cause?.code === 'ECONNREFUSED' ? 'refused' : 'failed');
        },
      });
    });

  return async (request: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> => {
    const id = (request.params as { id?: string }).id;
    if (!id) return false;
    const deadline = Date.now() + 5000;
    for (let tries = 0; tries < 3; tries++) {
      const url = await registry.urlOf(id, Math.max(0, deadline - Date.now()));
      if (url === null) return false;
      if (url === 'unavailable') return unavailable(reply, id);
      const outcome = await attempt(request, reply, `${url}${path}`);
      if (outcome === 'answered') return true;
      // A write may have reached the server before the connection broke: never send it twice.
      const safe = request.method === 'GET' || request.method === 'HEAD';
      if (outcome === 'failed' && !safe) break;
      // Unreachable (it may have just died): have the registry look now rather than at its next check.
      await registry.suspect(id);
    }
    return unavailable(reply, id);
  };
}

/** Stops a tournament's server once its tournament is CANCELLED or ARCHIVED, whoever changed it. */
export async function stopServersOfEndedTournaments(
  bus: Bus,
  registry: ServerRegistry,
  logger: Logger,
  inFlight?: InFlight,
) {
  return bus.subscribe(
    'tournament:*:events',
    (_channel, raw) => {
      try {
        const e = JSON.parse(raw) as { type?: string; to_state?: string; tournament_id?: string };
        if (e.type !== 'state_changed' || !e.tournament_id) return;
        if (e.to_state !== 'CANCELLED' && e.to_state !== 'ARCHIVED') return;
        const id = e.tournament_id;
        void (inFlight?.idle(id) ?? Promise.resolve())
          .then(() => registry.stop(id))
          .catch((err) =>
            logger.warn(
              { err: (err as Error).message, tournament: e.tournament_id },
              'could not stop tournament server',
            ),
          );
      } catch {
        // not an event of ours
      }
    },
    { pattern: true },
  );
}
