import type { FastifyInstance } from 'fastify';

/**
 * Counts the writes a server is answering, so that a stop lets them finish:
 * the orchestrator stops a tournament's server as soon as it hears that the
 * tournament was cancelled or archived, which is before the cancel's own
 * answer has reached its caller.
 */
export function writesInFlight(app: FastifyInstance) {
  let count = 0;
  let idle: Array<() => void> = [];
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    count++;
    reply.raw.once('close', () => {
      count--;
      if (count > 0) return;
      for (const resolve of idle) resolve();
      idle = [];
    });
  });
  return {
    /** Resolves once no write is being answered, or after `ms` at the latest. */
    settled(ms: number): Promise<void> {
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        timer.unref();
        idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
