/** The tournament engine's public API: pure functions over plain data. */

export type {
  CommandContext,
  CommandResult,
  CommandSuccess,
  PlayState,
  TournamentAggregate,
} from './aggregate.js';
export { byRound } from './aggregate.js';
export { correctResult, type PreviewResult, previewCorrection } from './commands/correction.js';
export {
  archive,
  type CreateContext,
  cancel,
  createTournament,
  deleteTournament,
  editTournament,
  LIMITS,
  publish,
  type TournamentInput,
  type TournamentPatch,
} from './commands/lifecycle.js';
export { abandonMatch, recordResult, withdrawTeam } from './commands/play.js';
export { registerTeam, unregisterTeam } from './commands/registration.js';
export { seedOrder, startTournament } from './commands/start.js';
export {
  type DomainError,
  domainError,
  ERROR_CODES,
  type ErrorCode,
  type Failure,
  fail,
  isErrorCode,
  statusOf,
} from './errors.js';
export * from './events.js';
export { defaultOptions, FORMATS, isFormat, resolveOptions, SWISS_TIEBREAKS } from './options.js';
export { matchesOfRound, pendingMatches, standings, teamCount } from './queries.js';
export { nextInt, nextRandom, shuffle } from './rng.js';
export {
  ACTIONS,
  type Action,
  allowedActions,
  checkAction,
  formOf,
  type InternalAction,
  internalTarget,
  isAllowed,
  type StateForm,
  TOURNAMENT_STATES,
  type TransitionTarget,
  targetState,
} from './state-machine.js';
export type * from './types.js';
