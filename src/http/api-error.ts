import { type DomainError, domainError } from '../domain/errors.js';

/** A refusal to answer with the catalogue's status; thrown by shells, caught by the error handler. */
export class ApiError extends Error {
  constructor(readonly body: DomainError) {
    super(body.message);
  }
}

export function fail(
  code: Parameters<typeof domainError>[0],
  details?: Record<string, unknown>,
  message?: string,
): never {
  throw new ApiError(domainError(code, details, message));
}
