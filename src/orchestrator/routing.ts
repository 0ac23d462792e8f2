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
 * Forwards a request about a live tournament to its server with the caller's
 * credentials and Host (the server authenticates the caller itself, SPEC §7).
 * While the server restarts it waits up to 5 s, then answers 503 with Retry-After.
 */
export function forwarder(registry: ServerRegistry, viewers?: { connections: number }) {
  const unavailable = (reply: FastifyReply, id: string) => {
    reply
      .status(503)
      .header('retry-after', '2')
      .send({ error: domainError('service_unavailable', { tournament_id: id }) });
    return true;
  };

  /** One attempt; false when the server could not be reached at all (nothing was sent). */
  const attempt = (request: FastifyRequest, reply: FastifyReply, target: string) =>
    new Promise<boolean>((resolve) => {
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
          resolve(true);
        },
        onError: (_r, { error }) => {
          request.log.warn({ err: error.message, target }, 'tournament server did not answer');
          resolve(false);
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
      if (await attempt(request, reply, `${url}${path}`)) return true;
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
) {
  return bus.subscribe(
    'tournament:*:events',
    (_channel, raw) => {
      try {
        const e = JSON.parse(raw) as { type?: string; to_state?: string; tournament_id?: string };
        if (e.type !== 'state_changed' || !e.tournament_id) return;
        if (e.to_state !== 'CANCELLED' && e.to_state !== 'ARCHIVED') return;
        void registry
          .stop(e.tournament_id)
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
