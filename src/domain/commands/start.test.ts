import { describe, expect, it } from 'vitest';
import type { TournamentAggregate } from '../aggregate.js';
import { ctx, registered, team } from '../testing/builders.js';
import { startTournament } from './start.js';

function start(agg: TournamentAggregate) {
  const r = startTournament(agg, ctx);
  if (!r.ok) throw new Error(r.error.code);
  return r;
}

describe('startTournament', () => {
  it('needs min_teams (and two teams at least)', () => {
    const r = startTournament(registered('single_elimination', 3, { min_teams: 4 }), ctx);
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'min_teams_not_met',
      details: { min_teams: 4, team_count: 3 },
    });
    const alone = startTournament(registered('single_elimination', 1), ctx);
    expect(alone.ok ? null : alone.error.code).toBe('min_teams_not_met');
  });

  it('is only possible in REGISTRATION', () => {
    const once = start(registered('swiss', 4)).tournament;
    const twice = startTournament(once, ctx);
    expect(twice.ok ? null : twice.error.code).toBe('invalid_transition');
  });

  it('announces the start, round 1 and each match to both captains', () => {
    const r = start(registered('single_elimination', 4));
    expect(r.tournament).toMatchObject({ state: 'ACTIVE', current_round: 1 });
    expect(r.events.map((e) => [e.data.type, e.scope])).toEqual([
      ['state_changed', { kind: 'tournament' }],
      ['round_advanced', { kind: 'tournament' }],
      ['match_ready', { kind: 'user', user_id: 'u_1' }],
      ['match_ready', { kind: 'user', user_id: 'u_4' }],
      ['match_ready', { kind: 'user', user_id: 'u_2' }],
      ['match_ready', { kind: 'user', user_id: 'u_3' }],
    ]);
    expect(r.events[1]?.data).toMatchObject({ new_round: 1, matches_count: 2 });
    expect(r.events[2]?.data).toEqual({
      type: 'match_ready',
      tournament_id: 't_1',
      match_id: 'r1_match_1',
      opponent: 'Team 4',
      team_id: 'team_1',
      timestamp: ctx.now,
      opponent_id: 'team_4',
      round: 1,
    });
    expect(r.changed_matches).toHaveLength(3);
  });

  it('seeds manually: explicit seeds first, then registration order', () => {
    const agg = registered('single_elimination', [
      team('a'),
      team('b', { seed: 2 }),
      team('c'),
      team('d', { seed: 1 }),
    ]);
    const r = start(agg);
    expect(r.tournament.play?.seeds).toEqual(['team_d', 'team_b', 'team_a', 'team_c']);
    expect(r.tournament.teams.map((t) => [t.id, t.seed])).toEqual([
      ['team_a', 3],
      ['team_b', 2],
      ['team_c', 4],
      ['team_d', 1],
    ]);
  });

  it('seeds randomly from the stored seed, reproducibly', () => {
    const seeds = (seed: number) =>
      start(registered('round_robin', 16, { seeding: 'random', seed })).tournament.play?.seeds;
    expect(seeds(1)).toEqual(seeds(1));
    expect(seeds(1)).not.toEqual(seeds(2));
    expect([...(seeds(1) ?? [])].sort()).toEqual(
      registered('swiss', 16)
        .teams.map((t) => t.id)
        .sort(),
    );
  });

  it('leaves its input untouched', () => {
    const agg = registered('double_elimination', 6);
    const copy = JSON.parse(JSON.stringify(agg));
    start(agg);
    expect(agg).toEqual(copy);
  });
});
