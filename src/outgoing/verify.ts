import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { guardSmtp } from '../net/guarded';
import { AppError } from '../shared/errors';

/**
 * Tests an SMTP account for real (connect, TLS, AUTH, optionally a message) and
 * turns a failure into plain words with the likely fix.
 */
export type VerifyProblem =
  | 'NOT_ALLOWED'
  | 'DNS_NOT_FOUND'
  | 'CONNECTION_REFUSED'
  | 'TIMEOUT'
  | 'TLS_MISMATCH_USE_STARTTLS'
  | 'TLS_MISMATCH_USE_SSL'
  | 'TLS_NOT_OFFERED'
  | 'CERTIFICATE_INVALID'
  | 'AUTH_REJECTED'
  | 'AUTH_REQUIRED'
  | 'SENDER_REFUSED'
  | 'RECIPIENT_REFUSED'
  | 'UNKNOWN';

/** What the console translates: the problem, or what worked (the route's enum; the console has a sentence for each). */
export const VERIFY_CODES = [
  'CONNECTED', 'LOGGED_IN', 'TEST_SENT', 'NOT_ALLOWED', 'DNS_NOT_FOUND', 'CONNECTION_REFUSED', 'TIMEOUT', 'TLS_MISMATCH_USE_STARTTLS', 'TLS_MISMATCH_USE_SSL',
  'TLS_NOT_OFFERED', 'CERTIFICATE_INVALID', 'AUTH_REJECTED', 'AUTH_REQUIRED', 'SENDER_REFUSED', 'RECIPIENT_REFUSED', 'UNKNOWN',
] as const satisfies readonly (VerifyProblem | 'CONNECTED' | 'LOGGED_IN' | 'TEST_SENT')[];
export type VerifyCode = (typeof VERIFY_CODES)[number];

export interface VerifyResult {
  ok: boolean;
  problem?: VerifyProblem;
  /** Stable code of the outcome; `message` and `hint` are its English wording with `params` filled in. */
  code: VerifyCode;
  params: Record<string, string | number>;
  message: string;
  hint?: string;
  serverResponse?: string;
  testMessage?: { to: string; messageId: string; response: string };
}

export interface VerifyInput {
  host: string;
  port: number;
  security: 'none' | 'ssl' | 'starttls';
  username?: string | null;
  password?: string | null;
  fromAddress: string;
  testTo?: string;
  /** Lets tests reach servers with self-signed certificates; never set in production. */
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
  auth?: SMTPTransport.Options['auth'];
}

export async function verifySmtp(input: VerifyInput): Promise<VerifyResult> {
  const timeout = input.timeoutMs ?? 10_000;
  // Loaded on use, not at start (memory at rest, issue #16).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodemailer = require('nodemailer') as typeof import('nodemailer');
  const transport = nodemailer.createTransport(guardSmtp({
    host: input.host,
    port: input.port,
    secure: input.security === 'ssl',
    requireTLS: input.security === 'starttls',
    ignoreTLS: input.security === 'none',
    auth: input.auth ?? (input.username ? { user: input.username, pass: input.password ?? '' } : undefined),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: { rejectUnauthorized: input.rejectUnauthorized ?? true },
  } as SMTPTransport.Options));
  try {
    await transport.verify();
    const where = { host: input.host, port: input.port };
    if (!input.testTo) return { ok: true, code: input.username ? 'LOGGED_IN' : 'CONNECTED', params: where, message: `Connected to ${input.host}:${input.port}${input.username ? ' and logged in' : ''}.` };
    const info = await transport.sendMail({
      from: input.fromAddress,
      to: input.testTo,
      subject: 'Mailroom : message de test',
      text: 'Ce message confirme que le compte d’envoi est bien configuré dans Mailroom.',
    });
    return { ok: true, code: 'TEST_SENT', params: { ...where, to: input.testTo }, message: `Connected, logged in and sent a test message to ${input.testTo}.`, testMessage: { to: input.testTo, messageId: info.messageId, response: info.response } };
  } catch (err) {
    return explain(err, input);
  } finally {
    transport.close();
  }
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  reason?: string;
}

export function explain(err: unknown, input: Pick<VerifyInput, 'host' | 'port' | 'security' | 'fromAddress'>): VerifyResult {
  const r = explainInWords(err, input);
  const e = err as SmtpError;
  // A refused destination answers the same whatever the port: nothing may tell whether something listens there.
  const params: Record<string, string | number> = r.problem === 'NOT_ALLOWED' ? { host: input.host } : { host: input.host, port: input.port, otherPort: input.port === 465 ? 587 : 465, from: input.fromAddress };
  if (r.serverResponse) params.serverResponse = r.serverResponse;
  if (r.problem === 'CERTIFICATE_INVALID' || r.problem === 'UNKNOWN') params.detail = e?.message ?? String(err);
  return { ...r, code: r.problem ?? 'UNKNOWN', params };
}

function explainInWords(err: unknown, input: Pick<VerifyInput, 'host' | 'port' | 'security' | 'fromAddress'>): Omit<VerifyResult, 'code' | 'params'> {
  // Refused before any packet: the answer must not tell whether something listens there.
  if (err instanceof AppError && err.code === 'DESTINATION_NOT_ALLOWED') {
    return { ok: false, problem: 'NOT_ALLOWED', message: `Connections to ${input.host} are not allowed.`, hint: 'Give the public name of your provider’s SMTP server.' };
  }
  const e = err as SmtpError;
  const text = `${e.message ?? ''} ${e.reason ?? ''}`;
  const serverResponse = e.response;
  const otherPort = input.port === 465 ? 587 : 465;
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/.test(text) || e.code === 'EDNS') {
    return { ok: false, problem: 'DNS_NOT_FOUND', message: `The server name "${input.host}" could not be found.`, hint: 'Check the spelling of the server name (for example smtp.orange.fr), or pick your provider in the presets.' };
  }
  if (/ECONNREFUSED/.test(text)) {
    return { ok: false, problem: 'CONNECTION_REFUSED', message: `${input.host} refused the connection on port ${input.port}.`, hint: `Check the port: 465 is used with SSL/TLS, 587 with STARTTLS. Try port ${otherPort}.` };
  }
  // Implicit TLS spoken to a plain-text SMTP port: OpenSSL reads "220 ..." as a TLS record.
  if (input.security === 'ssl' && /wrong version number|packet length too long|unknown protocol|ssl3_get_record|http request/i.test(text)) {
    return { ok: false, problem: 'TLS_MISMATCH_USE_STARTTLS', message: `Port ${input.port} expects STARTTLS, not SSL/TLS from the start.`, hint: `Choose the security "STARTTLS" for port ${input.port} (usually 587), or use port 465 with SSL/TLS.` };
  }
  // Plain text or STARTTLS spoken to an implicit-TLS port: the server waits for a TLS hello and never greets.
  if (input.security !== 'ssl' && (/Greeting never received|greeting/i.test(text) || (e.code === 'ETIMEDOUT' && e.command === 'CONN'))) {
    return { ok: false, problem: 'TLS_MISMATCH_USE_SSL', message: `Port ${input.port} expects SSL/TLS from the start; the server never greeted in plain text.`, hint: `Choose the security "SSL/TLS" for port ${input.port} (usually 465), or use port 587 with STARTTLS.` };
  }
  if (/self[- ]signed|unable to verify|certificate has expired|Hostname\/IP does not match|CERT_|certificate/i.test(text)) {
    return { ok: false, problem: 'CERTIFICATE_INVALID', message: `The server's certificate is not valid for ${input.host}: ${e.message}`, hint: 'Use the exact server name given by your provider (the certificate is issued for it); if it is your own server, install a valid certificate.' };
  }
  if (/STARTTLS/i.test(text) && /not|fail|require/i.test(text) && e.code !== 'EAUTH') {
    return { ok: false, problem: 'TLS_NOT_OFFERED', message: `${input.host} does not offer STARTTLS on port ${input.port}.`, hint: 'Use port 465 with SSL/TLS, or ask your provider for the secure submission port.' };
  }
  if (e.code === 'EAUTH') {
    if (/no auth|authentication required|530/i.test(text) && !e.responseCode?.toString().startsWith('53')) {
      return { ok: false, problem: 'AUTH_REQUIRED', message: 'The server requires a login.', hint: 'Enter the user name (usually the full address) and the password.', serverResponse };
    }
    return { ok: false, problem: 'AUTH_REJECTED', message: `The server rejected the user name or password${serverResponse ? `: ${serverResponse}` : ''}.`, hint: 'Check the password. Gmail, Yahoo and iCloud need an application password (not the usual one); Microsoft 365 and Outlook.com need OAuth2 ("Sign in with Microsoft").', serverResponse };
  }
  if (e.code === 'ETIMEDOUT' || /timeout|timed out/i.test(text)) {
    return { ok: false, problem: 'TIMEOUT', message: `No answer from ${input.host}:${input.port}.`, hint: `A firewall may block the port, or the port is wrong: try ${otherPort}.` };
  }
  if (e.code === 'EENVELOPE' && e.command === 'MAIL FROM') {
    return { ok: false, problem: 'SENDER_REFUSED', message: `The server refuses to send as ${input.fromAddress}${serverResponse ? `: ${serverResponse}` : ''}.`, hint: 'The sender address must be the account’s own address or an alias the provider allows.', serverResponse };
  }
  if (e.code === 'EENVELOPE') {
    return { ok: false, problem: 'RECIPIENT_REFUSED', message: `The test recipient was refused${serverResponse ? `: ${serverResponse}` : ''}.`, serverResponse };
  }
  return { ok: false, problem: 'UNKNOWN', message: e.message ?? String(err), serverResponse };
}
