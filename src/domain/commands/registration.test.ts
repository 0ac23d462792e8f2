import { describe, expect, it } from 'vitest';
import { ctx, draft, ok, registered, started, team } from '../testing/builders.js';
import { registerTeam, unregisterTeam } from './registration.js';

const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);

describe('registerTeam', () => {
  it('adds the team and announces it', () => {
    const r = registerTeam(registered('swiss', 0), team('a'), ctx);
    expect(r.ok && r.tournament.teams).toEqual([team('a')]);
    expect(r.ok && r.events[0]?.data).toMatchObject({
      type: 'team_registered',
      team_id: 'team_a',
      team_name: 'Team a',
      team_count: 1,
    });
  });

  it('is only possible in REGISTRATION', () => {
    expect(code(registerTeam(draft('swiss'), team('a'), ctx))).toBe('invalid_transition');
    expect(code(registerTeam(started('swiss', 2), team('z'), ctx))).toBe('invalid_transition');
  });

  it('refuses a full tournament', () => {
    const full = registered('swiss', 2, { max_teams: 2 });
    expect(code(registerTeam(full, team('c'), ctx))).toBe('tournament_full');
  });

  it('refuses a name taken in another case', () => {
    const agg = registered('swiss', [team('a', { name: 'Fierce Dragons' })]);
    expect(code(registerTeam(agg, team('b', { name: '  fierce DRAGONS ' }), ctx))).toBe(
      'team_name_taken',
    );
  });

  it('lets a user captain one team, the organizer any number', () => {
    const agg = registered('swiss', [team('a')]);
    expect(code(registerTeam(agg, team('b', { captain_id: 'u_a' }), ctx))).toBe('already_captain');
    const org1 = ok(registerTeam(agg, team('c', { captain_id: 'u_org' }), ctx));
    expect(code(registerTeam(org1, team('d', { captain_id: 'u_org' }), ctx))).toBe('ok');
  });

  it('validates names, seeds and ids', () => {
    const agg = registered('swiss', [team('a', { seed: 1 })], { max_teams: 8 });
    expect(code(registerTeam(agg, team('b', { name: ' ' }), ctx))).toBe('validation_error');
    expect(code(registerTeam(agg, team('b', { seed: 1 }), ctx))).toBe('validation_error');
    expect(code(registerTeam(agg, team('b', { seed: 9 }), ctx))).toBe('validation_error');
    expect(code(registerTeam(agg, team('b', { seed: 1.5 }), ctx))).toBe('validation_error');
    expect(code(registerTeam(agg, { ...team('b'), id: 'team_a' }, ctx))).toBe('conflict');
  });
});

describe('unregisterTeam', () => {
  it('removes the team and announces it', () => {
    const r = unregisterTeam(registered('swiss', 3), 'team_2', ctx);
    expect(r.ok && r.tournament.teams.map((t) => t.id)).toEqual(['team_1', 'team_3']);
    expect(r.ok && r.events[0]?.data).toMatchObject({ type: 'team_unregistered', team_count: 2 });
  });

  it('knows unknown teams and the state table', () => {
    expect(code(unregisterTeam(registered('swiss', 3), 'team_9', ctx))).toBe('team_not_found');
    expect(code(unregisterTeam(started('swiss', 3), 'team_1', ctx))).toBe('invalid_transition');
  });
});
