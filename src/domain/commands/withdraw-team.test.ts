import { describe, expect, it } from 'vitest';
import type { CommandResult, TournamentAggregate } from '../aggregate.js';
import { matchesOfRound, standings } from '../queries.js';
import { ctx, findMatch, ok, registered, result, started } from '../testing/builders.js';
import { recordResult, withdrawTeam } from './play.js';

const code = (r: CommandResult) => (r.ok ? 'ok' : r.error.code);
const types = (r: CommandResult) => (r.ok ? r.events.map((e) => e.data.type) : []);

/** Plays `id` with `winner` and returns the new aggregate. */
function win(agg: TournamentAggregate, id: string, winner: string) {
  return ok(recordResult(agg, id, result(winner), ctx));
}

describe('withdrawTeam', () => {
  it('gives the pending match to the opponent as a walkover', () => {
    const agg = started('single_elimination', 4);
    const r = withdrawTeam(agg, 'team_4', ctx);
    expect(types(r)).toEqual(['team_withdrawn', 'match_result']);
    expect(r.ok && r.events[1]?.data).toMatchObject({
      match_id: 'r1_match_1',
      winner: 'team_1',
      walkover: true,
    });
    const after = ok(r);
    expect(after.teams.find((t) => t.id === 'team_4')).toMatchObject({
      withdrawn: true,
      withdrawn_round: 1,
    });
    expect(findMatch(after, 'r1_match_1')).toMatchObject({
      status: 'completed',
      walkover: true,
      winner: 'team_1',
    });
    expect(standings(after).find((s) => s.team_id === 'team_4')).toMatchObject({
      withdrawn: true,
      losses: 1,
    });
  });

  it('gives a later match to whoever arrives', () => {
    let agg = started('single_elimination', 4);
    agg = win(agg, 'r1_match_1', 'team_1');
    agg = ok(withdrawTeam(agg, 'team_1', ctx));
    expect(findMatch(agg, 'r2_match_1').status).toBe('waiting');
    agg = win(agg, 'r1_match_2', 'team_3');
    expect(findMatch(agg, 'r2_match_1')).toMatchObject({
      status: 'completed',
      walkover: true,
      winner: 'team_3',
    });
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_3' });
  });

  it('does not send a withdrawn team to the losers bracket', () => {
    let agg = started('double_elimination', 4);
    agg = ok(withdrawTeam(agg, 'team_4', ctx));
    expect(findMatch(agg, 'lb_r1_match_1').team1_id).toBeNull();
    agg = win(agg, 'wb_r1_match_2', 'team_3');
    expect(findMatch(agg, 'lb_r1_match_1')).toMatchObject({ status: 'bye', winner: 'team_2' });
  });

  it('turns the remaining round-robin games into walkovers', () => {
    let agg = started('round_robin', 4);
    agg = ok(withdrawTeam(agg, 'team_4', ctx));
    for (const m of matchesOfRound(agg, 1).filter((x) => x.status === 'pending')) {
      agg = win(agg, m.id, m.team1_id as string);
    }
    const round2 = matchesOfRound(agg, 2);
    const walkover = round2.find((m) => m.team1_id === 'team_4' || m.team2_id === 'team_4');
    expect(walkover).toMatchObject({ status: 'completed', walkover: true });
  });

  it('never crowns a withdrawn team: the best-placed team still in wins', () => {
    // team_1 wins its first two games, everything else is drawn; team_1 leaves before round 3.
    let agg = started('round_robin', 4);
    while (agg.state === 'ACTIVE') {
      if (agg.current_round === 3 && !agg.teams.at(0)?.withdrawn)
        agg = ok(withdrawTeam(agg, 'team_1', ctx));
      for (const m of matchesOfRound(agg, agg.current_round).filter(
        (x) => x.status === 'pending',
      )) {
        const one = m.team1_id === 'team_1' || m.team2_id === 'team_1';
        agg = ok(recordResult(agg, m.id, result(one ? 'team_1' : null), ctx));
      }
    }
    const table = standings(agg);
    expect(table[0]).toMatchObject({ team_id: 'team_1', points: 6, withdrawn: true });
    expect(table[1]).toMatchObject({ points: 5 });
    expect(agg.winner).toBe(table[1]?.team_id);
  });

  it('is a no-op the second time and knows unknown teams', () => {
    const agg = ok(withdrawTeam(started('swiss', 4), 'team_1', ctx));
    expect(withdrawTeam(agg, 'team_1', ctx)).toMatchObject({ ok: true, events: [] });
    expect(code(withdrawTeam(agg, 'team_9', ctx))).toBe('team_not_found');
    expect(code(withdrawTeam(registered('swiss', 4), 'team_1', ctx))).toBe('invalid_transition');
  });
});
