import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Runner, ServerHandle } from './runner.js';

/**
 * The CLI for tournament servers: the one-file bundle (`dist/bundle/cli.mjs`,
 * starts in about half the time) when it was built, else `dist/cli.js`, and
 * `src/cli.ts` through tsx in development.
 */
function cliCommand(): string[] {
  const here = import.meta.url;
  if (here.endsWith('.ts'))
    return ['--import', 'tsx', fileURLToPath(new URL('../../cli.ts', here))];
  const bundle = fileURLToPath(new URL('../../bundle/cli.mjs', here));
  return [existsSync(bundle) ? bundle : fileURLToPath(new URL('../../cli.js', here))];
}

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
  };
  if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
  if (config.redisUrl) env.REDIS_URL = config.redisUrl;
  return env;
}

/** Each tournament server is a child process: `tourney tournament --id t_7 --port 6007`. */
export class ProcessRunner implements Runner {
  readonly kind = 'process' as const;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    /** Node arguments that run the CLI; by default the CLI beside this module. */
    private readonly command: string[] = cliCommand(),
  ) {}

  async start(opts: { tournamentId: string; port: number; host: string }): Promise<ServerHandle> {
    const child = spawn(
      process.execPath,
      [...this.command, 'tournament', '--id', opts.tournamentId, '--port', String(opts.port)],
      { env: childEnv(this.config), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = this.logger.child({ tournament: opts.tournamentId, pid: child.pid });
    // The child logs JSON lines of its own; they go to the orchestrator's output unchanged.
    child.stdout.on('data', (d: Buffer) => process.stdout.write(d));
    child.stderr.on('data', (d: Buffer) => log.warn(d.toString().trim()));
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        log.info({ code, signal }, 'tournament server exited');
        resolve();
      });
    });
    return {
      url: `http://${opts.host}:${opts.port}`,
      pid: child.pid ?? null,
      exited,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  }
}
