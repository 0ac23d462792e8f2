/**
 * A PostgreSQL instance of the benchmark's own, so that its statement and WAL
 * counters see nothing but the run: `initdb` in a temporary directory, then
 * `postgres` on a free port with pg_stat_statements preloaded. Everything else
 * is PostgreSQL's default (fsync on, synchronous_commit on, full_page_writes
 * on): a commit here is a durable write. The shared instance at 127.0.0.1:5432
 * is never touched.
 *
 * PostgreSQL refuses to run as root, so when this process is root initdb and
 * postgres run as the `postgres` user (`runuser`), in a directory it owns.
 * `stop()` shuts the server down (fast shutdown, then SIGKILL after 10 s) and
 * removes the directory; call it on every path out, interrupts included.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface OwnPostgres {
  port: number;
  dir: string;
  version: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** Pid of the postmaster. */
  pid: number;
  stop(): Promise<void>;
}

function binDir(): string {
  const env = process.env.BENCH_PG_BIN;
  if (env) return env;
  for (const v of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error('no PostgreSQL server binaries found (set BENCH_PG_BIN to their directory)');
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startOwnPostgres(log: (line: string) => void): Promise<OwnPostgres> {
  const bin = binDir();
  const asRoot = userInfo().uid === 0;
  // runuser -u postgres -- <cmd>: as root only; otherwise we already are an ordinary user.
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const dir = mkdtempSync(join(tmpdir(), 'tourney-bench-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  // Every caller waits for the one shutdown (an interrupt and the normal path may both ask).
  const stop = () => {
    stopping ??= shutdown();
    return stopping;
  };
  const shutdown = async () => {
    const pidFile = join(data, 'postmaster.pid');
    let pid = 0;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    } catch {
      // never started
    }
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGINT'); // fast shutdown
      } catch {
        // gone already
      }
      const force = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 10_000);
      await exited;
      clearTimeout(force);
    } else if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [initCmd, initArgs] = wrap(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-instructions',
      // initdb's own files are not fsynced (the server's settings are untouched by this).
      '--no-sync',
    ]);
    execFileSync(initCmd, initArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await freePort();
    const [cmd, args] = wrap(join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'pg_stat_statements.track=top',
      '-c',
      'pg_stat_statements.max=10000',
    ]);
    const started = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    let output = '';
    started.stdout?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    started.stderr?.on('data', (b: Buffer) => {
      output = (output + b.toString()).slice(-20_000);
    });
    const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (started.exitCode !== null)
        throw new Error(`postgres exited with ${started.exitCode}:\n${output}`);
      const c = new pg.Client({ connectionString: url('postgres'), connectionTimeoutMillis: 1000 });
      try {
        await c.connect();
        await c.end();
        break;
      } catch {
        await c.end().catch(() => {});
        if (Date.now() > deadline) throw new Error(`postgres did not answer in 30 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const admin = new pg.Client({ connectionString: url('postgres') });
    await admin.connect();
    const version =
      (await admin.query<{ server_version: string }>('show server_version')).rows[0]
        ?.server_version ?? '?';
    const settings = await admin.query<{ name: string; setting: string }>(
      "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers')",
    );
    await admin.end();
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    log(
      `  own PostgreSQL ${version} on 127.0.0.1:${port} (pid ${pid}, ${dir}): ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(' ')}`,
    );
    return { port, dir, version, url, pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
