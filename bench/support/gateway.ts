/** A small JSON client of the orchestrator's API, timing each call. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';

export interface ApiResult {
  status: number;
  body: Record<string, unknown> | null;
  ms: number;
}

export class Gateway {
  token = '';
  constructor(readonly base: string) {}

  async api(method: string, path: string, body?: unknown): Promise<ApiResult> {
    const t0 = performance.now();
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    let parsed: Record<string, unknown> | null = null;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed, ms };
  }

  async signUp(username: string): Promise<void> {
    const r = await this.api('POST', '/api/v1/auth/register', {
      username,
      password: 'bench-password-1',
    });
    if (r.status !== 201 && r.status !== 200)
      throw new Error(`register: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    this.token = String(r.body?.token);
  }

  async createTournament(name: string): Promise<string> {
    const r = await this.api('POST', '/api/v1/tournaments', {
      name,
      format: 'single_elimination',
      min_teams: 2,
      max_teams: 64,
    });
    if (r.status !== 201) throw new Error(`create: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return String(r.body?.id);
  }
}

/**
 * A logger for the orchestrator under test: silent except for errors, and
 * keeps the registry's own "tournament server ready" timings (spawn to
 * healthy, in ms) so the benchmark can split the publish call.
 */
export function capturingLogger(): { logger: Logger; readyMs: number[]; errors: string[] } {
  const readyMs: number[] = [];
  const errors: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = chunk.toString();
      if (
        line.includes('tournament server ready') ||
        line.includes('"level":50') ||
        line.includes('"level":60')
      ) {
        try {
          const entry = JSON.parse(line) as { msg?: string; ms?: number; level?: number };
          if (entry.msg === 'tournament server ready' && typeof entry.ms === 'number')
            readyMs.push(entry.ms);
          else if ((entry.level ?? 0) >= 50) errors.push(line.trim());
        } catch {
          // not one line of JSON
        }
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), readyMs, errors };
}
