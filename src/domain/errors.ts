/**
 * The one catalogue of error codes (STYLE "Errors"): each code has its HTTP
 * status and a message template. Domain functions return these as values; the
 * shells map `statusOf(code)` to the response. Tests assert codes only.
 */

interface CatalogueEntry {
  status: number;
  /** `{name}` is replaced by `details.name` when present. */
  message: string;
}

const CATALOGUE = {
  validation_error: { status: 422, message: 'Invalid {field}: {reason}' },
  bad_request: { status: 400, message: 'Bad request' },
  unauthorized: { status: 401, message: 'Sign in first' },
  forbidden: { status: 403, message: 'You may not do this' },
  not_organizer: { status: 403, message: 'Only the organizer may do this' },
  not_captain: { status: 403, message: "Only the team's captain or the organizer may do this" },
  not_found: { status: 404, message: 'Not found' },
  tournament_not_found: { status: 404, message: 'Tournament {tournament_id} not found' },
  team_not_found: { status: 404, message: 'Team {team_id} not found' },
  match_not_found: { status: 404, message: 'Match {match_id} not found' },
  invalid_transition: {
    status: 409,
    message: 'Cannot {action} a tournament in state {state} (allowed: {allowed})',
  },
  min_teams_not_met: {
    status: 409,
    message: 'At least {min_teams} teams are needed to start; {team_count} registered',
  },
  tournament_full: { status: 409, message: 'The tournament is full ({max_teams} teams)' },
  team_name_taken: { status: 409, message: 'A team named "{name}" is already registered' },
  already_captain: { status: 409, message: 'This user already captains a team in this tournament' },
  match_not_pending: {
    status: 409,
    message: 'Match {match_id} is not ready to be played ({status})',
  },
  match_already_completed: {
    status: 409,
    message: 'Match {match_id} already has a different result',
  },
  match_not_completed: { status: 409, message: 'Match {match_id} has no played result to correct' },
  draw_not_allowed: { status: 422, message: 'A draw is not possible in {format}' },
  invalid_result: { status: 422, message: 'Invalid result: {reason}' },
  correction_conflict: {
    status: 409,
    message: 'Later matches already depend on this result: {conflicts}',
  },
  conflict: { status: 409, message: 'Conflict' },
  username_taken: { status: 409, message: 'The username "{username}" is taken' },
  invalid_credentials: { status: 401, message: 'Unknown username or wrong password' },
  user_not_found: { status: 404, message: 'User {user_id} not found' },
  notification_not_found: { status: 404, message: 'Notification {notification_id} not found' },
  subscription_not_found: { status: 404, message: 'You are not subscribed to {tournament_id}' },
  payload_too_large: { status: 413, message: 'Payload too large' },
  rate_limited: { status: 429, message: 'Too many requests, retry later' },
  service_unavailable: { status: 503, message: 'Service unavailable' },
  internal_error: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

export type ErrorDetails = Record<string, unknown>;

/** A rule violation as a value: `{"error": DomainError}` on the wire (SPEC §5). */
export interface DomainError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** A failed command or query. */
export interface Failure {
  ok: false;
  error: DomainError;
}

export const ERROR_CODES = Object.keys(CATALOGUE) as ErrorCode[];

function render(template: string, details: ErrorDetails | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = details?.[key];
    if (value === undefined) return '?';
    return Array.isArray(value) ? value.join(', ') : String(value);
  });
}

/** Builds an error from the catalogue; `message` overrides the template. */
export function domainError(
  code: ErrorCode,
  details?: ErrorDetails,
  message?: string,
): DomainError {
  const error: DomainError = { code, message: message ?? render(CATALOGUE[code].message, details) };
  if (details !== undefined) error.details = details;
  return error;
}

/** Shorthand for a failed result. */
export function fail(code: ErrorCode, details?: ErrorDetails, message?: string): Failure {
  return { ok: false, error: domainError(code, details, message) };
}

/** The HTTP status of a code. */
export function statusOf(code: ErrorCode): number {
  return CATALOGUE[code].status;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(CATALOGUE, value);
}
