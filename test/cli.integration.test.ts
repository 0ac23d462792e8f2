import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './support/redis-server.js';

const root = join(import.meta.dirname, '..');

function tourney(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code) => resolve(code ?? -1)),
  );
  return { child, exited, output: () => out };
}

async function waitHealthy(url: string, child: ChildProcess, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('exited before becoming healthy');
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not healthy in time');
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('tourney orchestrator', () => {
  it('exits non-zero naming the database when DATABASE_URL is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tourney-cli-'));
    dirs.push(dir);
    const run = tourney(['orchestrator'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x',
      DATA_DIR: dir,
    });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/DATABASE_URL: cannot reach PostgreSQL/);
  });

  it('exits non-zero naming Redis when REDIS_URL is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tourney-cli-'));
    dirs.push(dir);
    const run = tourney(['orchestrator'], { REDIS_URL: 'redis://127.0.0.1:1', DATA_DIR: dir });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/REDIS_URL: cannot reach Redis/);
  });

  it('exits non-zero naming an invalid setting', async () => {
    const run = tourney(['orchestrator'], { PORT: 'abc', DATA_DIR: join(tmpdir(), 'unused') });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/PORT/);
  });

  it('starts embedded with nothing configured, stops cleanly on SIGTERM, and starts again on the same data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tourney-cli-'));
    dirs.push(dir);
    const port = await freePort();
    const env = { DATA_DIR: dir, PORT: String(port) };
    for (let i = 0; i < 2; i++) {
      const run = tourney(['orchestrator'], env);
      const res = await waitHealthy(`http://127.0.0.1:${port}/healthz`, run.child);
      expect(await res.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(existsSync(join(dir, 'pglite', 'PG_VERSION'))).toBe(true);
    }
  }, 120_000);
});
