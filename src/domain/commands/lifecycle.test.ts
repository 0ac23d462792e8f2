import { describe, expect, it } from 'vitest';
import { ctx, draft, ok, playToEnd, registered, started } from '../testing/builders.js';
import {
  archive,
  cancel,
  createTournament,
  deleteTournament,
  editTournament,
  publish,
} from './lifecycle.js';

const create = (input: Record<string, unknown>) =>
  createTournament(
    { name: 'Cup', format: 'single_elimination', min_teams: 2, max_teams: 8, ...input } as never,
    { now: ctx.now, id: 't_7', organizer_id: 'u_1', seed: 5 },
  );

describe('createTournament', () => {
  it('creates a draft with resolved options', () => {
    const r = create({ options: { third_place: true } });
    expect(r.ok && r.tournament).toMatchObject({
      id: 't_7',
      state: 'DRAFT',
      organizer_id: 'u_1',
      seeding: 'random',
      options: { third_place: true },
      teams: [],
      play: null,
      winner: null,
      current_round: 0,
    });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ format: 'ladder' }, 'format'],
    [{ min_teams: 1 }, 'min_teams'],
    [{ max_teams: 1025 }, 'max_teams'],
    [{ min_teams: 8, max_teams: 4 }, 'max_teams'],
    [{ seeding: 'alphabetical' }, 'seeding'],
    [{ starts_at: 'tomorrow' }, 'starts_at'],
    [{ options: { third_place: 1 } }, 'options.third_place'],
  ])('refuses %j (field %s)', (input, field) => {
    const r = create(input);
    expect(r.ok ? null : [r.error.code, r.error.details?.field]).toEqual([
      'validation_error',
      field,
    ]);
  });
});

describe('editTournament', () => {
  it('changes a draft and merges options', () => {
    const agg = draft('round_robin', { options: { double: true } });
    const edited = ok(
      editTournament(agg, { name: 'Winter Cup', options: { points: { win: 2 } } }, ctx),
    );
    expect(edited.name).toBe('Winter Cup');
    expect(edited.options).toEqual({ double: true, points: { win: 2, draw: 1, loss: 0 } });
  });

  it('takes the new format defaults when the format changes', () => {
    const edited = ok(editTournament(draft('round_robin'), { format: 'double_elimination' }, ctx));
    expect(edited.options).toEqual({ grand_final: 'with_reset' });
  });

  it('refuses bad fields and any edit after publishing', () => {
    const r = editTournament(draft('swiss'), { max_teams: 1 }, ctx);
    expect(r.ok ? null : r.error.code).toBe('validation_error');
    const published = ok(publish(draft('swiss'), ctx));
    const late = editTournament(published, { name: 'x' }, ctx);
    expect(late.ok ? null : late.error.code).toBe('invalid_transition');
  });
});

describe('publish, cancel, archive, delete', () => {
  it('publishes to REGISTRATION, announced on the tournament and globally', () => {
    const r = publish(draft('swiss'), ctx);
    expect(r.ok && r.tournament.state).toBe('REGISTRATION');
    expect(r.ok && r.events).toEqual([
      {
        scope: { kind: 'tournament' },
        data: {
          type: 'state_changed',
          tournament_id: 't_1',
          from_state: 'DRAFT',
          to_state: 'REGISTRATION',
          timestamp: ctx.now,
        },
      },
      {
        scope: { kind: 'global' },
        data: {
          type: 'tournament_published',
          tournament_id: 't_1',
          tournament_name: 'Summer Championship',
          format: 'swiss',
          timestamp: ctx.now,
        },
      },
    ]);
  });

  it('cancels during registration only, then archives', () => {
    const cancelled = ok(cancel(registered('swiss', 3), ctx));
    expect(cancelled.state).toBe('CANCELLED');
    const again = cancel(cancelled, ctx);
    expect(again.ok ? null : again.error.details).toMatchObject({
      state: 'CANCELLED',
      action: 'cancel',
    });
    expect(ok(archive(cancelled, ctx)).state).toBe('ARCHIVED');
    const active = cancel(started('swiss', 4), ctx);
    expect(active.ok ? null : active.error.code).toBe('invalid_transition');
  });

  it('archives a completed tournament but not an active one', () => {
    const active = started('single_elimination', 4);
    const early = archive(active, ctx);
    expect(early.ok ? null : early.error.code).toBe('invalid_transition');
    const done = playToEnd(active, 1).agg;
    const r = archive(done, ctx);
    expect(r.ok && r.tournament.state).toBe('ARCHIVED');
    expect(r.ok && r.events.map((e) => e.data.type)).toEqual(['state_changed']);
  });

  it('lets only a draft be deleted', () => {
    expect(deleteTournament(draft('swiss')).ok).toBe(true);
    const r = deleteTournament(registered('swiss', 2));
    expect(r.ok ? null : r.error.code).toBe('invalid_transition');
  });
});
