/**
 * Real services and machine facts for the benchmarks: a PostgreSQL database of
 * the run's own (created, migrated, dropped), the Redis address, the compiled
 * CLI, file-descriptor limits and /proc memory readings.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres } from '../../src/store/database.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const PG_ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates and migrates `tourney_bench_<pid>[_suffix]`; `drop()` removes it (with force). */
export async function createBenchDatabase(suffix = ''): Promise<BenchDatabase> {
  const name = `tourney_bench_${process.pid}${suffix ? `_${suffix}` : ''}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(PG_ADMIN_URL, name);
  const database = await openPostgres(url, { max: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  let dropped = false;
  return {
    name,
    url,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const a = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
      await a.connect();
      try {
        await a.query(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** A Redis channel/key prefix no other run uses (CHANNEL_PREFIX allows letters, digits, _ . : -). */
export function uniquePrefix(kind: string): string {
  return `bench:${kind}:${process.pid}:${Date.now()}:`;
}

function newestMtime(dir: string, skip: (path: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, skip));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bundled CLI (`dist/bundle/cli.mjs`, what the process runner starts in
 * production), rebuilt with `npm run build:server` when it is missing or older
 * than a source file.
 */
export function ensureDist(log: (line: string) => void = console.log): string {
  const cli = join(ROOT, 'dist', 'bundle', 'cli.mjs');
  const srcNewest = newestMtime(join(ROOT, 'src'), (p) => p.endsWith('.test.ts'));
  if (existsSync(cli) && statSync(cli).mtimeMs >= srcNewest) return cli;
  log(existsSync(cli) ? 'dist/ is older than src/: rebuilding' : 'dist/ is missing: building');
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? '').trim();
    throw new Error(`tsc -p tsconfig.build.json failed:\n${out}`);
  }
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle-server.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return cli;
}

/** The soft limit on open files of this process (children inherit it). */
export function openFileLimit(): number {
  const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
}

/** The local port range for outgoing connections: how many clients one source address can open. */
export function ephemeralPorts(): number {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return (hi as number) - (lo as number) + 1;
  } catch {
    return 28_000;
  }
}

/** VmRSS of a process in bytes, from /proc/<pid>/status; null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  date: string;
  load: string;
}

export function machine(): Machine {
  const sh = (cmd: string) => {
    try {
      return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    nproc: Number(sh('nproc')),
    cpu: sh("lscpu | grep 'Model name' | sed 's/Model name:[[:space:]]*//'"),
    node: process.version,
    date: new Date().toISOString(),
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

/** Load average over the last minute. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

const cleanups = new Set<() => Promise<void> | void>();
let trapped = false;

/**
 * Runs `fn` if the benchmark is interrupted (SIGINT, SIGTERM), so that an
 * aborted run still drops its database and ends the processes it started.
 * Returns a function that forgets `fn` once the normal path has done it.
 */
export function onInterrupt(fn: () => Promise<void> | void): () => void {
  if (!trapped) {
    trapped = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cleaning up`);
        const force = setTimeout(() => process.exit(130), 15_000);
        force.unref();
        void (async () => {
          for (const cleanup of [...cleanups].reverse())
            await Promise.resolve(cleanup()).catch(() => {});
          process.exit(130);
        })();
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
