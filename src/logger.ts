import pino, { type Logger } from 'pino';

/** Secrets that must never reach a log line, wherever they appear in an object. */
const REDACT = [
  'password', '*.password', '*.*.password', 'pass', '*.pass', '*.*.pass', 'passwordEnc', '*.passwordEnc',
  'refreshToken', '*.refreshToken', 'accessToken', '*.accessToken', 'authorization', '*.authorization',
  'req.headers.authorization', 'apiKey', '*.apiKey', 'secret', '*.secret', '*.clientSecret',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info')): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'mailroom' } });
}

export type { Logger };
