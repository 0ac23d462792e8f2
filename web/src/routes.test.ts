import { describe, expect, it } from 'vitest';
import { matchRoute } from './routes.js';
import { acceptsResults, formFor, organizerControls, resultsPhase } from './state-rules.js';

describe('routes', () => {
  it('knows the pages of SPEC §8 and sends the rest to the 404 page', () => {
    expect(matchRoute('/')).toEqual({ page: 'home' });
    expect(matchRoute('/', 't_7')).toEqual({ page: 'results', id: 't_7' });
    expect(matchRoute('/tournaments/')).toEqual({ page: 'tournaments' });
    expect(matchRoute('/tournaments/new')).toEqual({ page: 'new' });
    expect(matchRoute('/tournaments/t_7')).toEqual({ page: 'tournament', id: 't_7' });
    expect(matchRoute('/tournaments/t_7/results')).toEqual({ page: 'results', id: 't_7' });
    for (const path of ['/dashboard', '/login', '/signup'])
      expect(matchRoute(path).page).not.toBe('not_found');
    for (const path of ['/nope', '/tournaments/7', '/tournaments/t_7/x', '/api']) {
      expect(matchRoute(path)).toEqual({ page: 'not_found' });
    }
  });
});

describe('state rules (SPEC §3)', () => {
  it('offers the organizer only what each state allows', () => {
    expect(organizerControls('DRAFT')).toEqual(['publish', 'delete']);
    expect(organizerControls('REGISTRATION')).toEqual(['start', 'cancel']);
    expect(organizerControls('ACTIVE')).toEqual([]);
    expect(organizerControls('COMPLETED')).toEqual(['archive']);
    expect(organizerControls('CANCELLED')).toEqual(['archive']);
    expect(organizerControls('ARCHIVED')).toEqual([]);
  });

  it('shows one form a state and takes results in ACTIVE only', () => {
    expect(
      ['DRAFT', 'REGISTRATION', 'ACTIVE', 'COMPLETED'].map((s) => formFor(s as 'DRAFT')),
    ).toEqual(['config', 'signup', 'results', 'read_only']);
    expect(acceptsResults('ACTIVE')).toBe(true);
    expect(acceptsResults('COMPLETED')).toBe(false);
    expect(resultsPhase('REGISTRATION')).toBe('not_started');
    expect(resultsPhase('CANCELLED')).toBe('closed');
  });
});
