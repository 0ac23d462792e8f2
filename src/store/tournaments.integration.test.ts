/**
 * The store keeps exactly what the engine holds: for every format and any
 * sequence of commands (registrations, the start, results, draws, abandons,
 * withdrawals, corrections), saving each command's change and loading the
 * tournament again gives the aggregate held in memory. A tournament server
 * that restarts continues from what it loads, so anything this loses, a
 * successor would get wrong (a withdrawal's round once was).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type StoreKind,
  type TestDatabase,
} from '../../test/support/backends.js';
import {
  abandonMatch,
  type CommandResult,
  correctResult,
  createTournament,
  type Format,
  type Match,
  matchesOfRound,
  pendingMatches,
  publish,
  recordResult,
  registerTeam,
  startTournament,
  type TournamentAggregate,
  unregisterTeam,
  withdrawTeam,
} from '../domain/index.js';
import { ids } from './ids.js';
import { users } from './schema.js';
import {
  insertTournament,
  loadTournament,
  nextTeamId,
  nextTournamentId,
  type StoredTournament,
  saveTournament,
} from './tournaments.js';

const NOW = '2026-12-01T12:00:00Z';
const ctx = { now: NOW };
const USERS = 40;

const OPTIONS: Record<Format, fc.Arbitrary<unknown>> = {
  single_elimination: fc.record({ third_place: fc.boolean() }),
  double_elimination: fc.record({ grand_final: fc.constantFrom('with_reset', 'single', 'none') }),
  round_robin: fc.record({ double: fc.boolean() }),
  swiss: fc.record({ rounds: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }) }),
};

const scenario = fc
  .constantFrom<Format>('single_elimination', 'double_elimination', 'round_robin', 'swiss')
  .chain((format) =>
    fc.record({
      format: fc.constant(format),
      options: OPTIONS[format],
      teams: fc.integer({ min: 2, max: 20 }),
      seeding: fc.constantFrom('random', 'manual'),
      seed: fc.nat(),
      /** Each number picks the next command once play has begun. */
      moves: fc.array(fc.nat(), { minLength: 0, maxLength: 200 }),
    }),
  );

function roundTrip(kind: StoreKind) {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await t.database.db
      .insert(users)
      .values(
        Array.from({ length: USERS }, (_, i) => ({ username: `u${i + 1}`, password_hash: 'x' })),
      );
  });
  afterAll(() => t?.drop());

  /** Saves a command's change, then checks that a fresh load gives what memory holds. */
  async function apply(stored: StoredTournament, r: CommandResult): Promise<StoredTournament> {
    if (!r.ok) return stored;
    const saved = await saveTournament(
      t.database.db,
      stored,
      r.tournament,
      r.changed_matches,
      r.removed_matches,
    );
    const next = { ...stored, agg: r.tournament, ...saved };
    const loaded = await loadTournament(t.database.db, r.tournament.id);
    expect(loaded?.agg).toEqual(r.tournament);
    expect(loaded?.version).toBe(next.version);
    return next;
  }

  it(`load(save(aggregate)) is the aggregate, for every format and command sequence (${kind})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const created = createTournament(
          {
            name: `Round trip ${s.format}`,
            format: s.format,
            min_teams: 2,
            max_teams: 64,
            seeding: s.seeding as 'random' | 'manual',
            options: s.options,
          },
          {
            id: await nextTournamentId(t.database.db),
            organizer_id: ids.user(1),
            seed: s.seed,
            now: NOW,
          },
        );
        if (!created.ok) throw new Error(created.error.code);
        let stored = await insertTournament(t.database.db, created.tournament);
        stored = await apply(stored, publish(stored.agg, ctx));
        for (let i = 0; i < s.teams; i++) {
          const seed = s.seeding === 'manual' && i % 3 === 0 ? s.teams - i : null;
          const team = {
            id: await nextTeamId(t.database.db),
            name: `Team ${i}`,
            captain_id: ids.user(2 + (i % (USERS - 1))),
            seed,
          };
          stored = await apply(stored, registerTeam(stored.agg, team, ctx));
        }
        // One team leaves before the start now and then.
        if (s.seed % 4 === 0 && stored.agg.teams.length > 2) {
          const leaving = stored.agg.teams.map((x) => x.id)[1] as string;
          stored = await apply(stored, unregisterTeam(stored.agg, leaving, ctx));
        }
        stored = await apply(stored, startTournament(stored.agg, ctx));
        const allowsDraw = s.format === 'round_robin' || s.format === 'swiss';
        for (const move of s.moves) {
          const agg: TournamentAggregate = stored.agg;
          if (agg.state !== 'ACTIVE') break;
          const pending = pendingMatches(agg);
          const m = pending[move % Math.max(1, pending.length)] as Match | undefined;
          const kind = move % 20;
          let r: CommandResult | null = null;
          if (kind === 0 && m) {
            r = abandonMatch(agg, m.id, ctx);
          } else if (kind === 1) {
            const present = agg.teams.filter((x) => !x.withdrawn);
            const team = present[move % Math.max(1, present.length)];
            if (team && present.length > 2) r = withdrawTeam(agg, team.id, ctx);
          } else if (kind === 2 || kind === 3) {
            const played = matchesOfRound(agg, 'all').filter(
              (x) => x.status === 'completed' && x.walkover !== true && x.team1_id && x.team2_id,
            );
            const c = played[move % Math.max(1, played.length)];
            if (c) {
              const other = c.winner === c.team1_id ? c.team2_id : c.team1_id;
              r = correctResult(agg, c.id, { winner: other }, ctx);
            }
          } else if (m?.team1_id && m.team2_id) {
            const draw = allowsDraw && kind === 4;
            const winner = move % 2 === 0 ? m.team1_id : m.team2_id;
            r = recordResult(
              agg,
              m.id,
              draw
                ? { winner: null, scores: { [m.team1_id]: 1, [m.team2_id]: 1 } }
                : {
                    winner,
                    scores: {
                      [winner]: 2,
                      [winner === m.team1_id ? m.team2_id : m.team1_id]: move % 2,
                    },
                  },
              ctx,
            );
          }
          if (r) stored = await apply(stored, r);
        }
      }),
      { numRuns: kind === 'pglite' ? 100 : 50, seed: 20261204 },
    );
  }, 120_000);
}

describe('tournament store', () => {
  describe('PGlite', () => roundTrip('pglite'));
  describe('PostgreSQL', () => roundTrip('postgres'));
});
