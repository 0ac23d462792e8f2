import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { Config } from '../config.js';
import { authPlugin } from '../http/auth.js';
import { installErrorHandling } from '../http/error-handler.js';
import { healthRoutes } from '../http/health.js';
import { metricsPlugin } from '../http/metrics.js';
import { tournamentJson } from '../http/present.js';
import { AJV_OPTIONS } from '../http/schemas.js';
import { tournamentRoutes } from '../http/tournament-routes.js';
import { defaultWebRoot, webRoutes } from '../http/web.js';
import { LiveHub } from '../live/hub.js';
import { Outbox } from '../live/outbox.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import type { StoredTournament } from '../store/tournaments.js';
import type { Runner } from '../tournament/runner.js';
import { TournamentService } from '../tournament/service.js';
import { TournamentWriter } from '../tournament/writer.js';
import { LeaderElection } from './leader-election.js';
import { ownerlessFence } from './ownerless-fence.js';
import { ServerRegistry } from './registry.js';
import { authRoutes } from './routes/auth.js';
import { chatRoutes } from './routes/chat.js';
import { liveRoutes } from './routes/live.js';
import { liveStreamRoutes } from './routes/live-stream.js';
import { orchestratorGauges } from './routes/metrics.js';
import { notificationRoutes } from './routes/notifications.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { registryRoutes } from './routes/tournaments.js';
import { viewRoutes } from './routes/views.js';
import { forwarder, proxyPlugin, superviseOnEvents } from './routing.js';
import { DockerRunner } from './runners/docker-runner.js';
import { ProcessRunner } from './runners/process-runner.js';
import { statesOf } from './server-identity.js';
import { ServerLocator } from './server-locator.js';
import { StartingNotifier } from './starting-notifier.js';

export interface OrchestratorDeps {
  config: Config;
  database: Database;
  bus: Bus;
  logger: Logger;
  /**
   * How tournament servers run; by default the one TOURNAMENT_RUNNER names.
   * The inline runner lives with the tournament server, so the composition
   * root hands it in (`inlineRunner`) rather than this module importing it.
   */
  runner?: Runner;
  inlineRunner?: (deps: { config: Config; database: Database; bus: Bus; logger: Logger }) => Runner;
  /** Requests per minute and address on login and registration. */
  authRateLimit?: number;
}

function createRunner(deps: OrchestratorDeps): Runner {
  switch (deps.config.runner) {
    case 'process':
      return new ProcessRunner(deps.config, deps.logger);
    case 'docker':
      return new DockerRunner(deps.config);
    default:
      if (!deps.inlineRunner)
        throw new Error('the inline runner must be given by the composition root');
      return deps.inlineRunner(deps);
  }
}

/** How long a publish on an orchestrator that does not supervise waits for the supervisor to start the server. */
const PUBLISH_WAIT_MS = 15_000;

/** The orchestrator's HTTP app, not yet listening (STYLE.md "app factory"). */
export async function buildOrchestratorApp(deps: OrchestratorDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given)
        ? given
        : crypto.randomUUID();
    },
    ajv: { customOptions: AJV_OPTIONS },
  });
  installErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tourney', version: '1', description: 'Tournament platform API (SPEC §5)' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'tourney_session' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const { database, bus, logger } = deps;
  const hub = new LiveHub(bus, { db: database.db });
  app.addHook('onClose', async () => hub.close());
  const outbox = new Outbox(database, bus, logger);
  const writer = new TournamentWriter(database, outbox, ownerlessFence);
  const service = new TournamentService(database, writer);
  const runner = deps.runner ?? createRunner(deps);
  const registry = new ServerRegistry({
    database,
    runner,
    ports: deps.config.tournamentPorts,
    host: deps.config.host,
    logger,
  });
  const locator = new ServerLocator({ db: database.db, registry });
  // Of the orchestrators sharing the database, one supervises the servers (SPEC §9)
  // and one relays what was left unpublished, for every process of the deployment.
  const election = new LeaderElection({
    role: 'supervisor',
    db: database.db,
    logger,
    onElected: () => registry.takeOver(),
    onDeposed: () => registry.stepDown(),
  });
  const relayElection = new LeaderElection({
    role: 'relay',
    db: database.db,
    logger,
    onElected: () => outbox.startRelay(),
    onDeposed: () => outbox.stopRelay(),
  });
  const unwatch = await superviseOnEvents(bus, registry, logger);
  app.addHook('onReady', async () => {
    await Promise.all([election.start(), relayElection.start()]);
  });
  app.addHook('onClose', async () => {
    await unwatch();
    // Servers stop before the lease goes, so that no successor adopts one being stopped.
    await registry.close();
    await election.stop();
    await outbox.stop();
    await relayElection.stop();
  });
  await app.register(proxyPlugin, { connections: deps.config.gatewayConnections });

  const present = async (stored: StoredTournament & { team_count?: number }) =>
    tournamentJson(
      { ...stored.agg },
      {
        team_count: stored.team_count ?? stored.agg.teams.length,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        server: await locator.info(stored.agg.id),
      },
    );

  await app.register(metricsPlugin, {
    gauges: orchestratorGauges({ hub, db: database.db, log: app.log }),
  });
  await app.register(authPlugin, { db: database.db, secret: deps.config.sessionSecret });
  await app.register(healthRoutes(deps));
  await app.register(authRoutes({ database, authLimit: deps.authRateLimit ?? 20 }));
  await app.register(
    registryRoutes({
      database,
      service,
      present,
      // The supervisor starts the server; elsewhere the publish waits until it answers.
      onPublished: async (id) => {
        if (registry.isSupervising) await registry.ensure(id);
        else await locator.route(id, PUBLISH_WAIT_MS);
        locator.forget(id);
      },
    }),
  );
  await app.register(
    tournamentRoutes({
      service,
      database,
      hub,
      base: '/api/v1/tournaments/:id',
      idOf: (request) => (request.params as { id: string }).id,
      present,
      tags: ['tournament play'],
      forward: forwarder(registry, locator),
      exists: async (id) => (await statesOf(database.db, [id])).has(id),
    }),
  );
  await app.register(liveRoutes({ database, hub }));
  await app.register(liveStreamRoutes({ database, hub }));
  await app.register(subscriptionRoutes({ database }));
  await app.register(notificationRoutes({ database }));
  await app.register(chatRoutes({ database, outbox, hub }));
  await app.register(viewRoutes({ database, hub }));
  await app.register(webRoutes({ root: defaultWebRoot }));
  const notifier = new StartingNotifier({ database, outbox, logger });
  app.addHook('onReady', () => notifier.start());
  app.addHook('onClose', () => notifier.stop());
  return app;
}
