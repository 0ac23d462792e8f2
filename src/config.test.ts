import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parsePortRange } from './config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'tourney-config-'));

function settingOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.setting;
    throw err;
  }
  return undefined;
}

describe('loadConfig', () => {
  it('runs embedded with nothing set, and keeps one generated session secret', () => {
    const dir = dataDir();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({
      databaseUrl: null,
      redisUrl: null,
      port: 5000,
      host: '127.0.0.1',
      runner: 'inline',
    });
    expect(c.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(c.sessionSecret);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(c.sessionSecret);
    expect(c.tournamentPorts[0]).toBe(6001);
    expect(c.tournamentPorts.at(-1)).toBe(6999);
  });

  it('defaults to the process runner with real PostgreSQL', () => {
    const c = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://u@db:5432/t',
      REDIS_URL: 'redis://r:6379',
      SESSION_SECRET: 'a-long-enough-secret',
    });
    expect(c.runner).toBe('process');
    expect(c.sessionSecret).toBe('a-long-enough-secret');
    expect(c.tournamentStandby).toBe(1);
  });

  it('keeps as many standby tournament servers as TOURNAMENT_STANDBY says, 0 for none', () => {
    const base = { DATA_DIR: dataDir() };
    expect(loadConfig({ ...base, TOURNAMENT_STANDBY: '0' }).tournamentStandby).toBe(0);
    expect(loadConfig({ ...base, TOURNAMENT_STANDBY: '3' }).tournamentStandby).toBe(3);
    for (const bad of ['-1', 'one', '1.5', '17'])
      expect(settingOf(() => loadConfig({ ...base, TOURNAMENT_STANDBY: bad }))).toBe(
        'TOURNAMENT_STANDBY',
      );
  });

  it('gives each kind of process its PostgreSQL pool, and the gateway its connections per server', () => {
    const base = { DATA_DIR: dataDir() };
    expect(loadConfig(base)).toMatchObject({
      databasePoolMax: 10,
      tournamentDatabasePoolMax: 2,
      gatewayConnections: 1024,
    });
    const set = loadConfig({
      ...base,
      DATABASE_POOL_MAX: '30',
      TOURNAMENT_DATABASE_POOL_MAX: '3',
      GATEWAY_CONNECTIONS: '4096',
    });
    expect(set).toMatchObject({
      databasePoolMax: 30,
      tournamentDatabasePoolMax: 3,
      gatewayConnections: 4096,
    });
    for (const name of ['DATABASE_POOL_MAX', 'TOURNAMENT_DATABASE_POOL_MAX', 'GATEWAY_CONNECTIONS'])
      for (const bad of ['0', '-1', 'ten', '2.5', '9999999'])
        expect(settingOf(() => loadConfig({ ...base, [name]: bad }))).toBe(name);
  });

  it('names the setting that is wrong', () => {
    const base = { DATA_DIR: dataDir() };
    expect(settingOf(() => loadConfig({ ...base, PORT: 'abc' }))).toBe('PORT');
    expect(settingOf(() => loadConfig({ ...base, PORT: '70000' }))).toBe('PORT');
    expect(settingOf(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' }))).toBe(
      'DATABASE_URL',
    );
    expect(settingOf(() => loadConfig({ ...base, REDIS_URL: 'not a url' }))).toBe('REDIS_URL');
    expect(settingOf(() => loadConfig({ ...base, TOURNAMENT_RUNNER: 'k8s' }))).toBe(
      'TOURNAMENT_RUNNER',
    );
    expect(settingOf(() => loadConfig({ ...base, TOURNAMENT_RUNNER: 'process' }))).toBe(
      'TOURNAMENT_RUNNER',
    );
    expect(settingOf(() => loadConfig({ ...base, TOURNAMENT_PORTS: '7000-6000' }))).toBe(
      'TOURNAMENT_PORTS',
    );
    expect(settingOf(() => loadConfig({ ...base, LOG_LEVEL: 'loud' }))).toBe('LOG_LEVEL');
    expect(settingOf(() => loadConfig({ ...base, SESSION_SECRET: 'short' }))).toBe(
      'SESSION_SECRET',
    );
    expect(settingOf(() => loadConfig({ ...base, CHANNEL_PREFIX: 'a b' }))).toBe('CHANNEL_PREFIX');
  });
});

describe('parsePortRange', () => {
  it('skips the ports browsers refuse', () => {
    const ports = parsePortRange('6560-6700');
    for (const bad of [6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697])
      expect(ports).not.toContain(bad);
    expect(ports).toContain(6565);
    expect(ports).toContain(6670);
    expect(parsePortRange('6007')).toEqual([6007]);
  });
});
