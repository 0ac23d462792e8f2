import { describe, expect, it } from 'vitest';
import {
  emptyValues,
  serverFieldErrors,
  type TournamentFormValues,
  validateTournament,
} from './tournament-form.js';

const form = (change: Partial<TournamentFormValues>): TournamentFormValues => ({
  ...emptyValues(),
  name: 'Cup',
  ...change,
});

describe('tournament form', () => {
  it('sends a complete body with the options of the format', () => {
    const { errors, body } = validateTournament(
      form({ format: 'swiss', swiss_rounds: '5', tiebreaks: ['buchholz'] }),
    );
    expect(errors).toEqual({});
    expect(body).toMatchObject({
      name: 'Cup',
      format: 'swiss',
      min_teams: 2,
      max_teams: 16,
      options: { rounds: 5, tiebreaks: ['buchholz'] },
    });
  });

  it('says what is wrong with each field', () => {
    const { errors, body } = validateTournament(
      form({ name: '  ', min_teams: '1', max_teams: '2000' }),
    );
    expect(body).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['max_teams', 'min_teams', 'name']);
  });

  it('refuses a maximum below the minimum and bad round robin points', () => {
    expect(validateTournament(form({ min_teams: '8', max_teams: '4' })).errors.max_teams).toMatch(
      /below the minimum/,
    );
    expect(
      validateTournament(form({ format: 'round_robin', points_win: 'x' })).errors.options,
    ).toBeDefined();
  });

  it("puts the server's 422 issues on their fields", () => {
    expect(
      serverFieldErrors({
        code: 'validation_error',
        message: 'body.name must NOT have fewer than 1 characters',
        details: {
          issues: [{ field: 'body.name', message: 'must NOT have fewer than 1 characters' }],
        },
      }),
    ).toEqual({ name: 'name must NOT have fewer than 1 characters' });
    expect(
      serverFieldErrors({
        code: 'validation_error',
        message: 'Invalid options.rounds',
        details: { field: 'options.rounds' },
      }),
    ).toEqual({ options: 'Invalid options.rounds' });
    expect(serverFieldErrors({ code: 'unauthorized', message: 'Sign in first' })).toEqual({
      form: 'Sign in first',
    });
  });
});
