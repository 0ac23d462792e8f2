#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';
import { parseIds } from './store/ids.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const USAGE = `usage: tourney <command>

commands:
  orchestrator                       start the gateway (PORT, default 5000)
  tournament --id t_7 --port 6007    serve one tournament
  tournament --standby               wait, warm, for the orchestrator to assign a tournament
                                     (started by the process runner, over an IPC channel)
  migrate                            apply database migrations and exit
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig();
  switch (command) {
    case 'orchestrator': {
      const { runOrchestrator } = await import('./orchestrator/main.js');
      // Only the inline runner needs the tournament server's code in this process.
      const { InlineRunner } =
        config.runner === 'inline'
          ? await import('./tournament-server/inline-runner.js')
          : { InlineRunner: null };
      return runOrchestrator(config, {
        inlineRunner: InlineRunner ? (deps) => new InlineRunner(deps) : undefined,
      });
    }
    case 'migrate': {
      const { runMigrate } = await import('./store/migrate-command.js');
      return runMigrate(config);
    }
    case 'tournament': {
      if (args.includes('--standby')) {
        const { runStandby } = await import('./tournament-server/main.js');
        return runStandby(config);
      }
      const id = flag(args, 'id');
      const port = flag(args, 'port');
      if (!id || parseIds.tournament(id) === null)
        throw new ConfigError('--id', 'a tournament id like t_7 is required');
      if (!port || !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
        throw new ConfigError('--port', 'a port number is required');
      }
      const { runTournamentServer } = await import('./tournament-server/main.js');
      return runTournamentServer(config, id, Number(port));
    }
    default:
      process.stderr.write(`tourney: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    // Configuration and unreachable services end the process with one line that names the cause.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`tourney: ${message}\n`);
    process.exitCode = 1;
  },
);
