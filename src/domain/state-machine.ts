/**
 * The tournament state machine of SPEC §3: one table, read by the domain
 * commands, the orchestrator, the tournament server and the UI alike.
 */
import { type DomainError, domainError } from './errors.js';
import type { TournamentState } from './types.js';

export const TOURNAMENT_STATES = [
  'DRAFT',
  'REGISTRATION',
  'ACTIVE',
  'COMPLETED',
  'CANCELLED',
  'ARCHIVED',
] as const satisfies readonly TournamentState[];

/** What a user may ask for. */
export type Action =
  | 'edit'
  | 'publish'
  | 'delete'
  | 'register_team'
  | 'unregister'
  | 'start'
  | 'cancel'
  | 'record_result'
  | 'abandon_match'
  | 'correct_result'
  | 'withdraw_team'
  | 'archive'
  | 'view';

/** Steps the engine takes by itself when a round or the final completes. */
export type InternalAction = 'advance' | 'complete';

/** `DELETED`: the tournament stops existing (only from DRAFT). */
export type TransitionTarget = TournamentState | 'DELETED';

/** The form a page shows in each state (SPEC §3 "form"). */
export type StateForm = 'config' | 'signup' | 'results' | 'read_only';

interface StateRow {
  form: StateForm;
  /** In the order SPEC §3 lists them: `allowed` in errors keeps this order. */
  actions: readonly (readonly [Action, TransitionTarget])[];
  internal: readonly (readonly [InternalAction, TournamentState])[];
}

const TABLE: Record<TournamentState, StateRow> = {
  DRAFT: {
    form: 'config',
    actions: [
      ['edit', 'DRAFT'],
      ['publish', 'REGISTRATION'],
      ['delete', 'DELETED'],
    ],
    internal: [],
  },
  REGISTRATION: {
    form: 'signup',
    actions: [
      ['register_team', 'REGISTRATION'],
      ['unregister', 'REGISTRATION'],
      ['start', 'ACTIVE'],
      ['cancel', 'CANCELLED'],
    ],
    internal: [],
  },
  ACTIVE: {
    form: 'results',
    actions: [
      ['record_result', 'ACTIVE'],
      ['abandon_match', 'ACTIVE'],
      ['correct_result', 'ACTIVE'],
      ['withdraw_team', 'ACTIVE'],
    ],
    internal: [
      ['advance', 'ACTIVE'],
      ['complete', 'COMPLETED'],
    ],
  },
  COMPLETED: {
    form: 'read_only',
    actions: [
      ['view', 'COMPLETED'],
      ['archive', 'ARCHIVED'],
    ],
    internal: [],
  },
  CANCELLED: {
    form: 'read_only',
    actions: [
      ['view', 'CANCELLED'],
      ['archive', 'ARCHIVED'],
    ],
    internal: [],
  },
  ARCHIVED: { form: 'read_only', actions: [['view', 'ARCHIVED']], internal: [] },
};

const ALLOWED = Object.fromEntries(
  TOURNAMENT_STATES.map((state) => [state, TABLE[state].actions.map(([action]) => action)]),
) as unknown as Record<TournamentState, readonly Action[]>;

export const ACTIONS: readonly Action[] = [
  'edit',
  'publish',
  'delete',
  'register_team',
  'unregister',
  'start',
  'cancel',
  'record_result',
  'abandon_match',
  'correct_result',
  'withdraw_team',
  'archive',
  'view',
];

/** The user actions a state allows, in SPEC §3 order. */
export function allowedActions(state: TournamentState): readonly Action[] {
  return ALLOWED[state];
}

export function isAllowed(state: TournamentState, action: Action): boolean {
  return ALLOWED[state]?.includes(action) === true;
}

/** null when allowed, else the 409 `invalid_transition` error of SPEC §3. */
export function checkAction(state: TournamentState, action: Action): DomainError | null {
  if (isAllowed(state, action)) return null;
  return domainError('invalid_transition', { state, action, allowed: [...ALLOWED[state]] });
}

/** The state an allowed action leads to; null when the action is not allowed. */
export function targetState(state: TournamentState, action: Action): TransitionTarget | null {
  return TABLE[state].actions.find(([a]) => a === action)?.[1] ?? null;
}

/** The state an internal step leads to; null when the step cannot happen. */
export function internalTarget(
  state: TournamentState,
  step: InternalAction,
): TournamentState | null {
  return TABLE[state].internal.find(([a]) => a === step)?.[1] ?? null;
}

export function formOf(state: TournamentState): StateForm {
  return TABLE[state].form;
}
