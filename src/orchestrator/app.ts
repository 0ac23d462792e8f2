import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { Config } from '../config.js';
import { installErrorHandling } from '../http/error-handler.js';
import { healthRoutes } from '../http/health.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';

export interface OrchestratorDeps {
  config: Config;
  database: Database;
  bus: Bus;
  logger: Logger;
}

/** The orchestrator's HTTP app, not yet listening (STYLE.md "app factory"). */
export async function buildOrchestratorApp(deps: OrchestratorDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given)
        ? given
        : crypto.randomUUID();
    },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
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
  await app.register(healthRoutes(deps));
  return app;
}
