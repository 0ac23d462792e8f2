import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Config } from '../../config.js';
import type { Runner, ServerHandle, ServerRecord } from '../../tournament/runner.js';

const run = promisify(execFile);

export const TOURNAMENT_IMAGE = 'tourney-tournament';

/** `docker run` arguments for one tournament's container (built from Dockerfile.tournament). */
export function dockerRunArgs(
  config: Config,
  opts: { tournamentId: string; port: number },
): string[] {
  const env: Record<string, string | null> = {
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    SESSION_SECRET: config.sessionSecret,
    CHANNEL_PREFIX: config.channelPrefix,
    LOG_LEVEL: config.logLevel,
    TOURNAMENT_DATABASE_POOL_MAX: String(config.tournamentDatabasePoolMax),
    HOST: '0.0.0.0',
  };
  const args = [
    'run',
    '--detach',
    '--rm',
    '--name',
    `tourney-${opts.tournamentId}`,
    '--network',
    'host',
  ];
  for (const [k, v] of Object.entries(env)) if (v !== null) args.push('--env', `${k}=${v}`);
  args.push(TOURNAMENT_IMAGE, 'tournament', '--id', opts.tournamentId, '--port', String(opts.port));
  return args;
}

/** One container per tournament through the docker CLI. */
export class DockerRunner implements Runner {
  readonly kind = 'docker' as const;

  constructor(private readonly config: Config) {}

  async start(opts: { tournamentId: string; port: number; host: string }): Promise<ServerHandle> {
    await run('docker', dockerRunArgs(this.config, opts));
    return this.handle(opts.tournamentId, `http://${opts.host}:${opts.port}`);
  }

  /** A container another orchestrator started, found by its name. */
  async adopt(record: ServerRecord): Promise<ServerHandle | null> {
    const name = `tourney-${record.tournamentId}`;
    const running = await run('docker', ['inspect', '--format', '{{.State.Running}}', name]).then(
      (r) => r.stdout.trim() === 'true',
      () => false,
    );
    return running ? this.handle(record.tournamentId, record.url) : null;
  }

  private handle(tournamentId: string, url: string): ServerHandle {
    const name = `tourney-${tournamentId}`;
    const exited = run('docker', ['wait', name]).then(
      () => {},
      () => {},
    );
    return {
      url,
      pid: null,
      exited,
      stop: async () => {
        await run('docker', ['stop', '--time', '10', name]).catch(() => {});
        await exited;
      },
      kill: () => {
        void run('docker', ['kill', name]).catch(() => {});
      },
    };
  }
}
