import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type RunnerKind = 'inline' | 'process' | 'docker';

/** Settings of SPEC §2, read once at start. */
export interface Config {
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  port: number;
  host: string;
  runner: RunnerKind;
  tournamentPorts: number[];
  /** Warm tournament server processes the process runner keeps ready for the next start; 0: none. */
  tournamentStandby: number;
  sessionSecret: string;
  /** True when the secret was generated under DATA_DIR rather than configured. */
  sessionSecretGenerated: boolean;
  logLevel: string;
  channelPrefix: string;
  /** PostgreSQL connections the orchestrator's pool opens at most (DATABASE_POOL_MAX). */
  databasePoolMax: number;
  /** PostgreSQL connections each tournament server's pool opens at most (TOURNAMENT_DATABASE_POOL_MAX). */
  tournamentDatabasePoolMax: number;
  /** Connections the gateway opens at most to one tournament server for forwarded requests. */
  gatewayConnections: number;
}

/** An invalid setting; the message names it. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

/** Ports browsers refuse to connect to (the Fetch standard's "bad ports"). */
const BAD_PORTS = new Set([6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697]);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parsePort(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `"${raw}" is not a port number`);
  const n = Number(raw);
  if (n < 1 || n > 65535) throw new ConfigError(name, `${n} is outside 1-65535`);
  return n;
}

export function parsePortRange(raw: string): number[] {
  const m = /^(\d+)\s*-\s*(\d+)$/.exec(raw) ?? /^(\d+)$/.exec(raw);
  if (!m) throw new ConfigError('TOURNAMENT_PORTS', `"${raw}" is not a range like 6001-6999`);
  const from = parsePort('TOURNAMENT_PORTS', m[1] as string);
  const to = parsePort('TOURNAMENT_PORTS', (m[2] ?? m[1]) as string);
  if (to < from) throw new ConfigError('TOURNAMENT_PORTS', `range ${raw} ends before it starts`);
  const ports: number[] = [];
  for (let p = from; p <= to; p++) if (!BAD_PORTS.has(p)) ports.push(p);
  if (ports.length === 0)
    throw new ConfigError('TOURNAMENT_PORTS', `range ${raw} has no usable port`);
  return ports;
}

function parseCount(env: Env, name: string, fallback: number, max: number): number {
  const raw = nonEmpty(env, name) ?? String(fallback);
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new ConfigError(name, `"${raw}" is not a whole number from 1 to ${max}`);
  }
  return Number(raw);
}

function parseUrl(name: string, raw: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** The embedded session secret lives under DATA_DIR so that sessions survive restarts. */
function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = nonEmpty(env, 'DATABASE_URL');
  const redisUrl = nonEmpty(env, 'REDIS_URL');
  const dataDir = resolve(nonEmpty(env, 'DATA_DIR') ?? './data');
  const embedded = databaseUrl === undefined;

  const runnerRaw = nonEmpty(env, 'TOURNAMENT_RUNNER') ?? (embedded ? 'inline' : 'process');
  if (!['inline', 'process', 'docker'].includes(runnerRaw)) {
    throw new ConfigError(
      'TOURNAMENT_RUNNER',
      `"${runnerRaw}" is not one of inline, process, docker`,
    );
  }
  if (embedded && runnerRaw !== 'inline') {
    // PGlite serves one process: a separate tournament process could not reach it.
    throw new ConfigError(
      'TOURNAMENT_RUNNER',
      `${runnerRaw} needs DATABASE_URL (the embedded database serves one process)`,
    );
  }

  const standbyRaw = nonEmpty(env, 'TOURNAMENT_STANDBY') ?? '1';
  if (!/^\d{1,2}$/.test(standbyRaw) || Number(standbyRaw) > 16) {
    throw new ConfigError(
      'TOURNAMENT_STANDBY',
      `"${standbyRaw}" is not a whole number from 0 to 16`,
    );
  }

  const logLevel = nonEmpty(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `"${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  const secretRaw = nonEmpty(env, 'SESSION_SECRET');
  if (secretRaw !== undefined && secretRaw.length < 16) {
    throw new ConfigError('SESSION_SECRET', 'must be at least 16 characters');
  }

  const channelPrefix = env.CHANNEL_PREFIX ?? '';
  if (!/^[A-Za-z0-9_.:-]*$/.test(channelPrefix)) {
    throw new ConfigError('CHANNEL_PREFIX', 'may hold only letters, digits and _ . : -');
  }

  return {
    databaseUrl: databaseUrl
      ? parseUrl('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:'])
      : null,
    dataDir,
    redisUrl: redisUrl ? parseUrl('REDIS_URL', redisUrl, ['redis:', 'rediss:']) : null,
    port: parsePort('PORT', nonEmpty(env, 'PORT') ?? '5000'),
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    runner: runnerRaw as RunnerKind,
    tournamentPorts: parsePortRange(nonEmpty(env, 'TOURNAMENT_PORTS') ?? '6001-6999'),
    tournamentStandby: Number(standbyRaw),
    sessionSecret: secretRaw ?? embeddedSecret(dataDir),
    sessionSecretGenerated: secretRaw === undefined,
    logLevel,
    channelPrefix,
    databasePoolMax: parseCount(env, 'DATABASE_POOL_MAX', 10, 1000),
    tournamentDatabasePoolMax: parseCount(env, 'TOURNAMENT_DATABASE_POOL_MAX', 2, 100),
    gatewayConnections: parseCount(env, 'GATEWAY_CONNECTIONS', 1024, 65_536),
  };
}
