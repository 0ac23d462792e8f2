import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Bus } from '../bus/bus.js';
import { domainError } from '../domain/index.js';
import type { Logger } from '../logger.js';
import type { ServerRegistry } from './registry.js';
import type { ServerLocator } from './server-locator.js';

/** How long a request waits for its tournament's server to (re)start before it is answered 503. */
const WAIT_MS = 5000;

/** How long a forwarded request may wait for a connection, be connected, and be answered. */
const CONNECT_TIMEOUT_MS = 2000;
const HEADERS_TIMEOUT_MS = 15_000;
const BODY_TIMEOUT_MS = 30_000;
/**
 * A request waiting in the pool for a free connection has no undici timer yet
 * (its headers timeout starts once it is sent): past this, it is answered 503.
 */
const FORWARD_DEADLINE_MS = CONNECT_TIMEOUT_MS + HEADERS_TIMEOUT_MS + 5000;

/**
 * Registers the proxy used to forward live tournaments' requests. It retries
 * nothing itself (the forwarder decides), and nothing waits forever: a
 * connection is made within 2 s, an answer starts within 15 s, and a body
 * pauses for at most 30 s. Event streams are not forwarded (the gateway
 * serves them), so the pool holds API calls only: `connections` per server
 * (GATEWAY_CONNECTIONS), one request at a time on each (no pipelining, so a
 * slow answer never holds up another behind it on its connection).
 */
export const proxyPlugin = fp(async (app: FastifyInstance, opts: { connections: number }) => {
  await app.register(replyFrom, {
    disableRequestLogging: true,
    undici: {
      connections: opts.connections,
      pipelining: 1,
      connect: { timeout: CONNECT_TIMEOUT_MS },
      headersTimeout: HEADERS_TIMEOUT_MS,
      bodyTimeout: BODY_TIMEOUT_MS,
    },
  });
});

/** The codes of an error and of the errors that caused it. */
function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; ) {
    if (typeof e.code === 'string') codes.push(e.code);
    e = e.cause as typeof e | undefined;
  }
  return codes;
}

/** A connection that was never made: the server got nothing, so trying again cannot apply anything twice. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

type Outcome = 'answered' | 'not_connected' | 'failed';

/**
 * Forwards a request about a live tournament to its server, on the request's
 * own path (the server answers only for its own tournament id), with the
 * caller's credentials and Host (the server authenticates the caller itself,
 * SPEC §7). A request is sent again only when no connection was made; once
 * it may have reached the server, a failure is answered 503 with Retry-After,
 * so that a write that was applied is never applied twice. While the server
 * (re)starts it waits up to 5 s, then answers 503.
 */
export function forwarder(registry: ServerRegistry, locator: ServerLocator) {
  const unavailable = (reply: FastifyReply, id: string) => {
    reply
      .status(503)
      .header('retry-after', '2')
      .send({ error: domainError('service_unavailable', { tournament_id: id }) });
    return true;
  };

  const attempt = (request: FastifyRequest, reply: FastifyReply, target: string) =>
    new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return false;
        settled = true;
        clearTimeout(deadline);
        resolve(outcome);
        return true;
      };
      // Still queued for a connection (or not answered) past every timeout: given up; an answer
      // arriving later is dropped. It may have reached the server, so it is not sent again.
      const deadline = setTimeout(() => {
        request.log.warn({ target }, 'tournament server did not answer in time');
        settle('failed');
      }, FORWARD_DEADLINE_MS);
      deadline.unref();
      reply.from(target, {
        // Never sent again by the proxy: see NOT_CONNECTED.
        retryDelay: () => null,
        rewriteRequestHeaders: (req, headers) => ({ ...headers, host: req.headers.host }),
        onResponse: (_req, r, res) => {
          if (!settle('answered')) {
            res.stream.destroy();
            return;
          }
          // Taken over so that Fastify runs no handler after this hook.
          r.hijack();
          r.raw.writeHead(res.statusCode, r.getHeaders() as Record<string, string>);
          // A client that leaves ends the upstream request too; its abort is expected, not an error.
          res.stream.on('error', () => r.raw.destroy());
          res.stream.pipe(r.raw);
          r.raw.once('close', () => res.stream.destroy());
        },
        onError: (_r, { error }) => {
          const codes = codesOf(error);
          request.log.warn(
            { err: error.message, codes, target },
            'tournament server did not answer',
          );
          settle(codes.some((c) => NOT_CONNECTED.has(c)) ? 'not_connected' : 'failed');
        },
      });
    });

  return async (request: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> => {
    const id = (request.params as { id?: string }).id;
    if (!id) return false;
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const route = await locator.route(id, Math.max(0, deadline - Date.now()));
      if (route.kind === 'local') return false;
      if (route.kind === 'unavailable') return unavailable(reply, id);
      const outcome = await attempt(request, reply, `${route.url}${path}`);
      if (outcome === 'answered') return true;
      locator.forget(id);
      if (outcome === 'failed' || Date.now() >= deadline) return unavailable(reply, id);
      // Refused (it may have just died): have the supervisor look now rather than at its next check.
      await registry.suspect(id);
    }
  };
}

/**
 * The supervisor's view of the bus: a published tournament gets its server
 * at once (whichever orchestrator published it), and one that became
 * CANCELLED or ARCHIVED has its server stopped, whoever changed it. The
 * server lets the answers to writes in flight go out before it stops.
 */
export async function superviseOnEvents(bus: Bus, registry: ServerRegistry, logger: Logger) {
  return bus.subscribe(
    'tournament:*:events',
    (_channel, raw) => {
      try {
        const e = JSON.parse(raw) as { type?: string; to_state?: string; tournament_id?: string };
        if (e.type !== 'state_changed' || !e.tournament_id || !registry.isSupervising) return;
        const id = e.tournament_id;
        const act =
          e.to_state === 'REGISTRATION'
            ? registry.ensure(id)
            : e.to_state === 'CANCELLED' || e.to_state === 'ARCHIVED'
              ? registry.stop(id)
              : null;
        void act?.catch((err) =>
          logger.warn(
            { err: (err as Error).message, tournament: id },
            'could not supervise tournament server',
          ),
        );
      } catch {
        // not an event of ours
      }
    },
    { pattern: true },
  );
}
