import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { dockerRunArgs, TOURNAMENT_IMAGE } from '../src/orchestrator/runners/docker-runner.js';

const root = join(import.meta.dirname, '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');

describe('deployment files', () => {
  it('docker-compose runs postgres, redis and the orchestrator with the settings of SPEC §2', () => {
    const compose = read('docker-compose.yml');
    for (const service of ['postgres:', 'redis:', 'orchestrator:'])
      expect(compose).toContain(`  ${service}`);
    expect(compose).toContain('dockerfile: Dockerfile.orchestrator');
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/\S+@postgres:5432\//);
    expect(compose).toContain('REDIS_URL: redis://redis:6379');
    expect(compose).toContain('"5000:5000"');
    expect(compose).toContain('TOURNAMENT_PORTS: 6001-6999');
    expect(compose).toContain('SESSION_SECRET:');
  });

  it('the images start the commands the CLI has', () => {
    const orch = read('Dockerfile.orchestrator');
    expect(orch).toMatch(/ENTRYPOINT \["node", "dist\/cli.js"\]/);
    expect(orch).toMatch(/CMD \["orchestrator"\]/);
    expect(orch).toContain('EXPOSE 5000');
    const tour = read('Dockerfile.tournament');
    expect(tour).toMatch(/ENTRYPOINT \["node", "dist\/bundle\/cli.mjs"\]/);
    expect(tour).toContain('COPY --from=build /app/drizzle ./drizzle');
  });

  it('the docker runner starts one container per tournament with the shared settings', () => {
    const config = loadConfig({
      DATA_DIR: '/tmp/unused-tourney',
      DATABASE_URL: 'postgres://u@db:5432/t',
      REDIS_URL: 'redis://r:6379',
      SESSION_SECRET: 'a-long-enough-secret',
      TOURNAMENT_RUNNER: 'docker',
    });
    const args = dockerRunArgs(config, { tournamentId: 't_7', port: 6007 });
    expect(args.slice(0, 2)).toEqual(['run', '--detach']);
    expect(args).toContain('tourney-t_7');
    expect(args).toContain('DATABASE_URL=postgres://u@db:5432/t');
    expect(args).toContain('REDIS_URL=redis://r:6379');
    expect(args.slice(args.indexOf(TOURNAMENT_IMAGE))).toEqual([
      TOURNAMENT_IMAGE,
      'tournament',
      '--id',
      't_7',
      '--port',
      '6007',
    ]);
  });
});
