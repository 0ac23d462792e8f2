import type { ServerInfo } from '../http/present.js';
import type { Executor } from '../store/database.js';
import type { ServerRegistry } from './registry.js';
import { identify, isServed, isServerOf, serverRowOf } from './server-identity.js';

/** Where a request about a tournament goes. */
export type Route =
  /** The orchestrator answers: no such tournament, or one without a server (DRAFT, CANCELLED, ARCHIVED). */
  | { kind: 'local' }
  | { kind: 'server'; url: string }
  /** It has a server, but none answers as its own now. */
  | { kind: 'unavailable' };

/** How long a server that answered as the tournament's is trusted without asking again. */
const VERIFIED_MS = 1000;
const POLL_MS = 200;
const INFO_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Finds a live tournament's server for any orchestrator, supervisor or not:
 * the supervisor's own record of it, else the tournament's `tournament_servers`
 * row; either way a server is used only once its `/healthz` named the
 * tournament and the lease epoch of the row (checked again after a second).
 */
export class ServerLocator {
  private readonly verified = new Map<string, { url: string; at: number }>();
  private readonly infos = new Map<string, { info: ServerInfo | null; at: number }>();
  private readonly looking = new Map<
    string,
    Promise<Route | { kind: 'pending'; failed: boolean }>
  >();

  constructor(private readonly deps: { db: Executor; registry: ServerRegistry; pollMs?: number }) {}

  /** The server did not answer: it is looked up again. */
  forget(tournamentId: string): void {
    this.verified.delete(tournamentId);
    this.infos.delete(tournamentId);
  }

  /** Where requests about the tournament go, waiting up to `waitMs` while its server (re)starts. */
  async route(tournamentId: string, waitMs: number): Promise<Route> {
    const known = this.verified.get(tournamentId);
    if (known && Date.now() - known.at < VERIFIED_MS) return { kind: 'server', url: known.url };
    this.verified.delete(tournamentId);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = await this.look(tournamentId);
      if (found.kind !== 'pending') return found;
      // A start that failed waits for its backoff: no use holding the request.
      if (found.failed) return { kind: 'unavailable' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'unavailable' };
      const pause = sleep(Math.min(left, this.deps.pollMs ?? POLL_MS));
      const own = this.deps.registry.supervised(tournamentId);
      await (own && own.status !== 'running' ? Promise.race([own.ready, pause]) : pause);
    }
  }

  /** One look at the row and the server it names; requests arriving meanwhile share it. */
  private look(tournamentId: string): Promise<Route | { kind: 'pending'; failed: boolean }> {
    let pending = this.looking.get(tournamentId);
    if (!pending) {
      pending = this.lookOnce(tournamentId).finally(() => this.looking.delete(tournamentId));
      this.looking.set(tournamentId, pending);
    }
    return pending;
  }

  private async lookOnce(
    tournamentId: string,
  ): Promise<Route | { kind: 'pending'; failed: boolean }> {
    const row = await serverRowOf(this.deps.db, tournamentId);
    if (!row || !isServed(row.state)) return { kind: 'local' };
    const own = this.deps.registry.supervised(tournamentId);
    const status = own ? own.status : row.status;
    const url = own ? own.url : row.url;
    if (status === 'running' && url) {
      const identity = await identify(url, 1000);
      if (isServerOf(identity, tournamentId, row.epoch)) {
        this.verified.set(tournamentId, { url, at: Date.now() });
        return { kind: 'server', url };
      }
    }
    return { kind: 'pending', failed: status === 'failed' };
  }

  /** The `server` field of a tournament as this orchestrator shows it. */
  async info(tournamentId: string): Promise<ServerInfo | null> {
    const registry = this.deps.registry;
    const own = registry.info(tournamentId);
    if (own) return { url: own.url, status: own.status };
    if (registry.isSupervising) return null;
    const cached = this.infos.get(tournamentId);
    if (cached && Date.now() - cached.at < INFO_MS) return cached.info;
    const row = await serverRowOf(this.deps.db, tournamentId);
    const info =
      row && isServed(row.state) && row.url && row.status
        ? { url: row.url, status: row.status }
        : null;
    if (this.infos.size > 10_000) this.infos.clear();
    this.infos.set(tournamentId, { info, at: Date.now() });
    return info;
  }
}
