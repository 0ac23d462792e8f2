import Fastify, { type FastifyInstance } from 'fastify';
import type { Bus } from '../../src/bus/bus.js';
import { installErrorHandling } from '../../src/http/error-handler.js';
import type { OutgoingEvent } from '../../src/live/event-log.js';
import { LiveHub } from '../../src/live/hub.js';
import { Outbox } from '../../src/live/outbox.js';
import { serveEventStream } from '../../src/live/sse.js';
import { createLogger } from '../../src/logger.js';
import {
  type BusKind,
  createTestBus,
  createTestDatabase,
  type StoreKind,
  type TestDatabase,
} from './backends.js';

export interface LiveHarness {
  url: string;
  app: FastifyInstance;
  bus: Bus;
  hub: LiveHub;
  outbox: Outbox;
  t: TestDatabase;
  emit(channel: string, n: number): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP server streaming any channel at /events/:channel, over the given backends. */
export async function startLiveHarness(
  store: StoreKind,
  busKind: BusKind,
  opts: { heartbeatMs?: number; maxBufferedBytes?: number; bus?: Bus } = {},
): Promise<LiveHarness> {
  const t = await createTestDatabase(store);
  const bus = opts.bus ?? (await createTestBus(busKind));
  const logger = createLogger('silent');
  const hub = new LiveHub(bus, { db: t.database.db, pollMs: opts.heartbeatMs });
  const outbox = new Outbox(t.database, bus, logger);
  const app = Fastify({ forceCloseConnections: true });
  installErrorHandling(app);
  app.get('/events/:channel', (request, reply) =>
    serveEventStream(request, reply, {
      hub,
      db: t.database.db,
      channel: (request.params as { channel: string }).channel,
      heartbeatMs: opts.heartbeatMs,
      maxBufferedBytes: opts.maxBufferedBytes,
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    bus,
    hub,
    outbox,
    t,
    emit: async (channel, n) => {
      const events: OutgoingEvent[] = [{ channel, type: 'tick', data: { type: 'tick', n } }];
      await outbox.commit(async () => ({ value: null, events }));
    },
    close: async () => {
      await app.close();
      hub.close();
      await outbox.stop();
      if (!opts.bus) await bus.close();
      await t.drop();
    },
  };
}
