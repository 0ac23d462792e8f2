import type { Bus } from '../bus/bus.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import { Lease } from '../tournament/lease.js';
import type { Runner, ServerHandle } from '../tournament/runner.js';
import { buildTournamentServerApp } from './app.js';
import { writesInFlight } from './writes-in-flight.js';

/**
 * Each tournament server is its own HTTP server on its own port inside the
 * orchestrator's process (the embedded default: PGlite serves one process).
 */
export class InlineRunner implements Runner {
  readonly kind = 'inline' as const;

  constructor(
    private readonly deps: { config: Config; database: Database; bus: Bus; logger: Logger },
  ) {}

  /** Inline servers die with the orchestrator's process: none is left for a successor to adopt. */
  async adopt(): Promise<null> {
    return null;
  }

  async start(opts: { tournamentId: string; port: number; host: string }): Promise<ServerHandle> {
    const logger = this.deps.logger.child({ tournament: opts.tournamentId });
    let resolveExit: () => void = () => {};
    const exited = new Promise<void>((r) => {
      resolveExit = r;
    });
    let stop: () => Promise<void> = async () => {};
    const lease = new Lease(this.deps.database, opts.tournamentId, () => void stop());
    await lease.acquire();
    const app = await buildTournamentServerApp({
      tournamentId: opts.tournamentId,
      database: this.deps.database,
      bus: this.deps.bus,
      logger,
      sessionSecret: this.deps.config.sessionSecret,
      fence: lease.fence,
      epoch: lease.epoch,
      publicUrl: `http://${opts.host}:${opts.port}`,
    });
    const writes = writesInFlight(app);
    let stopping: Promise<void> | undefined;
    stop = () => {
      stopping ??= (async () => {
        // The answers to writes already made go out first (a cancel's 200 included).
        await writes.settled(5000);
        await app.close().catch(() => {});
        await lease.release();
        resolveExit();
      })();
      return stopping;
    };
    try {
      await app.listen({ port: opts.port, host: opts.host });
    } catch (err) {
      await stop();
      throw err;
    }
    return {
      url: `http://${opts.host}:${opts.port}`,
      pid: null,
      exited,
      stop,
      kill: () => void stop(),
    };
  }
}
