import { createServer } from 'node:net';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import { ids, parseIds } from '../store/ids.js';
import { tournamentServers, tournaments } from '../store/schema.js';
import { revokeLease } from '../tournament/lease.js';
import type { Runner, ServerHandle } from '../tournament/runner.js';

/** States in which a tournament has its own server (SPEC §1: from REGISTRATION until ARCHIVED or CANCELLED). */
export const SERVED_STATES = ['REGISTRATION', 'ACTIVE', 'COMPLETED'] as const;

const HEALTH_EVERY_MS = 2000;
const HEALTH_TIMEOUT_MS = 1000;
const MAX_MISSES = 3;
const READY_TIMEOUT_MS = 15_000;

interface Entry {
  tournamentId: string;
  port: number;
  url: string;
  status: 'starting' | 'running' | 'restarting' | 'stopping';
  handle: ServerHandle | null;
  misses: number;
  restarts: number;
  /** Restarts in a row, each within a minute of the one before: what the backoff grows with. */
  streak: number;
  lastRestartAt: number;
  /** Set while the server starts, so routing can wait for it. */
  ready: Promise<void>;
  stopping: boolean;
}

/** A registry entry with no restarts, misses or stop behind it. */
function newEntry(tournamentId: string, port: number, url: string, status: Entry['status']): Entry {
  return {
    tournamentId,
    port,
    url,
    status,
    handle: null,
    misses: 0,
    restarts: 0,
    streak: 0,
    lastRestartAt: 0,
    ready: Promise.resolve(),
    stopping: false,
  };
}

async function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

async function healthy(url: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The orchestrator's registry of tournament servers: starts one on publish,
 * health-checks it, restarts it after an exit or three missed checks (state
 * comes back from PostgreSQL), adopts the servers still alive after an
 * orchestrator restart, and stops them when their tournament ends.
 */
export class ServerRegistry {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly deps: {
      database: Database;
      runner: Runner;
      ports: readonly number[];
      host: string;
      logger: Logger;
      healthEveryMs?: number;
    },
  ) {}

  /** Where a live tournament's server answers, waiting up to `waitMs` while it (re)starts; null if none runs. */
  async urlOf(tournamentId: string, waitMs = 5000): Promise<string | null | 'unavailable'> {
    const entry = this.entries.get(tournamentId);
    if (!entry || entry.status === 'stopping') return null;
    if (entry.status === 'running') return entry.url;
    const e = entry;
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), waitMs).unref());
    const outcome = await Promise.race([entry.ready.then(() => 'ready' as const), timeout]);
    return outcome === 'ready' && (e.status as Entry['status']) === 'running'
      ? e.url
      : 'unavailable';
  }

  info(
    tournamentId: string,
  ): { url: string; status: string; port: number; restarts: number } | null {
    const e = this.entries.get(tournamentId);
    return e ? { url: e.url, status: e.status, port: e.port, restarts: e.restarts } : null;
  }

  get running(): number {
    return [...this.entries.values()].filter((e) => e.status === 'running').length;
  }

  private async pickPort(): Promise<number> {
    const taken = new Set([...this.entries.values()].map((e) => e.port));
    for (const port of this.deps.ports) {
      if (taken.has(port)) continue;
      if (await portIsFree(port, this.deps.host)) return port;
    }
    throw new Error('no free port left in TOURNAMENT_PORTS');
  }

  private async record(entry: Entry, fields: Partial<typeof tournamentServers.$inferInsert>) {
    const key = parseIds.tournament(entry.tournamentId) as number;
    await this.deps.database.db
      .insert(tournamentServers)
      .values({
        tournament_id: key,
        runner: this.deps.runner.kind,
        status: entry.status,
        ...fields,
      })
      .onConflictDoUpdate({
        target: tournamentServers.tournament_id,
        set: {
          runner: this.deps.runner.kind,
          status: entry.status,
          updated_at: sql`now()`,
          ...fields,
        },
      });
  }

  /** Starts the tournament's server unless one runs; resolves once it answers /healthz. */
  async ensure(tournamentId: string): Promise<void> {
    const existing = this.entries.get(tournamentId);
    if (existing && !existing.stopping) return existing.ready;
    const entry = newEntry(tournamentId, 0, '', 'starting');
    this.entries.set(tournamentId, entry);
    entry.ready = (async () => {
      // Another process may take a port between the check and the listen: try the next one.
      for (let attempt = 1; ; attempt++) {
        entry.port = await this.pickPort();
        entry.url = `http://${this.deps.host}:${entry.port}`;
        try {
          await this.launch(entry);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) {
            this.entries.delete(tournamentId);
            throw err;
          }
        }
      }
    })();
    return entry.ready;
  }

  private async launch(entry: Entry): Promise<void> {
    const started = Date.now();
    const handle = await this.deps.runner.start({
      tournamentId: entry.tournamentId,
      port: entry.port,
      host: this.deps.host,
    });
    if (entry.stopping || this.closed) {
      // Stopped while the runner was starting it: it must not run on unowned.
      await handle.stop();
      return;
    }
    entry.handle = handle;
    entry.url = handle.url;
    void handle.exited.then(() => this.onExit(entry, handle));
    // Where the server tells it listens, the first check comes right after that.
    if (handle.listening) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        handle.listening,
        new Promise((r) => {
          timer = setTimeout(r, READY_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    while (!(await healthy(handle.url, 500))) {
      if (entry.handle !== handle || entry.stopping) return;
      if (Date.now() - started > READY_TIMEOUT_MS) {
        handle.kill();
        throw new Error(`tournament server ${entry.tournamentId} did not become healthy`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    entry.status = 'running';
    entry.misses = 0;
    await this.record(entry, {
      url: handle.url,
      port: entry.port,
      pid: handle.pid,
      started_at: new Date(),
      restarts: entry.restarts,
    });
    this.deps.logger.info(
      { tournament: entry.tournamentId, url: handle.url, ms: Date.now() - started },
      'tournament server ready',
    );
  }

  private onExit(entry: Entry, handle: ServerHandle) {
    if (entry.handle !== handle || entry.stopping || this.closed) return;
    this.deps.logger.warn({ tournament: entry.tournamentId }, 'tournament server gone; restarting');
    void this.restart(entry);
  }

  private async restart(entry: Entry): Promise<void> {
    if (entry.status === 'restarting') return;
    entry.status = 'restarting';
    entry.handle?.kill();
    entry.handle = null;
    entry.restarts++;
    const now = Date.now();
    entry.streak = now - entry.lastRestartAt < 60_000 ? entry.streak + 1 : 1;
    entry.lastRestartAt = now;
    entry.ready = (async () => {
      // Backoff grows with failures in quick succession: 0 ms, 200 ms, 400 ms ... up to 5 s;
      // a server that ran for a minute since its last restart starts again at once.
      const delay = Math.min(5000, entry.streak > 1 ? 200 * 2 ** (entry.streak - 2) : 0);
      await new Promise((r) => setTimeout(r, delay));
      // The holder is dead: its lease can go now instead of lapsing in 10 s.
      await revokeLease(this.deps.database.db, entry.tournamentId);
      for (;;) {
        if (entry.stopping || this.closed) return;
        try {
          await this.launch(entry);
          return;
        } catch (err) {
          this.deps.logger.error(
            { tournament: entry.tournamentId, err: (err as Error).message },
            'restart failed',
          );
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
    await entry.ready;
  }

  /** A caller could not reach the server: check it now and restart it if it is gone. */
  async suspect(tournamentId: string): Promise<void> {
    const entry = this.entries.get(tournamentId);
    if (entry?.status !== 'running') return;
    if (await healthy(entry.url, 300)) return;
    void this.restart(entry);
  }

  private async checkAll(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        if (entry.status !== 'running') return;
        if (await healthy(entry.url)) {
          entry.misses = 0;
          return;
        }
        entry.misses++;
        if (entry.misses >= MAX_MISSES) {
          this.deps.logger.warn(
            { tournament: entry.tournamentId },
            'three health checks missed; restarting',
          );
          await this.restart(entry);
        }
      }),
    );
  }

  /** Stops the tournament's server gracefully and frees its port. */
  async stop(tournamentId: string): Promise<void> {
    const entry = this.entries.get(tournamentId);
    if (!entry) return;
    entry.stopping = true;
    entry.status = 'stopping';
    await entry.handle?.stop();
    this.entries.delete(tournamentId);
    const key = parseIds.tournament(tournamentId) as number;
    await this.deps.database.db
      .update(tournamentServers)
      .set({ status: 'stopped', url: null, port: null, pid: null, updated_at: sql`now()` })
      .where(eq(tournamentServers.tournament_id, key));
  }

  /**
   * On orchestrator start: every tournament that should have a server gets
   * one (a server still alive from before is adopted), then health checks run.
   */
  async start(): Promise<void> {
    this.deps.runner.prepare?.();
    const db = this.deps.database.db;
    const live = await db
      .select({
        id: tournaments.id,
        url: tournamentServers.url,
        port: tournamentServers.port,
        runner: tournamentServers.runner,
      })
      .from(tournaments)
      .leftJoin(tournamentServers, eq(tournamentServers.tournament_id, tournaments.id))
      .where(inArray(tournaments.state, [...SERVED_STATES]));
    for (const row of live) {
      const tournamentId = ids.tournament(row.id);
      const adoptable =
        this.deps.runner.kind !== 'inline' &&
        row.runner === this.deps.runner.kind &&
        row.url &&
        row.port;
      if (adoptable && (await healthy(row.url as string))) {
        this.entries.set(
          tournamentId,
          newEntry(tournamentId, row.port as number, row.url as string, 'running'),
        );
        this.deps.logger.info(
          { tournament: tournamentId, url: row.url },
          'adopted running tournament server',
        );
        continue;
      }
      await this.ensure(tournamentId).catch((err) =>
        this.deps.logger.error(
          { tournament: tournamentId, err: (err as Error).message },
          'could not start tournament server',
        ),
      );
    }
    this.timer = setInterval(
      () => void this.checkAll(),
      this.deps.healthEveryMs ?? HEALTH_EVERY_MS,
    );
    this.timer.unref();
  }

  /** The orchestrator's shutdown stops the servers it started. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id).catch(() => {})));
    await this.deps.runner.close?.();
  }
}
