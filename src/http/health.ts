import type { FastifyInstance } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { Database } from '../store/database.js';
import { fail } from './api-error.js';

const TIMEOUT_MS = 2000;

async function check(name: string, probe: () => Promise<void>): Promise<[string, string]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS);
      }),
    ]);
    return [name, 'ok'];
  } catch (err) {
    return [name, (err as Error).message || 'unavailable'];
  } finally {
    clearTimeout(timer);
  }
}

/** Who a tournament server is: its tournament and the epoch of the lease it holds. */
export interface ServerIdentity {
  tournament_id: string;
  epoch: number;
}

/**
 * `/healthz`: the process answers; a tournament server also says which
 * tournament it serves and under which lease epoch, so that whoever routes to
 * it can tell it from another tournament's server on a reused port.
 * `/readyz`: its database and bus answer too.
 */
export function healthRoutes(deps: { database: Database; bus: Bus; identity?: ServerIdentity }) {
  return async (app: FastifyInstance) => {
    const body = deps.identity
      ? { status: 'ok', tournament_id: deps.identity.tournament_id, epoch: deps.identity.epoch }
      : { status: 'ok' };
    app.get(
      '/healthz',
      { schema: { summary: 'The process is alive', tags: ['operations'] } },
      async () => body,
    );
    app.get(
      '/readyz',
      { schema: { summary: 'The database and bus answer', tags: ['operations'] } },
      async () => {
        const checks = Object.fromEntries(
          await Promise.all([
            check('database', () => deps.database.ping()),
            check('bus', () => deps.bus.ping()),
          ]),
        );
        const ready = Object.values(checks).every((v) => v === 'ok');
        if (!ready) fail('service_unavailable', { checks }, 'not ready');
        return { status: 'ready', checks };
      },
    );
  };
}
