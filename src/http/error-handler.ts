import type { FastifyError, FastifyInstance } from 'fastify';
import { type DomainError, domainError, statusOf } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/database.js';
import { ApiError } from './api-error.js';

function send(reply: import('fastify').FastifyReply, error: DomainError) {
  // A service that is briefly away (a tournament server changing hands, a database that does not answer): come back soon.
  if (error.code === 'service_unavailable' && !reply.hasHeader('retry-after')) {
    reply.header('retry-after', '2');
  }
  return reply.status(statusOf(error.code)).send({ error });
}

/**
 * Every error leaves in the shape of SPEC §5 with a code of the catalogue. A
 * 5xx is logged with its stack; its details never reach the client.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) return send(reply, err.body);
    if (err.validation) {
      const issues = err.validation.map((v) => ({
        field: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`.replace(
          /\.$/,
          '',
        ),
        message: v.message ?? 'is invalid',
      }));
      const first = issues[0];
      return send(
        reply,
        domainError(
          'validation_error',
          { issues },
          first ? `${first.field} ${first.message}` : 'the request is invalid',
        ),
      );
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, domainError('payload_too_large'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(
          reply,
          domainError('bad_request', undefined, 'the body must be application/json'),
        );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(reply, domainError('bad_request', undefined, 'the body is not valid JSON'));
    }
    if (err.statusCode === 429) return send(reply, domainError('rate_limited'));
    // PostgreSQL unreachable, full ("too many clients"), or no pooled connection free in time:
    // the request may succeed a moment later, so it is a 503 with Retry-After (SPEC §13).
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err: err.message }, 'database unavailable');
      return send(reply, domainError('service_unavailable', { reason: 'database' }));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return send(reply, domainError('bad_request', undefined, err.message));
    }
    request.log.error({ err }, 'request failed');
    return send(reply, domainError('internal_error'));
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, domainError('not_found', { path: request.url.split('?')[0] })),
  );
}
