import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandling } from './error-handler.js';

/** An error as node-postgres raises it (a SQLSTATE code), wrapped as drizzle wraps it. */
function pgError(code: string, message: string): Error {
  const driver = Object.assign(new Error(message), { code });
  return new Error(`Failed query: select 1`, { cause: driver });
}

describe('infrastructure errors', () => {
  const app = Fastify();
  installErrorHandling(app);
  const errors: Record<string, () => Error> = {
    'too-many': () => pgError('53300', 'sorry, too many clients already'),
    'pool-timeout': () => new Error('timeout exceeded when trying to connect'),
    'shutting-down': () => pgError('57P01', 'terminating connection due to administrator command'),
    refused: () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    'bad-query': () => pgError('42P01', 'relation "nope" does not exist'),
  };
  app.get('/fail/:kind', async (request) => {
    throw errors[(request.params as { kind: string }).kind]?.();
  });

  it('a database that cannot serve now is 503 service_unavailable with Retry-After', async () => {
    for (const kind of ['too-many', 'pool-timeout', 'shutting-down', 'refused']) {
      const res = await app.inject(`/fail/${kind}`);
      expect(res.statusCode, kind).toBe(503);
      expect(res.json().error.code).toBe('service_unavailable');
      expect(res.headers['retry-after']).toBe('2');
    }
  });

  it('a query that is wrong stays a 500', async () => {
    const res = await app.inject('/fail/bad-query');
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('internal_error');
  });
});
