import type { FastifyBaseLogger } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { LiveHub } from '../../live/hub.js';
import type { Executor } from '../../store/database.js';
import { type OperationsGauges, operationsGauges } from '../../store/views.js';

/**
 * The orchestrator's gauges, read at each scrape: open SSE connections, live
 * tournament servers, and the outbox backlog (how many events wait to be
 * published and for how long: a growing age means the bus is down or the relay
 * is stuck).
 */
export function orchestratorGauges(deps: { hub: LiveHub; db: Executor; log: FastifyBaseLogger }) {
  return (register: Registry) => {
    new Gauge({
      name: 'tourney_sse_connections',
      help: 'Open SSE connections (live viewers)',
      registers: [register],
      collect() {
        this.set(deps.hub.connections);
      },
    });

    // The three database gauges share one query per scrape.
    let scrape: Promise<OperationsGauges | null> | undefined;
    const read = () => {
      scrape ??= operationsGauges(deps.db)
        .catch((err) => {
          deps.log.warn({ err: (err as Error).message }, 'metrics: database gauges unavailable');
          return null;
        })
        .finally(() => setTimeout(() => (scrape = undefined), 100).unref());
      return scrape;
    };
    const fromDb = (name: string, help: string, pick: (g: OperationsGauges) => number) =>
      new Gauge({
        name,
        help,
        registers: [register],
        async collect() {
          const g = await read();
          if (g) this.set(pick(g));
        },
      });
    fromDb(
      'tourney_tournament_servers_running',
      'Tournament servers with status running',
      (g) => g.running_servers,
    );
    fromDb(
      'tourney_outbox_unpublished_events',
      'Committed events not yet published',
      (g) => g.outbox_unpublished,
    );
    fromDb(
      'tourney_outbox_oldest_unpublished_age_seconds',
      'Age of the oldest unpublished event, 0 when none',
      (g) => g.outbox_oldest_age_seconds,
    );
  };
}
