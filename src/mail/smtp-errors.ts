import { AppError } from '../shared/errors';
import type { Params } from '../shared/coded-text';

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  rejected?: string[];
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETLS', 'EPROTOCOL']);

/**
 * Sorts an SMTP failure into permanent (5xx: the server will say the same
 * again, RFC 5321 §4.2.1) or transient (4xx, network), keeping the server's words.
 */
export function classifySmtpError(err: unknown): AppError {
  const e = err as NodemailerError;
  const words = (e.response ?? e.message ?? String(err)).trim();
  const code = e.responseCode;
  // The server's reply is its own words (shown as they came); anything else is our client's technical detail.
  const params: Params = code ? { response: words } : { detail: words };
  if (e.code === 'EAUTH') {
    // 454 is "temporary authentication failure" — worth another try; 535 and friends are not.
    if (code && code >= 400 && code < 500) return new AppError('SMTP_TRANSIENT', words, { cause: err, params, extra: { responseCode: code } });
    return new AppError('SMTP_AUTH_FAILED', words, { cause: err, params, extra: { responseCode: code } });
  }
  if (code && code >= 500) return new AppError('SMTP_PERMANENT', words, { cause: err, params, extra: { responseCode: code, command: e.command } });
  if (code && code >= 400) return new AppError('SMTP_TRANSIENT', words, { cause: err, params, extra: { responseCode: code, command: e.command } });
  if (e.code && CONNECTION_CODES.has(e.code)) return new AppError('SMTP_CONNECTION', words, { cause: err, params, extra: { errorCode: e.code } });
  if (e.code === 'EENVELOPE') return new AppError('SMTP_PERMANENT', words, { cause: err, params });
  if (e.code === 'EMESSAGE' || e.code === 'ESTREAM') return new AppError('SMTP_TRANSIENT', words, { cause: err, params, extra: { errorCode: e.code } });
  return new AppError('SMTP_CONNECTION', words, { cause: err, params, extra: { errorCode: e.code } });
}
