import { describe, expect, it } from 'vitest';
import type { TournamentAggregate } from '../aggregate.js';
import { recordResult, withdrawTeam } from '../commands/play.js';
import { matchesOfRound, standings } from '../queries.js';
import { ctx, ok, playToEnd, result, started } from '../testing/builders.js';
import { toGame } from './swiss.js';

function playRound(agg: TournamentAggregate): TournamentAggregate {
  let out = agg;
  const round = out.current_round;
  for (const m of matchesOfRound(out, round).filter((x) => x.status === 'pending')) {
    out = ok(recordResult(out, m.id, result(m.team1_id), ctx));
  }
  return out;
}

describe('swiss', () => {
  it.each([
    [2, 1],
    [3, 2],
    [8, 3],
    [9, 4],
    [33, 6],
  ])('plays ceil(log2(n)) rounds by default (%i teams: %i)', (n, rounds) => {
    const agg = started('swiss', n);
    expect(agg.play?.total_rounds).toBe(rounds);
    const done = playToEnd(agg, n).agg;
    expect(done.state).toBe('COMPLETED');
    expect(done.current_round).toBe(rounds);
  });

  it('plays the configured number of rounds', () => {
    const done = playToEnd(started('swiss', 6, { options: { rounds: 5 } }), 2).agg;
    expect(done.current_round).toBe(5);
    expect(matchesOfRound(done, 'all')).toHaveLength(15);
  });

  it('creates each round from the standings when it starts', () => {
    let agg = started('swiss', 8);
    expect(matchesOfRound(agg, 'all')).toHaveLength(4);
    agg = playRound(agg);
    const round2 = matchesOfRound(agg, 2);
    expect(round2).toHaveLength(4);
    // Winners meet winners.
    const winners = new Set(matchesOfRound(agg, 1).map((m) => m.winner));
    const pairedWinners = round2.filter((m) => winners.has(m.team1_id) === winners.has(m.team2_id));
    expect(pairedWinners).toHaveLength(4);
  });

  it('counts a bye as a win worth points.win', () => {
    const agg = started('swiss', 3);
    const bye = matchesOfRound(agg, 1).find((m) => m.status === 'bye');
    expect(bye).toMatchObject({ team2_id: null, walkover: true });
    expect(bye && toGame(bye)).toEqual({ round: 1, a: bye?.team1_id, b: null, outcome: 'a' });
    const line = standings(agg).find((s) => s.team_id === bye?.team1_id);
    expect(line).toMatchObject({ points: 1, wins: 1 });
  });

  it('stops pairing a withdrawn team, and ends early with one team left', () => {
    let agg = started('swiss', 4, { options: { rounds: 3 } });
    agg = ok(withdrawTeam(agg, 'team_4', ctx));
    agg = playRound(agg);
    const round2 = matchesOfRound(agg, 2);
    expect(round2.flatMap((m) => [m.team1_id, m.team2_id])).not.toContain('team_4');
    agg = ok(withdrawTeam(agg, 'team_3', ctx));
    agg = ok(withdrawTeam(agg, 'team_2', ctx));
    agg = playRound(agg);
    expect(agg.state).toBe('COMPLETED');
  });
});
