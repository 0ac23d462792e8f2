import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  allowedActions,
  checkAction,
  formOf,
  internalTarget,
  TOURNAMENT_STATES,
  targetState,
} from './state-machine.js';

describe('state machine (SPEC §3)', () => {
  it('allows exactly the table of SPEC §3, in its order', () => {
    expect(allowedActions('DRAFT')).toEqual(['edit', 'publish', 'delete']);
    expect(allowedActions('REGISTRATION')).toEqual([
      'register_team',
      'unregister',
      'start',
      'cancel',
    ]);
    expect(allowedActions('ACTIVE')).toEqual([
      'record_result',
      'abandon_match',
      'correct_result',
      'withdraw_team',
    ]);
    expect(allowedActions('COMPLETED')).toEqual(['view', 'archive']);
    expect(allowedActions('CANCELLED')).toEqual(['view', 'archive']);
    expect(allowedActions('ARCHIVED')).toEqual(['view']);
  });

  it('refuses anything else with the invalid_transition error of SPEC §3', () => {
    expect(checkAction('DRAFT', 'start')).toEqual({
      code: 'invalid_transition',
      message: expect.any(String),
      details: { state: 'DRAFT', action: 'start', allowed: ['edit', 'publish', 'delete'] },
    });
    expect(checkAction('REGISTRATION', 'record_result')?.code).toBe('invalid_transition');
    expect(checkAction('ACTIVE', 'record_result')).toBeNull();
  });

  it('agrees with itself: an action is allowed iff it has a target', () => {
    for (const state of TOURNAMENT_STATES) {
      for (const action of ACTIONS) {
        expect(checkAction(state, action) === null).toBe(targetState(state, action) !== null);
      }
    }
  });

  it('leads each transition to the state of the diagram', () => {
    expect(targetState('DRAFT', 'publish')).toBe('REGISTRATION');
    expect(targetState('DRAFT', 'delete')).toBe('DELETED');
    expect(targetState('REGISTRATION', 'start')).toBe('ACTIVE');
    expect(targetState('REGISTRATION', 'cancel')).toBe('CANCELLED');
    expect(targetState('COMPLETED', 'archive')).toBe('ARCHIVED');
    expect(targetState('CANCELLED', 'archive')).toBe('ARCHIVED');
    expect(targetState('ACTIVE', 'record_result')).toBe('ACTIVE');
    expect(internalTarget('ACTIVE', 'complete')).toBe('COMPLETED');
    expect(internalTarget('ACTIVE', 'advance')).toBe('ACTIVE');
    expect(internalTarget('REGISTRATION', 'complete')).toBeNull();
  });

  it('names the form each state shows', () => {
    expect(TOURNAMENT_STATES.map(formOf)).toEqual([
      'config',
      'signup',
      'results',
      'read_only',
      'read_only',
      'read_only',
    ]);
  });
});
