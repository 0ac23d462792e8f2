/**
 * SPEC §3 in the web app: which form each state shows and which organizer
 * buttons it offers. It reads the domain's own table (src/domain/state-machine),
 * so the pages offer exactly what the API accepts: one table, not two.
 */
import {
  type Action,
  allowedActions,
  formOf,
  type StateForm,
} from '../../src/domain/state-machine.js';
import type { TournamentState } from './api/types.js';

export type { StateForm };

/** The organizer's buttons on a tournament page, in the order they appear. */
export type OrganizerControl = 'publish' | 'delete' | 'start' | 'cancel' | 'archive';

const CONTROLS: readonly OrganizerControl[] = ['publish', 'start', 'cancel', 'archive', 'delete'];

export function can(state: TournamentState, action: Action): boolean {
  return allowedActions(state).includes(action);
}

/** The form a tournament page shows in a state: config, signup, results or read-only. */
export function formFor(state: TournamentState): StateForm {
  return formOf(state);
}

/** The organizer buttons the state allows. */
export function organizerControls(state: TournamentState): OrganizerControl[] {
  return CONTROLS.filter((c) => can(state, c));
}

export const STATE_LABEL: Record<TournamentState, string> = {
  DRAFT: 'Draft',
  REGISTRATION: 'Registration open',
  ACTIVE: 'In progress',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  ARCHIVED: 'Archived',
};

export const STATES = Object.keys(STATE_LABEL) as TournamentState[];

export const FORMAT_LABEL = {
  single_elimination: 'Single elimination',
  double_elimination: 'Double elimination',
  round_robin: 'Round robin',
  swiss: 'Swiss',
} as const;

export const FORMATS = Object.keys(FORMAT_LABEL) as (keyof typeof FORMAT_LABEL)[];

/** Whether results may be entered: the results form is enabled in ACTIVE only. */
export function acceptsResults(state: TournamentState): boolean {
  return can(state, 'record_result');
}

/** Before ACTIVE the results page says "not started"; after, "finished". */
export function resultsPhase(state: TournamentState): 'not_started' | 'open' | 'closed' {
  if (acceptsResults(state)) return 'open';
  return state === 'DRAFT' || state === 'REGISTRATION' ? 'not_started' : 'closed';
}
