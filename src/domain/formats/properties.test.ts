/**
 * Seeded property tests of every format's invariants (STYLE "Tests"): each
 * run registers n teams (2..256, biased small), seeds them at random, plays
 * the tournament to the end with seeded random results, then checks what a
 * user would see.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TournamentAggregate } from '../aggregate.js';
import { abandonMatch, recordResult, withdrawTeam } from '../commands/play.js';
import { matchesOfRound, pendingMatches, standings } from '../queries.js';
import { nextRandom } from '../rng.js';
import { ctx, ok, playToEnd, result, started } from '../testing/builders.js';
import type { DoubleEliminationOptions, Format, Match, TeamId } from '../types.js';
import { bracketSize } from './seeding-order.js';

const SEED = 20251229;

/** Mostly small fields, some mid-sized, now and then the 256 maximum. */
const teamCount = (max = 256) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 2, max: 20 }) },
    { weight: 4, arbitrary: fc.integer({ min: 21, max: Math.min(max, 130) }) },
    { weight: 1, arbitrary: fc.constant(max) },
  );

const twoTeams = (m: Match): m is Match & { team1_id: TeamId; team2_id: TeamId } =>
  m.team1_id !== null && m.team2_id !== null;

/** Losses in matches actually played (byes and walkovers are not losses here). */
function playedLosses(matches: Match[]): Map<TeamId, number> {
  const losses = new Map<TeamId, number>();
  for (const m of matches) {
    if (m.status !== 'completed' || m.walkover || !twoTeams(m) || m.winner === null) continue;
    const loser = m.winner === m.team1_id ? m.team2_id : m.team1_id;
    losses.set(loser, (losses.get(loser) ?? 0) + 1);
  }
  return losses;
}

/** What holds for every format after an undisturbed tournament. */
function checkCommon(agg: TournamentAggregate, n: number) {
  const matches = matchesOfRound(agg, 'all');
  expect(agg.state).toBe('COMPLETED');
  expect(agg.teams.map((t) => t.id)).toContain(agg.winner);
  expect(matches.every((m) => m.status !== 'pending' && m.status !== 'waiting')).toBe(true);
  for (let r = 1; r <= agg.current_round; r++) {
    const playing = matchesOfRound(agg, r)
      .flatMap((m) => [m.team1_id, m.team2_id])
      .filter((t) => t !== null);
    expect(new Set(playing).size).toBe(playing.length);
  }
  const table = standings(agg);
  expect(table).toHaveLength(n);
  expect(new Set(table.map((s) => s.team_id)).size).toBe(n);
  expect(table.map((s) => s.rank)).toEqual([...table.map((s) => s.rank)].sort((a, b) => a - b));
  expect(table[0]).toMatchObject({ rank: 1, team_id: agg.winner });
  const decided = matches.filter(
    (m) => m.status === 'completed' && twoTeams(m) && m.winner !== null,
  ).length;
  const byes = agg.format === 'swiss' ? matches.filter((m) => m.status === 'bye').length : 0;
  expect(table.reduce((s, x) => s + x.wins, 0)).toBe(decided + byes);
  expect(table.reduce((s, x) => s + x.losses, 0)).toBe(decided);
  const draws = matches.filter(
    (m) => m.status === 'completed' && twoTeams(m) && m.winner === null,
  ).length;
  expect(table.reduce((s, x) => s + x.draws, 0)).toBe(2 * draws);
  return matches;
}

function run(format: Format, n: number, seed: number, options?: unknown, drawRate = 0) {
  const start = started(format, n, { options, seeding: 'random', seed });
  return playToEnd(start, seed ^ 0x5bd1e995, { drawRate }).agg;
}

describe('properties: single elimination', () => {
  it('has one champion, byes only for the best seeds in round 1, log2 rounds', () => {
    fc.assert(
      fc.property(teamCount(), fc.nat(), fc.boolean(), (n, seed, thirdPlace) => {
        const agg = run('single_elimination', n, seed, { third_place: thirdPlace });
        const matches = checkCommon(agg, n);
        const size = bracketSize(n);
        const byes = matches.filter((m) => m.status === 'bye' && m.bracket === 'main');
        expect(byes).toHaveLength(size - n);
        expect(byes.every((m) => m.round === 1 && m.team2_id === null)).toBe(true);
        expect(byes.map((m) => m.team1_id).sort()).toEqual(
          agg.play?.seeds.slice(0, size - n).sort(),
        );
        expect(agg.current_round).toBe(Math.log2(size));
        expect(matches).toHaveLength(size - 1 + (thirdPlace && size >= 4 ? 1 : 0));
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe('properties: double elimination', () => {
  it('knocks every team out after exactly two losses, except as the grand final allows', () => {
    const mode = fc.constantFrom<DoubleEliminationOptions['grand_final']>(
      'with_reset',
      'single',
      'none',
    );
    fc.assert(
      fc.property(teamCount(), fc.nat(), mode, (n, seed, grandFinal) => {
        const agg = run('double_elimination', n, seed, { grand_final: grandFinal });
        const matches = checkCommon(agg, n);
        const losses = playedLosses(matches);
        const champion = agg.winner as TeamId;
        const others = agg.teams.map((t) => t.id).filter((id) => id !== champion);
        const lossesOf = (id: TeamId) => losses.get(id) ?? 0;
        const k = Math.log2(bracketSize(n));
        if (grandFinal === 'with_reset') {
          expect(lossesOf(champion)).toBeLessThanOrEqual(1);
          expect(others.every((id) => lossesOf(id) === 2)).toBe(true);
          expect([2 * k, 2 * k + 1]).toContain(agg.current_round);
        } else if (grandFinal === 'single') {
          // The WB champion may lose the grand final with one loss.
          expect(lossesOf(champion)).toBeLessThanOrEqual(1);
          expect(others.filter((id) => lossesOf(id) !== 2).length).toBeLessThanOrEqual(1);
          expect(others.every((id) => lossesOf(id) >= 1)).toBe(true);
          expect(agg.current_round).toBe(2 * k);
        } else {
          // No grand final: the WB champion never lost; the LB champion lost once.
          expect(lossesOf(champion)).toBe(0);
          expect(others.filter((id) => lossesOf(id) === 1)).toHaveLength(1);
          expect(others.filter((id) => lossesOf(id) === 2)).toHaveLength(n - 2);
          expect(agg.current_round).toBe(Math.max(1, 2 * k - 1));
        }
        // Byes are all in WB round 1 or fed by WB round-1 byes (LB round 1, or its minor round).
        const lateByes = matches.filter(
          (m) => m.status === 'bye' && m.bracket === 'winners' && m.round > 1,
        );
        expect(lateByes).toHaveLength(0);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe('properties: round robin', () => {
  it('meets every pair once (twice when double) in n-1 rounds (n when odd)', () => {
    fc.assert(
      fc.property(teamCount(64), fc.nat(), fc.boolean(), (n, seed, double) => {
        const agg = run('round_robin', n, seed, { double }, 0.2);
        const matches = checkCommon(agg, n);
        expect(agg.current_round).toBe((n + (n % 2) - 1) * (double ? 2 : 1));
        const meetings = new Map<string, number>();
        for (const m of matches) {
          const key = [m.team1_id, m.team2_id].sort().join();
          meetings.set(key, (meetings.get(key) ?? 0) + 1);
        }
        expect(meetings.size).toBe((n * (n - 1)) / 2);
        expect([...meetings.values()].every((c) => c === (double ? 2 : 1))).toBe(true);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  // 32,640 matches: run once rather than inside the property.
  it('completes a 256-team round robin', () => {
    const agg = run('round_robin', 256, 7);
    checkCommon(agg, 256);
    expect(matchesOfRound(agg, 'all')).toHaveLength((256 * 255) / 2);
  }, 60_000);
});

describe('properties: swiss', () => {
  it('plays ceil(log2 n) rounds, everyone once a round, one bye at most per team', () => {
    fc.assert(
      fc.property(teamCount(), fc.nat(), (n, seed) => {
        const agg = run('swiss', n, seed, undefined, 0.1);
        const matches = checkCommon(agg, n);
        const rounds = Math.max(1, Math.ceil(Math.log2(n)));
        expect(agg.current_round).toBe(rounds);
        for (let r = 1; r <= rounds; r++) {
          expect(matchesOfRound(agg, r)).toHaveLength(Math.ceil(n / 2));
        }
        const byes = matches.filter((m) => m.status === 'bye').map((m) => m.team1_id);
        expect(new Set(byes).size).toBe(byes.length);
        expect(byes).toHaveLength(n % 2 === 1 ? rounds : 0);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});

/**
 * Disturbed runs: random abandons and withdrawals. The tournament still ends,
 * with a pending match whenever it is ACTIVE, nobody twice in a round, and a
 * winner who has not withdrawn (or nobody, when nobody is left).
 */
describe('properties: abandons and withdrawals', () => {
  const formats = fc.constantFrom<Format>(
    'single_elimination',
    'double_elimination',
    'round_robin',
    'swiss',
  );
  it('always finishes cleanly', () => {
    fc.assert(
      fc.property(formats, teamCount(64), fc.nat(), (format, n, seed) => {
        let agg = started(format, n, { seeding: 'random', seed });
        let rng = seed >>> 0;
        const draw = () => {
          const [v, next] = nextRandom(rng);
          rng = next;
          return v;
        };
        for (let step = 0; agg.state === 'ACTIVE'; step++) {
          expect(step).toBeLessThan(50_000);
          const pending = pendingMatches(agg);
          expect(pending.length).toBeGreaterThan(0);
          const roll = draw();
          if (roll < 0.05) {
            const active = agg.teams.filter((t) => !t.withdrawn);
            const leaving = active[Math.floor(draw() * active.length)];
            if (leaving) agg = ok(withdrawTeam(agg, leaving.id, ctx));
            continue;
          }
          const m = pending[Math.floor(draw() * pending.length)] as Match;
          agg =
            roll < 0.15
              ? ok(abandonMatch(agg, m.id, ctx))
              : ok(recordResult(agg, m.id, result(draw() < 0.5 ? m.team1_id : m.team2_id), ctx));
        }
        expect(agg.state).toBe('COMPLETED');
        for (let r = 1; r <= agg.current_round; r++) {
          const playing = matchesOfRound(agg, r)
            .flatMap((m) => [m.team1_id, m.team2_id])
            .filter((t) => t !== null);
          expect(new Set(playing).size).toBe(playing.length);
        }
        if (agg.winner !== null) {
          expect(agg.teams.find((t) => t.id === agg.winner)?.withdrawn).not.toBe(true);
        }
        expect(standings(agg)).toHaveLength(n);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
