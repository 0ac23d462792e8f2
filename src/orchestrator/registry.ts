import { createServer } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from '../logger.js';
import type { Database } from '../store/database.js';
import { parseIds } from '../store/ids.js';
import { tournamentServers } from '../store/schema.js';
import { revokeLease } from '../tournament/lease.js';
import type { Runner, ServerHandle } from '../tournament/runner.js';
import {
  identify,
  isServed,
  isServerOf,
  type ServerRow,
  servedRows,
  serverRowOf,
  statesOf,
} from './server-identity.js';

export { SERVED_STATES } from './server-identity.js';

const HEALTH_EVERY_MS = 2000;
const HEALTH_TIMEOUT_MS = 1000;
const MAX_MISSES = 3;
const READY_TIMEOUT_MS = 15_000;
/** How many servers a takeover starts at the same time. */
const STARTS_AT_ONCE = 4;
/** How long a replaced server is given to be gone before its port is given up for another. */
const EXIT_WAIT_MS = 3000;

/** `failed`: the last start did not succeed and the next waits for its backoff. */
export type ServerStatus = 'starting' | 'running' | 'restarting' | 'failed' | 'stopping';

interface Entry {
  tournamentId: string;
  port: number;
  url: string;
  /** The lease epoch its server reported and the row recorded, once it was seen running. */
  epoch: number;
  status: ServerStatus;
  handle: ServerHandle | null;
  misses: number;
  restarts: number;
  /** Restarts in a row, each within a minute of the one before: what the backoff grows with. */
  streak: number;
  lastRestartAt: number;
  /** Settles when the current start (or restart) is over, whatever its outcome. */
  ready: Promise<void>;
  relaunching: boolean;
  stopping: boolean;
}

function newEntry(tournamentId: string, status: ServerStatus): Entry {
  return {
    tournamentId,
    port: 0,
    url: '',
    epoch: 0,
    status,
    handle: null,
    misses: 0,
    restarts: 0,
    streak: 0,
    lastRestartAt: 0,
    ready: Promise.resolve(),
    relaunching: false,
    stopping: false,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

async function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** What routing needs of a supervised server. */
export interface Supervised {
  status: ServerStatus;
  url: string;
  ready: Promise<void>;
}

/**
 * The supervisor's registry of tournament servers: starts one on publish,
 * health-checks it, restarts it after an exit or three missed checks (state
 * comes back from PostgreSQL), adopts the servers still alive when it takes
 * over, and stops them when their tournament ends. It acts only while this
 * orchestrator is the elected supervisor (`takeOver` .. `stepDown`); a server
 * counts as a tournament's only when its `/healthz` names the tournament and
 * the lease epoch of the tournament's row.
 */
export class ServerRegistry {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private supervising = false;
  private closed = false;
  private ticking: Promise<void> | undefined;
  /** Ports being checked for an entry, which no other start may take meanwhile. */
  private readonly reserved = new Set<number>();

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

  get isSupervising(): boolean {
    return this.supervising;
  }

  supervised(tournamentId: string): Supervised | null {
    const e = this.entries.get(tournamentId);
    return e ? { status: e.status, url: e.url, ready: e.ready } : null;
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

  private get active(): boolean {
    return this.supervising && !this.closed;
  }

  /** Gives the entry a free port of the range that no other entry has or is being given. */
  private async assignPort(entry: Entry): Promise<void> {
    const taken = new Set([...this.entries.values()].map((e) => e.port));
    for (const port of this.deps.ports) {
      if (taken.has(port) || this.reserved.has(port)) continue;
      this.reserved.add(port);
      try {
        if (await portIsFree(port, this.deps.host)) {
          entry.port = port;
          entry.url = `http://${this.deps.host}:${port}`;
          return;
        }
      } finally {
        this.reserved.delete(port);
      }
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

  /**
   * Starts the tournament's server unless one runs; settles once it answers
   * /healthz, or once the start failed (another follows after a backoff).
   * Does nothing unless this orchestrator supervises.
   */
  async ensure(tournamentId: string): Promise<void> {
    if (!this.active) return;
    const existing = this.entries.get(tournamentId);
    if (existing && !existing.stopping) return existing.ready;
    const entry = newEntry(tournamentId, 'starting');
    this.entries.set(tournamentId, entry);
    entry.ready = (async () => {
      try {
        await this.assignPort(entry);
        await this.launch(entry);
      } catch (err) {
        await this.failed(entry, err);
        void this.relaunch(entry, 1);
      }
    })();
    return entry.ready;
  }

  private async failed(entry: Entry, err: unknown) {
    this.deps.logger.error(
      { tournament: entry.tournamentId, err: (err as Error).message },
      'could not start tournament server',
    );
    if (entry.stopping || !this.active) return;
    entry.status = 'failed';
    await this.record(entry, { url: null, port: null, pid: null }).catch(() => {});
  }

  /**
   * One start of the tournament's server on `entry.port`: resolves once its
   * /healthz names the tournament and the epoch its row records (the server
   * writes it when it takes the lease); throws when it exits or does not get
   * there in time.
   */
  private async launch(entry: Entry): Promise<void> {
    const started = Date.now();
    const handle = await this.deps.runner.start({
      tournamentId: entry.tournamentId,
      port: entry.port,
      host: this.deps.host,
    });
    let exited = false;
    void handle.exited.then(() => {
      exited = true;
    });
    const abandon = async () => {
      // Stopped, or no longer the supervisor, while it was starting: it must not run on unowned.
      await handle.stop();
    };
    if (entry.stopping || !this.active) return abandon();
    // Where the server tells it listens, the first check comes right after that.
    if (handle.listening) {
      await Promise.race([handle.listening, handle.exited, sleep(READY_TIMEOUT_MS)]);
    }
    let epoch = 0;
    for (;;) {
      if (entry.stopping || !this.active) return abandon();
      if (exited) throw new Error(`tournament server ${entry.tournamentId} exited while starting`);
      const identity = await identify(handle.url, 500);
      if (identity?.tournament_id === entry.tournamentId) {
        const row = await serverRowOf(this.deps.database.db, entry.tournamentId);
        if (row && isServerOf(identity, entry.tournamentId, row.epoch)) {
          epoch = row.epoch;
          break;
        }
      }
      if (Date.now() - started > READY_TIMEOUT_MS) {
        handle.kill();
        throw new Error(`tournament server ${entry.tournamentId} did not become healthy`);
      }
      await sleep(20);
    }
    this.use(entry, handle, epoch);
    await this.record(entry, {
      url: handle.url,
      port: entry.port,
      pid: handle.pid,
      started_at: new Date(),
      restarts: entry.restarts,
    });
    this.deps.logger.info(
      { tournament: entry.tournamentId, url: handle.url, epoch, ms: Date.now() - started },
      'tournament server ready',
    );
  }

  /** From now on `handle` is the entry's running server. */
  private use(entry: Entry, handle: ServerHandle, epoch: number) {
    entry.handle = handle;
    entry.url = handle.url;
    entry.epoch = epoch;
    entry.status = 'running';
    entry.misses = 0;
    void handle.exited.then(() => this.onExit(entry, handle));
  }

  private onExit(entry: Entry, handle: ServerHandle) {
    if (entry.handle !== handle || entry.stopping || !this.active) return;
    this.deps.logger.warn({ tournament: entry.tournamentId }, 'tournament server gone; restarting');
    void this.relaunch(entry, 0);
  }

  /**
   * Replaces the entry's server: ends the old one (by its handle, adopted
   * ones included) and waits for it to be gone, frees its lease, keeps its
   * port only if that is free again, and starts a new one; after a failed
   * start, tries again with a growing backoff until it runs or is stopped.
   */
  private relaunch(entry: Entry, failures: number): Promise<void> {
    if (entry.relaunching) return entry.ready;
    entry.relaunching = true;
    entry.status = failures > 0 ? 'failed' : 'restarting';
    entry.ready = (async () => {
      try {
        for (let failed = failures; ; failed++) {
          // The first restart of a streak is at once; restarts in quick succession wait 200 ms,
          // 400 ms ... up to 5 s; after a failed start 1 s, 2 s ... up to 30 s.
          const now = Date.now();
          if (failed === 0) {
            entry.restarts++;
            entry.streak = now - entry.lastRestartAt < 60_000 ? entry.streak + 1 : 1;
            entry.lastRestartAt = now;
          }
          const delay =
            failed > 0
              ? Math.min(30_000, 1000 * 2 ** (failed - 1))
              : Math.min(5000, entry.streak > 1 ? 200 * 2 ** (entry.streak - 2) : 0);
          await sleep(delay);
          if (entry.stopping || !this.active) return;
          entry.status = 'restarting';
          try {
            await this.retire(entry);
            await this.launch(entry);
            return;
          } catch (err) {
            await this.failed(entry, err);
          }
        }
      } finally {
        entry.relaunching = false;
      }
    })();
    return entry.ready;
  }

  /** Ends the entry's server, if it has one, and makes sure the port to start on is free. */
  private async retire(entry: Entry) {
    const old = entry.handle;
    entry.handle = null;
    if (old) {
      old.kill();
      await Promise.race([old.exited, sleep(EXIT_WAIT_MS)]);
    }
    // The holder is dead: its lease can go now instead of lapsing in 10 s. Only its own
    // epoch's, so that a lease taken by a successor since stays.
    if (entry.epoch > 0) await revokeLease(this.deps.database.db, entry.tournamentId, entry.epoch);
    else if (old) await revokeLease(this.deps.database.db, entry.tournamentId);
    if (!entry.port || !(await portIsFree(entry.port, this.deps.host))) {
      await this.assignPort(entry);
    }
    entry.url = `http://${this.deps.host}:${entry.port}`;
  }

  /** A caller could not reach the server: check it now and restart it if it is gone. */
  async suspect(tournamentId: string): Promise<void> {
    const entry = this.entries.get(tournamentId);
    if (entry?.status !== 'running' || !this.active) return;
    if (isServerOf(await identify(entry.url, 300), tournamentId, entry.epoch)) return;
    void this.relaunch(entry, 0);
  }

  /**
   * Every few seconds: health checks (a server must still name its
   * tournament and the row's epoch), servers for tournaments published
   * elsewhere, and stops for tournaments that ended without this orchestrator
   * hearing of it.
   */
  private tick(): Promise<void> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async pass(): Promise<void> {
    if (!this.active) return;
    const db = this.deps.database.db;
    const served = await servedRows(db);
    const servedIds = new Set(served.map((r) => r.tournamentId));
    const others = [...this.entries.keys()].filter((id) => !servedIds.has(id));
    const states = await statesOf(db, others);
    await Promise.all([
      ...served.map(async (row) => {
        const entry = this.entries.get(row.tournamentId);
        if (!entry) return this.take(row);
        if (entry.status !== 'running') return;
        if (isServerOf(await identify(entry.url, HEALTH_TIMEOUT_MS), row.tournamentId, row.epoch)) {
          entry.misses = 0;
          entry.epoch = row.epoch;
          return;
        }
        entry.misses++;
        if (entry.misses >= MAX_MISSES) {
          this.deps.logger.warn(
            { tournament: entry.tournamentId },
            'three health checks missed; restarting',
          );
          await this.relaunch(entry, 0);
        }
      }),
      ...others.map(async (id) => {
        const state = states.get(id);
        if (state === undefined || !isServed(state)) await this.stop(id);
      }),
    ]);
  }

  /** Adopts the server its row names when that one answers as the tournament's, else starts one. */
  private async take(row: ServerRow): Promise<void> {
    if (this.entries.has(row.tournamentId) || !this.active) return;
    if (await this.adopt(row)) return;
    await this.replace(row);
  }

  private async replace(row: ServerRow): Promise<void> {
    if (this.entries.has(row.tournamentId) || !this.active) return;
    // Nothing answers as its server: whatever holds its lease under the recorded epoch
    // is gone or unreachable, and may go (a live one would lose its next renewal).
    await revokeLease(this.deps.database.db, row.tournamentId, row.epoch);
    await this.ensure(row.tournamentId);
  }

  private async adopt(row: ServerRow): Promise<boolean> {
    const { runner, host } = this.deps;
    if (runner.kind === 'inline' || row.runner !== runner.kind || !row.url || !row.port) {
      return false;
    }
    let identity = await identify(row.url, 1500);
    if (!isServerOf(identity, row.tournamentId, row.epoch))
      identity = await identify(row.url, 1500);
    if (!isServerOf(identity, row.tournamentId, row.epoch)) return false;
    const handle = await runner.adopt({
      tournamentId: row.tournamentId,
      url: row.url,
      port: row.port,
      pid: row.pid,
      host,
    });
    // One it cannot find it could neither stop nor replace: it is replaced now instead.
    if (!handle || !this.active || this.entries.has(row.tournamentId)) return false;
    const entry = newEntry(row.tournamentId, 'running');
    entry.port = row.port;
    this.entries.set(row.tournamentId, entry);
    this.use(entry, handle, row.epoch);
    this.deps.logger.info(
      { tournament: row.tournamentId, url: row.url, epoch: row.epoch, pid: row.pid },
      'adopted running tournament server',
    );
    return true;
  }

  /** Stops the tournament's server gracefully and frees its port; only the supervisor does. */
  async stop(tournamentId: string): Promise<void> {
    const entry = this.entries.get(tournamentId);
    if (!entry || !this.supervising) return;
    entry.stopping = true;
    entry.status = 'stopping';
    await entry.handle?.stop();
    if (this.entries.get(tournamentId) === entry) this.entries.delete(tournamentId);
    const key = parseIds.tournament(tournamentId) as number;
    await this.deps.database.db
      .update(tournamentServers)
      .set({ status: 'stopped', url: null, port: null, pid: null, updated_at: sql`now()` })
      .where(eq(tournamentServers.tournament_id, key));
  }

  /**
   * This orchestrator became the supervisor: every tournament that should
   * have a server gets one (a server still alive from before is adopted once
   * it identifies as the tournament's), then health checks run.
   */
  async takeOver(): Promise<void> {
    if (this.closed) return;
    this.supervising = true;
    this.deps.runner.prepare?.();
    const rows = await servedRows(this.deps.database.db);
    // Adoptions first, so that no start takes the port of a server about to be adopted.
    const adopted = await Promise.all(rows.map((row) => this.adopt(row).catch(() => false)));
    const rest = rows.filter((_, i) => !adopted[i]);
    // A few starts at a time: many at once would slow each past its deadline.
    const next = async (): Promise<void> => {
      const row = rest.shift();
      if (!row || !this.active) return;
      await this.replace(row).catch((err) =>
        this.deps.logger.error(
          { tournament: row.tournamentId, err: (err as Error).message },
          'could not start tournament server',
        ),
      );
      return next();
    };
    await Promise.all(Array.from({ length: STARTS_AT_ONCE }, next));
    clearInterval(this.timer);
    this.timer = setInterval(
      () =>
        void this.tick().catch((err) =>
          this.deps.logger.warn({ err: (err as Error).message }, 'supervision pass failed'),
        ),
      this.deps.healthEveryMs ?? HEALTH_EVERY_MS,
    );
    this.timer.unref();
  }

  /** Another orchestrator supervises now: the servers keep running, this one lets go of them. */
  stepDown(): void {
    this.supervising = false;
    clearInterval(this.timer);
    this.entries.clear();
  }

  /** The orchestrator's shutdown stops the servers it supervises. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const ids = [...this.entries.keys()];
    await Promise.all(ids.map((id) => this.stop(id).catch(() => {})));
    this.supervising = false;
    await this.deps.runner.close?.();
  }
}
