import { describe, expect, it } from 'vitest';
import { domainError, ERROR_CODES, isErrorCode, statusOf } from './errors.js';

describe('error catalogue', () => {
  it('maps each code to its HTTP status', () => {
    const expected: Record<string, number> = {
      validation_error: 422,
      bad_request: 400,
      unauthorized: 401,
      forbidden: 403,
      not_organizer: 403,
      not_captain: 403,
      not_found: 404,
      tournament_not_found: 404,
      team_not_found: 404,
      match_not_found: 404,
      invalid_transition: 409,
      min_teams_not_met: 409,
      tournament_full: 409,
      team_name_taken: 409,
      already_captain: 409,
      match_not_pending: 409,
      match_already_completed: 409,
      draw_not_allowed: 422,
      invalid_result: 422,
      correction_conflict: 409,
      conflict: 409,
      payload_too_large: 413,
      rate_limited: 429,
      service_unavailable: 503,
      internal_error: 500,
    };
    for (const [code, status] of Object.entries(expected)) {
      expect(isErrorCode(code)).toBe(true);
      if (isErrorCode(code)) expect(statusOf(code)).toBe(status);
    }
  });

  it('gives every code a message, and keeps details as given', () => {
    for (const code of ERROR_CODES) {
      const error = domainError(code, { match_id: 'r1_match_1' });
      expect(error.message.length).toBeGreaterThan(0);
      expect(error.details).toEqual({ match_id: 'r1_match_1' });
    }
    expect(domainError('conflict')).not.toHaveProperty('details');
    expect(domainError('conflict', undefined, 'custom').message).toBe('custom');
  });

  it('knows which strings are codes', () => {
    expect(isErrorCode('nope')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});
