import { describe, expect, it } from 'vitest';
import type { CommandResult, TournamentAggregate } from '../aggregate.js';
import { pairRound } from '../formats/swiss.js';
import { matchesOfRound, standings } from '../queries.js';
import { ctx, findMatch, ok, registered, result, started } from '../testing/builders.js';
import type { SwissOptions } from '../types.js';
import { correctResult, previewCorrection } from './correction.js';
import { abandonMatch, recordResult, withdrawTeam } from './play.js';

const code = (r: CommandResult | ReturnType<typeof previewCorrection>) =>
  r.ok ? 'ok' : r.error.code;

function play(agg: TournamentAggregate, ...wins: [string, string][]) {
  let out = agg;
  for (const [id, winner] of wins) out = ok(recordResult(out, id, result(winner), ctx));
  return out;
}

/** 8-team single elimination with round 1 played by the better seeds. */
function afterRoundOne() {
  return play(
    started('single_elimination', 8),
    ['r1_match_1', 'team_1'],
    ['r1_match_2', 'team_4'],
    ['r1_match_3', 'team_2'],
    ['r1_match_4', 'team_3'],
  );
}

describe('previewCorrection and correctResult: elimination', () => {
  it('moves the new winner into the unplayed next match', () => {
    const agg = afterRoundOne();
    expect(previewCorrection(agg, 'r1_match_1', result('team_8'))).toEqual({
      ok: true,
      affected: ['r2_match_1'],
      conflicts: [],
    });
    const r = correctResult(agg, 'r1_match_1', result('team_8'), ctx);
    const after = ok(r);
    expect(findMatch(after, 'r1_match_1').winner).toBe('team_8');
    expect(findMatch(after, 'r2_match_1')).toMatchObject({
      team1_id: 'team_8',
      team2_id: 'team_4',
      status: 'pending',
    });
    expect(r.ok && r.events.map((e) => e.data.type)).toEqual([
      'result_corrected',
      'match_ready',
      'match_ready',
    ]);
    expect(r.ok && r.events[0]?.data).toMatchObject({
      match_id: 'r1_match_1',
      winner: 'team_8',
      loser: 'team_1',
      previous_winner: 'team_1',
      affected: ['r2_match_1'],
    });
    expect(r.ok && r.events[1]).toMatchObject({
      scope: { user_id: 'u_8' },
      data: { opponent: 'Team 4' },
    });
  });

  it('refuses once a later match depends on the result', () => {
    const agg = play(afterRoundOne(), ['r2_match_1', 'team_1']);
    expect(previewCorrection(agg, 'r1_match_1', result('team_8'))).toEqual({
      ok: true,
      affected: ['r2_match_1'],
      conflicts: ['r2_match_1'],
    });
    const r = correctResult(agg, 'r1_match_1', result('team_8'), ctx);
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'correction_conflict',
      details: { match_id: 'r1_match_1', conflicts: ['r2_match_1'] },
    });
  });

  it('changes only the scores when the winner stays', () => {
    const agg = afterRoundOne();
    expect(
      previewCorrection(agg, 'r1_match_1', result('team_1', { team_1: 3, team_8: 0 })),
    ).toEqual({
      ok: true,
      affected: [],
      conflicts: [],
    });
    const r = correctResult(agg, 'r1_match_1', result('team_1', { team_1: 3, team_8: 0 }), ctx);
    expect(r.ok && r.changed_matches.map((m) => m.id)).toEqual(['r1_match_1']);
    expect(correctResult(agg, 'r1_match_1', result('team_1'), ctx)).toMatchObject({
      ok: true,
      events: [],
    });
  });

  it('re-derives byes on the way and goes on past them', () => {
    let agg = ok(abandonMatch(started('single_elimination', 8), 'r1_match_2', ctx));
    agg = play(agg, ['r1_match_1', 'team_1']);
    expect(findMatch(agg, 'r2_match_1')).toMatchObject({ status: 'bye', winner: 'team_1' });
    expect(previewCorrection(agg, 'r1_match_1', result('team_8'))).toEqual({
      ok: true,
      affected: ['r2_match_1', 'r3_match_1'],
      conflicts: [],
    });
    agg = ok(correctResult(agg, 'r1_match_1', result('team_8'), ctx));
    expect(findMatch(agg, 'r2_match_1')).toMatchObject({ status: 'bye', winner: 'team_8' });
    expect(findMatch(agg, 'r3_match_1').team1_id).toBe('team_8');
  });

  it('changes the drop in double elimination too', () => {
    const agg = play(started('double_elimination', 8), ['wb_r1_match_1', 'team_1']);
    expect(previewCorrection(agg, 'wb_r1_match_1', result('team_8'))).toEqual({
      ok: true,
      affected: ['wb_r2_match_1', 'lb_r1_match_1'],
      conflicts: [],
    });
    const after = ok(correctResult(agg, 'wb_r1_match_1', result('team_8'), ctx));
    expect(findMatch(after, 'lb_r1_match_1').team1_id).toBe('team_1');
  });

  it('removes an unplayed bracket reset when the WB champion now wins the grand final', () => {
    let agg = play(
      started('double_elimination', 2),
      ['wb_r1_match_1', 'team_1'],
      ['gf_match_1', 'team_2'],
    );
    expect(findMatch(agg, 'gf_match_2').status).toBe('pending');
    expect(previewCorrection(agg, 'gf_match_1', result('team_1'))).toEqual({
      ok: true,
      affected: ['gf_match_2'],
      conflicts: [],
    });
    const r = correctResult(agg, 'gf_match_1', result('team_1'), ctx);
    agg = ok(r);
    expect(r.ok && r.removed_matches).toEqual(['gf_match_2']);
    expect(matchesOfRound(agg, 'all').map((m) => m.id)).toEqual(['wb_r1_match_1', 'gf_match_1']);
    expect(agg).toMatchObject({ state: 'COMPLETED', winner: 'team_1', current_round: 2 });
  });

  it('leaves later matches alone when a team that has since withdrawn keeps its win', () => {
    let agg = afterRoundOne();
    agg = ok(withdrawTeam(agg, 'team_1', ctx));
    expect(findMatch(agg, 'r2_match_1')).toMatchObject({ walkover: true, winner: 'team_4' });
    expect(
      previewCorrection(agg, 'r1_match_1', result('team_1', { team_1: 5, team_8: 0 })),
    ).toEqual({
      ok: true,
      affected: [],
      conflicts: [],
    });
  });

  it('needs a played result and the ACTIVE state', () => {
    let agg = started('single_elimination', 4);
    expect(code(correctResult(agg, 'r1_match_1', result('team_1'), ctx))).toBe(
      'match_not_completed',
    );
    expect(code(correctResult(agg, 'nope', result('team_1'), ctx))).toBe('match_not_found');
    agg = ok(withdrawTeam(agg, 'team_4', ctx));
    expect(code(previewCorrection(agg, 'r1_match_1', result('team_4')))).toBe(
      'match_not_completed',
    );
    expect(code(previewCorrection(registered('swiss', 4), 'r1_match_1', result('x')))).toBe(
      'invalid_transition',
    );
    agg = play(agg, ['r1_match_2', 'team_2']);
    expect(code(correctResult(agg, 'r1_match_2', result(null), ctx))).toBe('draw_not_allowed');
    expect(code(correctResult(agg, 'r1_match_2', result('team_1'), ctx))).toBe('invalid_result');
  });
});

describe('previewCorrection and correctResult: round robin and Swiss', () => {
  it('round robin: nothing later depends on a result, standings move', () => {
    let agg = play(started('round_robin', 4), ['r1_match_1', 'team_1']);
    agg = play(agg, ['r1_match_2', matchesOfRound(agg, 1)[1]?.team1_id as string]);
    const first = matchesOfRound(agg, 1)[0];
    const loser = first?.team2_id as string;
    expect(previewCorrection(agg, 'r1_match_1', result(loser))).toEqual({
      ok: true,
      affected: [],
      conflicts: [],
    });
    agg = ok(correctResult(agg, 'r1_match_1', result(null), ctx));
    expect(standings(agg).find((s) => s.team_id === 'team_1')).toMatchObject({ wins: 0, draws: 1 });
  });

  it('Swiss: re-pairs the current round when none of it is played', () => {
    let agg = started('swiss', 8);
    for (const m of matchesOfRound(agg, 1)) agg = play(agg, [m.id, m.team1_id as string]);
    expect(agg.current_round).toBe(2);
    const first = matchesOfRound(agg, 1)[0];
    const flipped = first?.team2_id as string;
    const preview = previewCorrection(agg, first?.id as string, result(flipped));
    if (!preview.ok) throw new Error(preview.error.code);
    expect(preview.conflicts).toEqual([]);
    const after = ok(correctResult(agg, first?.id as string, result(flipped), ctx));
    const options = after.options as SwissOptions;
    const expected = pairRound(
      after.play?.seeds ?? [],
      new Set(),
      matchesOfRound(after, 1),
      2,
      options.points,
    );
    expect(matchesOfRound(after, 2).map((m) => [m.team1_id, m.team2_id])).toEqual(
      expected.map((m) => [m.team1_id, m.team2_id]),
    );
    const before = matchesOfRound(agg, 2);
    const changed = matchesOfRound(after, 2)
      .filter((m, i) => m.team1_id !== before[i]?.team1_id || m.team2_id !== before[i]?.team2_id)
      .map((m) => m.id);
    expect(preview.affected).toEqual(changed);
    expect(changed.length).toBeGreaterThan(0);
  });

  it('Swiss: the corrected match is among the changed matches, from any aggregate', () => {
    let agg = started('swiss', 8, { options: { rounds: 3 } });
    for (const round of [1, 2]) {
      for (const m of matchesOfRound(agg, round)) agg = play(agg, [m.id, m.team1_id as string]);
    }
    const next = matchesOfRound(agg, 3)[0];
    // A later aggregate exists: the correction below starts from a superseded one.
    play(agg, [next?.id as string, next?.team1_id as string]);
    const target = matchesOfRound(agg, 2)[0];
    const r = correctResult(agg, target?.id as string, result(target?.team2_id as string), ctx);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.changed_matches.find((m) => m.id === target?.id)?.winner).toBe(target?.team2_id);
    expect(r.changed_matches.map((m) => m.id)).toContain('r3_match_1');
  });

  it('Swiss: refuses when a re-paired match was already played', () => {
    let agg = started('swiss', 8);
    for (const m of matchesOfRound(agg, 1)) agg = play(agg, [m.id, m.team1_id as string]);
    for (const m of matchesOfRound(agg, 2)) agg = play(agg, [m.id, m.team1_id as string]);
    const first = matchesOfRound(agg, 1)[0];
    const r = correctResult(agg, first?.id as string, result(first?.team2_id as string), ctx);
    expect(code(r)).toBe('correction_conflict');
  });
});
