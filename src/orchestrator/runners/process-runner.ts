import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Runner, ServerHandle, ServerRecord } from '../../tournament/runner.js';
import { type AssignMessage, parseStandbyMessage } from '../../tournament/standby-protocol.js';

/**
 * The CLI for tournament servers: the bundle (`dist/bundle/cli.mjs`, split so
 * that a tournament server loads only its own modules) when it was built, else
 * `dist/cli.js`, and `src/cli.ts` through tsx in development.
 */
function cliCommand(): string[] {
  const here = import.meta.url;
  if (here.endsWith('.ts'))
    return ['--import', 'tsx', fileURLToPath(new URL('../../cli.ts', here))];
  const bundle = fileURLToPath(new URL('../../bundle/cli.mjs', here));
  return [existsSync(bundle) ? bundle : fileURLToPath(new URL('../../cli.js', here))];
}

/**
 * Node settings of tournament server processes, which are many and small
 * (docs/PERFORMANCE.md, "Tournament servers", gives the measurements): a
 * 1 MiB young generation instead of up to 16 MiB; one V8 helper thread
 * instead of four; no start-up snapshot (about 40 ms more to start, which a
 * standby spends before it is needed, and 2 MiB less); and `gc()`, with which
 * a server compacts its heap once it has started.
 */
export const SERVER_NODE_OPTIONS = [
  '--max-semi-space-size=1',
  '--v8-pool-size=1',
  '--no-node-snapshot',
  '--expose-gc',
] as const;

/**
 * glibc's malloc raises its trim threshold (up to 64 MiB) after freeing large
 * blocks and then keeps freed memory; a fixed threshold (its default, 128 KiB)
 * returns it. Other C libraries ignore the variable.
 */
const SERVER_ENV = { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=131072' } as const;

/** The settings a tournament server inherits from its orchestrator. */
export function childEnv(config: Config): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOST: config.host,
    LOG_LEVEL: config.logLevel,
    SESSION_SECRET: config.sessionSecret,
    CHANNEL_PREFIX: config.channelPrefix,
    DATA_DIR: config.dataDir,
    TOURNAMENT_RUNNER: 'process',
    TOURNAMENT_DATABASE_POOL_MAX: String(config.tournamentDatabasePoolMax),
  };
  if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
  if (config.redisUrl) env.REDIS_URL = config.redisUrl;
  return env;
}

/** A standby process: warming (loading, connecting) or warm, waiting for a tournament. */
interface Standby {
  child: ChildProcess;
  /** Resolves true once it says it is warm, false if it exits first. */
  warm: Promise<boolean>;
  isWarm: boolean;
  exited: Promise<void>;
  taken: boolean;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** How often an adopted server (not our child: no exit event) is checked for having exited. */
const ADOPTED_POLL_MS = 250;

/**
 * Whether `pid` runs: it exists (signal 0) and, where /proc tells, is not a
 * zombie and is a tournament server of ours (a recycled pid is not).
 */
function runsTournamentServer(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // Gone, or not ours to signal (EPERM).
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('tournament');
  } catch {
    // Gone meanwhile; or no /proc (not Linux), where signal 0 is all there is to go by.
    return !existsSync('/proc/self');
  }
}

/**
 * Each tournament server is a child process. Starting one from nothing costs
 * Node's start and the loading of the server's modules, so the runner keeps
 * `TOURNAMENT_STANDBY` (default 1) standby processes ahead of time: loaded and
 * connected, but owning no tournament (`tourney tournament --standby`). A
 * start hands a standby its tournament and port over the IPC channel and
 * starts the next standby at once; with no standby alive it starts
 * `tourney tournament --id t_7 --port 6007` as before.
 */
export class ProcessRunner implements Runner {
  readonly kind = 'process' as const;
  private readonly standbys: Standby[] = [];
  private readonly standbyCount: number;
  private prepared = false;
  private closed = false;
  /** Standby processes in a row that exited before they were warm: what the backoff grows with. */
  private failures = 0;
  private refillTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    /** Node arguments that run the CLI; by default the CLI beside this module. */
    private readonly command: string[] = cliCommand(),
  ) {
    this.standbyCount = config.tournamentStandby;
  }

  /** Starts the standby processes; until then (and with TOURNAMENT_STANDBY=0) starts are cold. */
  prepare(): void {
    if (this.prepared || this.closed) return;
    this.prepared = true;
    this.refill();
  }

  /** The standby processes alive now, warm or still warming. */
  standbyProcesses(): Array<{ pid: number; warm: boolean }> {
    return this.standbys
      .filter((s) => alive(s.child) && s.child.pid !== undefined)
      .map((s) => ({ pid: s.child.pid as number, warm: s.isWarm }));
  }

  async start(opts: { tournamentId: string; port: number; host: string }): Promise<ServerHandle> {
    for (;;) {
      if (this.closed) throw new Error('the process runner is closed');
      const standby = this.take();
      if (!standby) return this.cold(opts);
      this.refill();
      // A standby still warming is waited for: it is further along than a new process would be.
      const warm = await standby.warm;
      if (this.closed) {
        standby.child.kill('SIGTERM');
        throw new Error('the process runner is closed');
      }
      if (warm) return this.assign(standby, opts);
    }
  }

  /**
   * A server another orchestrator started: signalled by its pid, its exit
   * seen by polling (it is not our child, so no exit event comes).
   */
  async adopt(record: ServerRecord): Promise<ServerHandle | null> {
    const pid = record.pid;
    if (!pid || !runsTournamentServer(pid)) return null;
    let poll: NodeJS.Timeout | undefined;
    const exited = new Promise<void>((resolve) => {
      poll = setInterval(() => {
        if (runsTournamentServer(pid)) return;
        clearInterval(poll);
        resolve();
      }, ADOPTED_POLL_MS);
      poll.unref();
    });
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    };
    return {
      url: record.url,
      pid,
      exited,
      stop: async () => {
        signal('SIGTERM');
        // Its own shutdown gives up after 10 s; past that it is ended.
        const force = setTimeout(() => signal('SIGKILL'), 12_000);
        await exited;
        clearTimeout(force);
      },
      kill: () => signal('SIGKILL'),
    };
  }

  /** Stops the standby processes; the servers themselves are the registry's to stop. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    const ending = this.standbys.splice(0).map(async (s) => {
      if (alive(s.child)) s.child.kill('SIGTERM');
      const force = setTimeout(() => {
        if (alive(s.child)) s.child.kill('SIGKILL');
      }, 5000);
      await s.exited;
      clearTimeout(force);
    });
    await Promise.all(ending);
  }

  private spawn(args: string[], ipc: boolean): ChildProcess {
    return spawn(process.execPath, [...SERVER_NODE_OPTIONS, ...this.command, ...args], {
      env: { ...childEnv(this.config), ...SERVER_ENV },
      stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Output and exit of a child: its JSON log lines go to the orchestrator's output unchanged. */
  private watch(child: ChildProcess, log: Logger, what: string): Promise<void> {
    child.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
    child.stderr?.on('data', (d: Buffer) => log.warn(d.toString().trim()));
    return new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        log.info({ code, signal }, `${what} exited`);
        resolve();
      });
    });
  }

  private handle(child: ChildProcess, url: string, exited: Promise<void>): ServerHandle {
    return {
      url,
      pid: child.pid ?? null,
      exited,
      stop: async () => {
        if (alive(child)) child.kill('SIGTERM');
        await exited;
      },
      kill: () => {
        if (alive(child)) child.kill('SIGKILL');
      },
    };
  }

  private cold(opts: { tournamentId: string; port: number; host: string }): ServerHandle {
    const child = this.spawn(
      ['tournament', '--id', opts.tournamentId, '--port', String(opts.port)],
      false,
    );
    const log = this.logger.child({ tournament: opts.tournamentId, pid: child.pid });
    const exited = this.watch(child, log, 'tournament server');
    return this.handle(child, `http://${opts.host}:${opts.port}`, exited);
  }

  /** Keeps the configured number of standby processes, unless a backoff is pending. */
  private refill(): void {
    if (!this.prepared || this.closed || this.refillTimer) return;
    while (this.standbys.length < this.standbyCount) this.spawnStandby();
  }

  private spawnStandby(): void {
    const child = this.spawn(['tournament', '--standby'], true);
    const log = this.logger.child({ standby: child.pid });
    const exited = this.watch(child, log, 'tournament server');
    const standby: Standby = {
      child,
      exited,
      warm: Promise.resolve(false),
      isWarm: false,
      taken: false,
    };
    standby.warm = new Promise<boolean>((resolve) => {
      const onMessage = (message: unknown) => {
        if (parseStandbyMessage(message)?.type !== 'standby') return;
        child.off('message', onMessage);
        standby.isWarm = true;
        this.failures = 0;
        resolve(true);
      };
      child.on('message', onMessage);
      void exited.then(() => resolve(false));
    });
    // An IPC channel that breaks (the child died) must not take the orchestrator down.
    child.on('error', (err) => log.warn({ err: err.message }, 'standby process error'));
    void exited.then(() => {
      const i = this.standbys.indexOf(standby);
      if (i >= 0) this.standbys.splice(i, 1);
      if (standby.taken || this.closed) return;
      // A standby ended on its own: replace it, waiting longer after each that never got warm.
      if (!standby.isWarm) this.failures++;
      const delay = this.failures > 0 ? Math.min(30_000, 500 * 2 ** (this.failures - 1)) : 0;
      log.warn({ retry_in_ms: delay }, 'standby process ended before it was used');
      this.refillTimer = setTimeout(() => {
        this.refillTimer = undefined;
        this.refill();
      }, delay);
      this.refillTimer.unref();
    });
    this.standbys.push(standby);
  }

  /** The warm standby if there is one, else the one warming longest; it leaves the pool. */
  private take(): Standby | undefined {
    const candidates = this.standbys.filter((s) => alive(s.child) && s.child.connected);
    const pick = candidates.find((s) => s.isWarm) ?? candidates[0];
    if (!pick) return undefined;
    pick.taken = true;
    this.standbys.splice(this.standbys.indexOf(pick), 1);
    return pick;
  }

  private assign(
    standby: Standby,
    opts: { tournamentId: string; port: number; host: string },
  ): ServerHandle {
    const { child, exited } = standby;
    this.logger.info(
      { tournament: opts.tournamentId, pid: child.pid, port: opts.port },
      'assigning a standby tournament server',
    );
    const listening = new Promise<void>((resolve) => {
      const onMessage = (message: unknown) => {
        const m = parseStandbyMessage(message);
        if (m?.type !== 'serving' && m?.type !== 'failed') return;
        child.off('message', onMessage);
        // Nothing more to say to it: the channel closes, the server lives on its own.
        if (m.type === 'serving' && child.connected) child.disconnect();
        resolve();
      };
      child.on('message', onMessage);
      // A server that exits instead of answering is the registry's to notice.
      void exited.then(() => resolve());
    });
    const assign: AssignMessage = {
      type: 'assign',
      tournament_id: opts.tournamentId,
      port: opts.port,
    };
    child.send(assign, (err) => {
      if (err) this.logger.warn({ err: err.message, pid: child.pid }, 'could not assign standby');
    });
    return { ...this.handle(child, `http://${opts.host}:${opts.port}`, exited), listening };
  }
}
