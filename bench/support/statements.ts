/**
 * What a stretch of work cost PostgreSQL, from pg_stat_statements (PG 13+:
 * `calls`, `rows`, `wal_bytes`, `total_exec_time` per statement) and the WAL
 * insert position. The counters are read from another database than the one
 * measured (the extension's view covers the whole instance; rows are kept by
 * `dbid`), so reading them is not counted.
 */
import type pg from 'pg';

export interface StatementTotals {
  calls: number;
  rows: number;
  wal_bytes: number;
  exec_ms: number;
}

export interface Snapshot {
  /** By queryid. */
  statements: Map<string, StatementTotals>;
  /** WAL insert position, bytes from 0/0. */
  lsn: number;
  /** performance.now() when the counters were read. */
  at: number;
}

const zero = (): StatementTotals => ({ calls: 0, rows: 0, wal_bytes: 0, exec_ms: 0 });

export class StatementCounter {
  constructor(
    /** A connection to a database of the instance that has `create extension pg_stat_statements`. */
    private readonly admin: pg.Client,
    /** The oid of the database measured. */
    readonly dbid: number,
  ) {}

  async snapshot(): Promise<Snapshot> {
    const r = await this.admin.query<{
      q: string;
      calls: string;
      rows: string;
      wal: string;
      ms: number;
    }>({
      name: 'bench_pgss_snapshot',
      text: `select queryid::text as q, calls::text, rows::text, wal_bytes::text as wal, total_exec_time as ms
               from pg_stat_statements(false) where dbid = $1
             union all
             select '', '0', '0', pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text, 0`,
      values: [this.dbid],
    });
    const statements = new Map<string, StatementTotals>();
    let lsn = 0;
    for (const row of r.rows) {
      if (row.q === '') {
        lsn = Number(row.wal);
        continue;
      }
      const s = statements.get(row.q) ?? zero();
      s.calls += Number(row.calls);
      s.rows += Number(row.rows);
      s.wal_bytes += Number(row.wal);
      s.exec_ms += row.ms;
      statements.set(row.q, s);
    }
    return { statements, lsn, at: performance.now() };
  }

  /** The statements' texts (normalised, `$1` for constants), by queryid. */
  async texts(): Promise<Map<string, string>> {
    const r = await this.admin.query<{ q: string; query: string }>(
      'select queryid::text as q, query from pg_stat_statements where dbid = $1',
      [this.dbid],
    );
    return new Map(r.rows.map((row) => [row.q, row.query]));
  }

  async reset(): Promise<void> {
    await this.admin.query('select pg_stat_statements_reset()');
  }
}

/** Sums of statement deltas over many windows (the results of one phase). */
export class StatementTally {
  readonly byQuery = new Map<string, StatementTotals>();
  windows = 0;
  lsnBytes = 0;
  /** Time covered by the windows, ms. */
  windowMs = 0;

  /** Adds what happened between `a` and `b`. */
  add(a: Snapshot, b: Snapshot): void {
    this.windows++;
    this.lsnBytes += b.lsn - a.lsn;
    this.windowMs += b.at - a.at;
    for (const [q, after] of b.statements) {
      const before = a.statements.get(q);
      const calls = after.calls - (before?.calls ?? 0);
      if (calls <= 0) continue;
      const t = this.byQuery.get(q) ?? zero();
      t.calls += calls;
      t.rows += after.rows - (before?.rows ?? 0);
      t.wal_bytes += after.wal_bytes - (before?.wal_bytes ?? 0);
      t.exec_ms += after.exec_ms - (before?.exec_ms ?? 0);
      this.byQuery.set(q, t);
    }
  }

  /** Totals over the queryids `keep` accepts. */
  sum(keep: (queryid: string) => boolean = () => true): StatementTotals {
    const out = zero();
    for (const [q, t] of this.byQuery) {
      if (!keep(q)) continue;
      out.calls += t.calls;
      out.rows += t.rows;
      out.wal_bytes += t.wal_bytes;
      out.exec_ms += t.exec_ms;
    }
    return out;
  }
}

/**
 * Splits a phase's statements into the work of its results and what the
 * timers of the servers and the orchestrator ran meanwhile. `idle` holds what
 * ran in a window with nothing posted. A statement seen there is the timers'
 * alone unless the phase's windows ran it clearly more often than its idle
 * rate (BEGIN and COMMIT: results and the start notifier both run them);
 * then the calls its idle rate predicts are taken off, rows and WAL bytes in
 * proportion.
 */
export function foreground(
  phase: StatementTally,
  idle: StatementTally,
): {
  work: Map<string, StatementTotals>;
  /** Calls the timers are expected to have made in the phase's windows. */
  background_calls: number;
} {
  const work = new Map<string, StatementTotals>();
  let background = 0;
  for (const [q, t] of phase.byQuery) {
    const idleCalls = idle.byQuery.get(q)?.calls ?? 0;
    const expected = idle.windowMs > 0 ? (idleCalls / idle.windowMs) * phase.windowMs : 0;
    if (idleCalls === 0) {
      work.set(q, { ...t });
      continue;
    }
    const shared = t.calls > 2 * expected + 0.2 * phase.windows;
    if (!shared) {
      background += t.calls;
      continue;
    }
    background += Math.min(expected, t.calls);
    const keep = Math.max(0, t.calls - expected) / t.calls;
    work.set(q, {
      calls: t.calls * keep,
      rows: t.rows * keep,
      wal_bytes: t.wal_bytes * keep,
      exec_ms: t.exec_ms * keep,
    });
  }
  return { work, background_calls: background };
}

/** True for statements that change rows (their `rows` are rows written). */
export function isWrite(text: string | undefined): boolean {
  return text !== undefined && /^\s*(insert|update|delete|merge)\b/i.test(text);
}
