#!/usr/bin/env node
import { loadConfig } from './config.js';

const USAGE = `usage: tourney <command>

commands:
  orchestrator                       start the gateway (PORT, default 5000)
  migrate                            apply database migrations and exit
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig();
  switch (command) {
    case 'orchestrator': {
      const { runOrchestrator } = await import('./orchestrator/main.js');
      return runOrchestrator(config);
    }
    case 'migrate': {
      const { runMigrate } = await import('./store/migrate-command.js');
      return runMigrate(config);
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
