/**
 * Differential test against brackets-manager (the reference the benchmark
 * compares with): the same seeding must give the same first-round pairings
 * in single and double elimination, and the same losers-bracket drop order,
 * for 2..64 teams.
 *
 * Where the two differ on purpose (so not compared here):
 * - Tournament rounds: brackets-manager numbers rounds inside each bracket; a
 *   Tourney match's `round` interleaves the brackets (its `bracket_round`
 *   is brackets-manager's round number).
 * - Two-team double elimination: brackets-manager stops after the winners'
 *   final; Tourney plays the grand final (the loser's second life), so that
 *   every team but the champion still leaves with two losses.
 * - Byes: brackets-manager keeps a bye as an empty opponent; Tourney records
 *   the bye as a decided match (status `bye`). The pairings are the same.
 */
import { BracketsManager } from 'brackets-manager';
import { InMemoryDatabase } from 'brackets-memory-db';
import { describe, expect, it } from 'vitest';
import { matchesOfRound } from '../queries.js';
import { started } from '../testing/builders.js';
import type { Format, Match } from '../types.js';
import { bracketSize } from './seeding-order.js';

interface BmOpponent {
  id: number | null;
  position?: number;
}
interface BmMatch {
  group_id: number;
  round_id: number;
  number: number;
  opponent1: BmOpponent | null;
  opponent2: BmOpponent | null;
}

/** brackets-manager's matches as [group number, round number, match number] -> opponents. */
async function referenceBracket(format: Format, n: number) {
  const storage = new InMemoryDatabase();
  const manager = new BracketsManager(storage);
  const size = bracketSize(n);
  const seeding = Array.from({ length: size }, (_, i) => (i < n ? `team_${i + 1}` : null));
  await manager.create.stage({
    tournamentId: 0,
    name: 'reference',
    type: format === 'single_elimination' ? 'single_elimination' : 'double_elimination',
    seeding,
    settings: { size, seedOrdering: ['inner_outer'], grandFinal: 'double' },
  });
  const groups = (await storage.select('group')) as { id: number; number: number }[];
  const rounds = (await storage.select('round')) as { id: number; number: number }[];
  const participants = (await storage.select('participant')) as { id: number; name: string }[];
  const matches = (await storage.select('match')) as BmMatch[];
  const groupNo = new Map(groups.map((g) => [g.id, g.number]));
  const roundNo = new Map(rounds.map((r) => [r.id, r.number]));
  const name = new Map(participants.map((p) => [p.id, p.name]));
  return matches.map((m) => ({
    group: groupNo.get(m.group_id) as number,
    round: roundNo.get(m.round_id) as number,
    number: m.number,
    one: m.opponent1,
    two: m.opponent2,
    names: [m.opponent1, m.opponent2].map((o) => (o?.id == null ? null : (name.get(o.id) ?? null))),
  }));
}

const matchNumber = (id: string) => Number(id.slice(id.lastIndexOf('_') + 1));

function firstRound(matches: Match[], bracket: 'main' | 'winners') {
  return matches
    .filter((m) => m.bracket === bracket && m.bracket_round === 1)
    .map((m) => [m.team1_id, m.team2_id]);
}

const SIZES = Array.from({ length: 63 }, (_, i) => i + 2);

describe('differential: brackets-manager', () => {
  it('single elimination: same first-round pairings and byes, 2..64 teams', async () => {
    for (const n of SIZES) {
      const ours = matchesOfRound(started('single_elimination', n), 'all');
      const reference = (await referenceBracket('single_elimination', n))
        .filter((m) => m.group === 1 && m.round === 1)
        .sort((a, b) => a.number - b.number)
        .map((m) => m.names);
      expect(firstRound(ours, 'main'), `${n} teams`).toEqual(reference);
    }
  });

  it('double elimination: same first round and losers-bracket drop order, 2..64 teams', async () => {
    for (const n of SIZES) {
      const ours = matchesOfRound(started('double_elimination', n), 'all');
      const reference = await referenceBracket('double_elimination', n);
      const wb1 = reference
        .filter((m) => m.group === 1 && m.round === 1)
        .sort((a, b) => a.number - b.number)
        .map((m) => m.names);
      expect(firstRound(ours, 'winners'), `${n} teams`).toEqual(wb1);
      // Where a WB loser drops: brackets-manager gives the feeding WB match number as `position`.
      for (const lb of reference.filter((m) => m.group === 2)) {
        const mine = ours.find((m) => m.id === `lb_r${lb.round}_match_${lb.number}`);
        expect(mine, `${n} teams lb_r${lb.round}_match_${lb.number}`).toBeDefined();
        const slots = [
          [lb.one, mine?.team1_from],
          [lb.two, mine?.team2_from],
        ] as const;
        for (const [theirs, from] of slots) {
          if (theirs?.position === undefined) continue;
          expect(from?.take).toBe('loser');
          expect(from && matchNumber(from.match_id)).toBe(theirs.position);
        }
      }
      const lbCount = ours.filter((m) => m.bracket === 'losers').length;
      expect(lbCount).toBe(reference.filter((m) => m.group === 2).length);
    }
  });
});
