import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Adds the process's own metrics (gauges read at scrape time) to the registry. */
  gauges?: (register: Registry) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the reply went through Fastify's send path (not a hijacked SSE stream). */
    metricsTimed: boolean;
  }
}

/**
 * `GET /metrics` in Prometheus text format, with a registry of the app's own
 * (several apps in one process, as in tests, keep apart). Request durations
 * are observed for every route but the SSE streams, whose "duration" is how
 * long a viewer stayed: a hijacked reply never passes `onSend`.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: MetricsOptions) => {
    const register = new Registry();
    collectDefaultMetrics({ register });
    opts.gauges?.(register);

    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [register],
    });

    app.decorateRequest('metricsTimed', false);
    app.addHook('onSend', async (request) => {
      request.metricsTimed = true;
    });
    app.addHook('onResponse', async (request, reply) => {
      if (!request.metricsTimed) return;
      duration.observe(
        {
          method: request.method,
          // The route's pattern, never the raw URL: ids would make a series per tournament.
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    app.get(
      '/metrics',
      { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
      async (_request, reply) => {
        const text = await register.metrics();
        return reply.header('content-type', register.contentType).send(text);
      },
    );
  },
  { name: 'tourney-metrics' },
);
