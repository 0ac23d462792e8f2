import { describe, expect, it } from 'vitest';
import type { CommandResult, TournamentAggregate } from '../aggregate.js';
import { standings } from '../queries.js';
import { ctx, findMatch, ok, registered, result, started } from '../testing/builders.js';
import { abandonMatch, recordResult } from './play.js';

const code = (r: CommandResult) => (r.ok ? 'ok' : r.error.code);
const types = (r: CommandResult) => (r.ok ? r.events.map((e) => e.data.type) : []);

/** Plays `id` with `winner` and returns the new aggregate. */
function win(agg: TournamentAggregate, id: string, winner: string) {
  return ok(recordResult(agg, id, result(winner), ctx));
}

describe('recordResult', () => {
  it('checks the state table before the match id (SPEC §5)', () => {
    const r = recordResult(registered('single_elimination', 4), 'nope', result('team_1'), ctx);
    expect(r.ok ? null : r.error.details).toMatchObject({
      state: 'REGISTRATION',
      action: 'record_result',
    });
  });

  it('knows unknown and waiting matches', () => {
    const agg = started('single_elimination', 4);
    expect(code(recordResult(agg, 'r9_match_1', result('team_1'), ctx))).toBe('match_not_found');
    expect(code(recordResult(agg, 'r2_match_1', result('team_1'), ctx))).toBe('match_not_pending');
  });

  it('records, announces and lets the winner move on', () => {
    const agg = started('single_elimination', 4);
    const r = recordResult(agg, 'r1_match_1', result('team_1', { team_1: 2, team_4: 1 }), ctx);
    expect(r.ok && r.events.map((e) => e.data)).toEqual([
      {
        type: 'match_result',
        tournament_id: 't_1',
        match_id: 'r1_match_1',
        winner: 'team_1',
        round: 1,
        timestamp: ctx.now,
        loser: 'team_4',
        scores: { team_1: 2, team_4: 1 },
        draw: false,
        walkover: false,
      },
    ]);
    const after = ok(r);
    expect(findMatch(after, 'r1_match_1')).toMatchObject({ status: 'completed', winner: 'team_1' });
    // Round 2 waits for round 1 to finish, even with one team known.
    expect(findMatch(after, 'r2_match_1')).toMatchObject({ team1_id: 'team_1', status: 'waiting' });
    expect(r.ok && r.changed_matches.map((m) => m.id).sort()).toEqual(['r1_match_1', 'r2_match_1']);
  });

  it('lets the scores decide when the winner is left out', () => {
    const agg = ok(
      recordResult(
        started('single_elimination', 2),
        'r1_match_1',
        result(undefined, { team_1: 0, team_2: 3 }),
        ctx,
      ),
    );
    expect(agg.winner).toBe('team_2');
  });

  it('refuses results that do not fit the match', () => {
    const agg = started('single_elimination', 4);
    const bad = (input: object) => code(recordResult(agg, 'r1_match_1', input, ctx));
    expect(bad(result('team_2'))).toBe('invalid_result');
    expect(bad({})).toBe('invalid_result');
    expect(bad(result('team_1', { team_1: 1, team_4: 2 }))).toBe('invalid_result');
    expect(bad(result('team_1', { team_1: 1 }))).toBe('invalid_result');
    expect(bad(result('team_1', { team_1: 1, team_4: -1 }))).toBe('invalid_result');
    expect(bad(result('team_1', { team_1: 1, team_4: 0, team_2: 0 }))).toBe('invalid_result');
    expect(bad(result(null, { team_1: 1, team_4: 0 }))).toBe('invalid_result');
    expect(bad(result('team_1', { team_1: 1, team_4: 1 }))).toBe('ok');
  });

  it('allows draws only where the format does', () => {
    const se = started('single_elimination', 4);
    expect(code(recordResult(se, 'r1_match_1', result(null), ctx))).toBe('draw_not_allowed');
    expect(
      code(recordResult(se, 'r1_match_1', result(undefined, { team_1: 1, team_4: 1 }), ctx)),
    ).toBe('draw_not_allowed');
    expect(
      code(recordResult(started('double_elimination', 4), 'wb_r1_match_1', result(null), ctx)),
    ).toBe('draw_not_allowed');
    const rr = recordResult(started('round_robin', 4), 'r1_match_1', result(null), ctx);
    expect(rr.ok && findMatch(rr.tournament, 'r1_match_1')).toMatchObject({
      status: 'completed',
      winner: null,
    });
    expect(code(recordResult(started('swiss', 4), 'r1_match_1', result(null), ctx))).toBe('ok');
  });

  it('treats the same result again as a no-op, a different one as a conflict', () => {
    const agg = ok(
      recordResult(
        started('single_elimination', 4),
        'r1_match_1',
        result('team_1', { team_1: 2, team_4: 1 }),
        ctx,
      ),
    );
    const again = recordResult(agg, 'r1_match_1', result('team_1', { team_1: 2, team_4: 1 }), ctx);
    expect(again).toMatchObject({ ok: true, events: [], changed_matches: [] });
    expect(again.ok && again.tournament).toBe(agg);
    expect(recordResult(agg, 'r1_match_1', result('team_1'), ctx)).toMatchObject({
      ok: true,
      events: [],
    });
    expect(code(recordResult(agg, 'r1_match_1', result('team_4'), ctx))).toBe(
      'match_already_completed',
    );
    expect(
      code(recordResult(agg, 'r1_match_1', result('team_1', { team_1: 3, team_4: 1 }), ctx)),
    ).toBe('match_already_completed');
  });

  it('starts the next round when the last match of a round is decided', () => {
    let agg = started('single_elimination', 4);
    agg = win(agg, 'r1_match_1', 'team_1');
    const r = recordResult(agg, 'r1_match_2', result('team_3'), ctx);
    expect(types(r)).toEqual(['match_result', 'round_advanced', 'match_ready', 'match_ready']);
    expect(r.ok && r.events[1]?.data).toMatchObject({ new_round: 2, matches_count: 1 });
    expect(r.ok && r.events[2]?.data).toMatchObject({
      match_id: 'r2_match_1',
      team_id: 'team_1',
      opponent: 'Team 3',
    });
    expect(r.ok && r.tournament.current_round).toBe(2);
  });

  it('completes the tournament with the final', () => {
    let agg = started('single_elimination', 2);
    const r = recordResult(agg, 'r1_match_1', result('team_2'), ctx);
    agg = ok(r);
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_2' });
    expect(r.ok && r.events.map((e) => [e.data.type, e.scope.kind])).toEqual([
      ['match_result', 'tournament'],
      ['state_changed', 'tournament'],
      ['tournament_completed', 'global'],
    ]);
    expect(r.ok && r.events[2]?.data).toEqual({
      type: 'tournament_completed',
      tournament_id: 't_1',
      tournament_name: 'Summer Championship',
      winner: 'team_2',
      winner_name: 'Team 2',
      timestamp: ctx.now,
    });
    expect(code(recordResult(agg, 'r1_match_1', result('team_2'), ctx))).toBe('invalid_transition');
  });

  it('never changes its input', () => {
    const agg = started('double_elimination', 5);
    const copy = JSON.parse(JSON.stringify(agg));
    win(agg, 'wb_r1_match_2', 'team_4');
    expect(agg).toEqual(copy);
  });
});

describe('abandonMatch', () => {
  it('ends the match with no winner; the next match is a walkover', () => {
    let agg = started('single_elimination', 4);
    const r = abandonMatch(agg, 'r1_match_1', ctx);
    expect(types(r)).toEqual(['match_abandoned']);
    agg = ok(r);
    expect(findMatch(agg, 'r1_match_1')).toMatchObject({ status: 'abandoned', winner: null });
    const r2 = recordResult(agg, 'r1_match_2', result('team_2'), ctx);
    agg = ok(r2);
    // team_2 goes through the final without playing: the tournament is over.
    expect(findMatch(agg, 'r2_match_1')).toMatchObject({
      team1_id: null,
      team2_id: 'team_2',
      status: 'bye',
      winner: 'team_2',
    });
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_2' });
  });

  it('decides a match emptied on both sides with no winner, and that travels on', () => {
    let agg = started('single_elimination', 8);
    agg = ok(abandonMatch(agg, 'r1_match_1', ctx));
    agg = ok(abandonMatch(agg, 'r1_match_2', ctx));
    expect(findMatch(agg, 'r2_match_1')).toMatchObject({ status: 'bye', winner: null });
    expect(findMatch(agg, 'r3_match_1')).toMatchObject({ team1_id: null, status: 'waiting' });
    agg = win(agg, 'r1_match_3', 'team_2');
    agg = win(agg, 'r1_match_4', 'team_3');
    agg = win(agg, 'r2_match_2', 'team_3');
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_3' });
  });

  it('eliminates both teams in double elimination (nobody drops)', () => {
    let agg = started('double_elimination', 4);
    agg = ok(abandonMatch(agg, 'wb_r1_match_1', ctx));
    expect(findMatch(agg, 'lb_r1_match_1')).toMatchObject({ team1_id: null });
    agg = win(agg, 'wb_r1_match_2', 'team_2');
    // LB round 1 has only team_3 left; the WB final is a walkover for team_2.
    expect(findMatch(agg, 'lb_r1_match_1')).toMatchObject({ status: 'bye', winner: 'team_3' });
    expect(findMatch(agg, 'wb_r2_match_1')).toMatchObject({ status: 'bye', winner: 'team_2' });
  });

  it('follows the state table and the match status', () => {
    let agg = started('single_elimination', 8);
    expect(code(abandonMatch(registered('swiss', 2), 'r1_match_1', ctx))).toBe(
      'invalid_transition',
    );
    expect(code(abandonMatch(agg, 'x', ctx))).toBe('match_not_found');
    expect(code(abandonMatch(agg, 'r2_match_1', ctx))).toBe('match_not_pending');
    agg = win(agg, 'r1_match_2', 'team_4');
    expect(code(abandonMatch(agg, 'r1_match_2', ctx))).toBe('match_already_completed');
    agg = ok(abandonMatch(agg, 'r1_match_1', ctx));
    expect(abandonMatch(agg, 'r1_match_1', ctx)).toMatchObject({ ok: true, events: [] });
  });

  it('counts as a loss for both, worth no points, in round robin', () => {
    const agg = ok(
      abandonMatch(
        started('round_robin', 2, { options: { points: { loss: 1 } } }),
        'r1_match_1',
        ctx,
      ),
    );
    expect(standings(agg).map((s) => [s.wins, s.losses, s.points])).toEqual([
      [0, 1, 0],
      [0, 1, 0],
    ]);
  });
});
