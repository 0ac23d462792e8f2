import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Bus } from '../bus/bus.js';
import { fail } from '../http/api-error.js';
import { authPlugin, requireUser } from '../http/auth.js';
import { installErrorHandling } from '../http/error-handler.js';
import { healthRoutes } from '../http/health.js';
import { tournamentJson } from '../http/present.js';
import { AJV_OPTIONS } from '../http/schemas.js';
import { tournamentRoutes } from '../http/tournament-routes.js';
import { webRoutes } from '../http/web.js';
import { LiveHub } from '../live/hub.js';
import { Outbox } from '../live/outbox.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import type { StoredTournament } from '../store/tournaments.js';
import { isServed } from '../tournament/served-states.js';
import { TournamentService } from '../tournament/service.js';
import { type Fence, TournamentOwner } from '../tournament/writer.js';

export interface TournamentServerDeps {
  tournamentId: string;
  database: Database;
  bus: Bus;
  logger: Logger;
  sessionSecret: string;
  /** The lease's fence: every write checks it in its transaction. */
  fence: Fence;
  /** The epoch of the lease this server holds, as its `/healthz` reports it. */
  epoch: number;
  /** Where this server answers, as shown in its tournament's `server.url`. */
  publicUrl: string;
  /** The built web app (dist/web by default). */
  webRoot?: string;
}

/**
 * One tournament's server (SPEC §1, §5): the seed's `/api/*` endpoints for the
 * tournament it owns, its own SSE, `/healthz`. Not yet listening.
 */
export async function buildTournamentServerApp(
  deps: TournamentServerDeps,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
    ajv: { customOptions: AJV_OPTIONS },
  });
  installErrorHandling(app);
  const { database, bus, logger, tournamentId } = deps;
  const hub = new LiveHub(bus, { db: database.db });
  app.addHook('onClose', async () => hub.close());
  const outbox = new Outbox(database, bus, logger);
  // The lease is held: the tournament is loaded once and kept in memory from here on.
  const owner = await TournamentOwner.open({ database, outbox, fence: deps.fence, tournamentId });
  if (!owner) throw new Error(`tournament ${tournamentId} does not exist`);
  const service = new TournamentService(database, owner);
  // It publishes its own events at commit; what a failed publish leaves, the orchestrator
  // elected to relay republishes (one relay per deployment, not one per tournament).
  app.addHook('onClose', () => outbox.stop());

  await app.register(authPlugin, { db: database.db, secret: deps.sessionSecret });
  await app.register(
    healthRoutes({ database, bus, identity: { tournament_id: tournamentId, epoch: deps.epoch } }),
  );

  app.get(
    '/api/state',
    { schema: { tags: ['tournament server'], summary: 'The tournament state' } },
    async () => {
      const stored = await service.load(tournamentId);
      if (!stored) fail('tournament_not_found', { tournament_id: tournamentId });
      return {
        tournament_id: tournamentId,
        state: stored.agg.state,
        current_round: stored.agg.current_round,
        winner: stored.agg.winner,
        name: stored.agg.name,
        format: stored.agg.format,
        team_count: stored.agg.teams.length,
      };
    },
  );

  // A tournament that ended (CANCELLED, ARCHIVED) is about to lose its server, as the orchestrator shows it.
  const present = (stored: StoredTournament) =>
    tournamentJson(stored.agg, {
      created_at: stored.created_at,
      updated_at: stored.updated_at,
      // An ended tournament's server stops once this answer is out.
      server: isServed(stored.agg.state) ? { url: deps.publicUrl, status: 'running' } : null,
    });

  await app.register(
    tournamentRoutes({
      service,
      database,
      hub,
      base: '/api',
      idOf: () => tournamentId,
      present,
      tags: ['tournament server'],
    }),
  );

  // The orchestrator's paths for this one tournament, so that its results form
  // (served at `/`) works against this server alone (SPEC §5, §8).
  const own = (request: FastifyRequest) => {
    const id = (request.params as { id: string }).id;
    if (id !== tournamentId) fail('tournament_not_found', { tournament_id: id });
    return id;
  };
  await app.register(
    tournamentRoutes({
      service,
      database,
      hub,
      base: '/api/v1/tournaments/:id',
      idOf: own,
      present,
      tags: ['tournament server'],
    }),
  );
  app.get(
    '/api/v1/tournaments/:id',
    { schema: { tags: ['tournament server'], summary: 'This tournament' } },
    async (request) => {
      const stored = await service.load(own(request));
      if (!stored) fail('tournament_not_found', { tournament_id: tournamentId });
      return present(stored);
    },
  );
  app.get(
    '/api/v1/auth/me',
    { schema: { tags: ['tournament server'], summary: 'The signed-in user' } },
    async (request) => {
      const user = requireUser(request);
      return {
        user: {
          id: user.id,
          username: user.username,
          is_admin: user.is_admin,
          created_at: user.created_at,
        },
      };
    },
  );
  await app.register(webRoutes({ root: deps.webRoot, tournamentId }));
  return app;
}
