/**
 * A tournament being played through the gateway, one result at a time: which
 * match is next (the current round's pending matches, read untimed when a
 * round begins), and what the last answer said about the tournament.
 */
import type { ApiResult, Gateway } from './gateway.js';

export interface PendingMatch {
  id: string;
  round: number;
  team1_id: string;
  team2_id: string;
}

/** Answers other than 2xx of the setup calls stop the run; the results' are counted instead. */
export function ok(r: ApiResult, what: string): ApiResult {
  if (r.status < 200 || r.status > 299)
    throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

export class Played {
  state = 'ACTIVE';
  currentRound = 1;
  results = 0;
  private queue: PendingMatch[] = [];

  constructor(
    readonly gw: Gateway,
    readonly id: string,
    readonly teams: number,
  ) {}

  get completed(): boolean {
    return this.state !== 'ACTIVE';
  }

  /**
   * Creates, publishes, fills with `teams` teams entered by the organizer and
   * starts a tournament.
   */
  static async create(
    gw: Gateway,
    input: { name: string; format: string; teams: number; options?: Record<string, unknown> },
  ): Promise<Played> {
    const created = ok(
      await gw.api('POST', '/api/v1/tournaments', {
        name: input.name,
        format: input.format,
        min_teams: 2,
        max_teams: input.teams,
        ...(input.options ? { options: input.options } : {}),
      }),
      `create ${input.name}`,
    );
    const id = String(created.body?.id);
    ok(await gw.api('POST', `/api/v1/tournaments/${id}/publish`), `publish ${id}`);
    for (let i = 1; i <= input.teams; i++)
      ok(
        await gw.api('POST', `/api/v1/tournaments/${id}/teams`, { name: `Team ${i}` }),
        `${id}: team ${i}`,
      );
    ok(await gw.api('POST', `/api/v1/tournaments/${id}/start`), `start ${id}`);
    return new Played(gw, id, input.teams);
  }

  /** The next pending match of the current round; null once the tournament is over. */
  async next(): Promise<PendingMatch | null> {
    if (this.queue.length === 0 && !this.completed) {
      const r = ok(await this.gw.api('GET', `/api/v1/tournaments/${this.id}/matches`), 'matches');
      const all = (r.body?.matches ?? []) as Array<PendingMatch & { status: string }>;
      this.queue = all
        .filter((m) => m.status === 'pending')
        .map(({ id, round, team1_id, team2_id }) => ({ id, round, team1_id, team2_id }));
      if (this.queue.length === 0) {
        const t = ok(await this.gw.api('GET', `/api/v1/tournaments/${this.id}`), 'tournament');
        this.state = String(t.body?.state);
        if (!this.completed)
          throw new Error(`${this.id}: ${this.state}, round ${this.currentRound}, nothing pending`);
      }
    }
    return this.queue.shift() ?? null;
  }

  /** Takes in the answer to a result: the tournament's state and round as it now stands. */
  answered(r: ApiResult): void {
    const t = r.body?.tournament as { state?: string; current_round?: number } | undefined;
    if (!t) return;
    this.results++;
    if (t.state) this.state = t.state;
    if (typeof t.current_round === 'number' && t.current_round !== this.currentRound) {
      this.currentRound = t.current_round;
      this.queue = [];
    }
  }

  /** A failed result: its match is read again with the round. */
  failed(): void {
    this.queue = [];
  }
}
