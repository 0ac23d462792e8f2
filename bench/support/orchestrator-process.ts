/**
 * The orchestrator as production runs it: `node dist/cli.js orchestrator` in
 * a process of its own, configured by its environment, its tournament servers
 * started by the process runner from the bundled CLI. Also /proc readings of
 * its child processes (tournament servers, standby) by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './services.js';

export interface OrchestratorProcess {
  url: string;
  pid: number;
  /** Error and fatal log lines (JSON) of the orchestrator and its servers, and stderr. */
  errors: string[];
  /** Stops it (SIGTERM: it stops its servers), SIGKILL after 15 s, then any child left. */
  stop(): Promise<void>;
}

/** Pids whose parent is `pid`, from /proc/<n>/stat. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) in parentheses: state, ppid, ...
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** User + system CPU time of a process, in clock ticks; null when it is gone. */
export function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return null;
  }
}

/** When a process started, in clock ticks after boot; 0 when it is gone. */
export function startTimeOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return 0;
  }
}

/**
 * The standby process waiting for the next publish: the youngest child started
 * as `tournament --standby` (a standby keeps that command line once it is
 * handed a tournament, so the older ones are servers now).
 */
export function standbyOf(orchestratorPid: number): number | null {
  const standbys = childrenOf(orchestratorPid).filter((p) => cmdlineOf(p).includes('--standby'));
  standbys.sort((a, b) => startTimeOf(b) - startTimeOf(a));
  return standbys[0] ?? null;
}

export async function startOrchestrator(env: Record<string, string>): Promise<OrchestratorProcess> {
  const cli = join(ROOT, 'dist', 'cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, 'orchestrator'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid as number;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors: string[] = [];
  let tail = '';
  const onLine = (line: string) => {
    tail = `${tail}${line}\n`.slice(-5000);
    if (/"level":(50|60)/.test(line)) errors.push(line);
  };
  const lines = (stream: NodeJS.ReadableStream | null, isErr: boolean) => {
    let buf = '';
    stream?.on('data', (b: Buffer) => {
      buf += b.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (isErr && line.trim() && !line.startsWith('{')) errors.push(line);
        onLine(line);
        nl = buf.indexOf('\n');
      }
    });
  };
  lines(child.stdout, false);
  lines(child.stderr, true);
  const known = new Set<number>();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= shutdown();
    return stopping;
  };
  const shutdown = async () => {
    for (const c of childrenOf(pid)) known.add(c);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    }
    // Anything it started and did not stop goes now, by pid (only our CLI's processes).
    for (const c of known) {
      if (cmdlineOf(c).includes(join(ROOT, 'dist'))) {
        try {
          process.kill(c, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  };
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`orchestrator exited ${child.exitCode}:\n${tail}`);
    try {
      const r = await fetch(`${url}/readyz`);
      await r.text();
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`orchestrator not ready within 60 s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Children seen while running, so that stop() can reach them after the parent is gone.
  const watch = setInterval(() => {
    for (const c of childrenOf(pid)) known.add(c);
  }, 2000);
  watch.unref();
  return {
    url,
    pid,
    errors,
    stop: async () => {
      clearInterval(watch);
      await stop();
    },
  };
}
