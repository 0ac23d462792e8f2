import { pino } from 'pino';

export type Logger = pino.Logger;

/** Secrets never reach logs: credentials in headers and bodies are redacted. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.password_hash',
  'sessionSecret',
];

export function createLogger(level: string, name = 'tourney'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}
