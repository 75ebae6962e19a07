import type { ImapFlow } from 'imapflow';
import { imapOptions, newImapFlow, type ImapSecret } from '../mail/imap';
import { guardImap } from '../net/guarded';
import { AppError } from '../shared/errors';

export type MailboxVerifyProblem = 'NOT_ALLOWED' | 'DNS_NOT_FOUND' | 'CONNECTION_REFUSED' | 'TIMEOUT' | 'TLS_MISMATCH_USE_STARTTLS_OR_NONE' | 'TLS_MISMATCH_USE_SSL' | 'CERTIFICATE_INVALID' | 'AUTH_REJECTED' | 'FOLDER_NOT_FOUND' | 'UNKNOWN';
/** What the console translates: the problem (finer for the providers' own refusals), or what worked. */
export const MAILBOX_VERIFY_CODES = [
  'FOLDER_OPENED', 'NOT_ALLOWED', 'DNS_NOT_FOUND', 'CONNECTION_REFUSED', 'TIMEOUT', 'TLS_MISMATCH_USE_STARTTLS_OR_NONE', 'TLS_MISMATCH_USE_SSL', 'CERTIFICATE_INVALID',
  'AUTH_REJECTED', 'APP_PASSWORD_REQUIRED', 'WEB_LOGIN_REQUIRED', 'MICROSOFT_IMAP_REFUSED', 'FOLDER_NOT_FOUND', 'UNKNOWN',
] as const satisfies readonly (MailboxVerifyProblem | 'FOLDER_OPENED' | 'APP_PASSWORD_REQUIRED' | 'WEB_LOGIN_REQUIRED' | 'MICROSOFT_IMAP_REFUSED')[];
export type MailboxVerifyCode = (typeof MAILBOX_VERIFY_CODES)[number];

type Explained = Omit<MailboxVerifyResult, 'code' | 'params'> & { code?: MailboxVerifyCode };

export interface MailboxVerifyResult {
  ok: boolean;
  problem?: MailboxVerifyProblem;
  /** Stable code of the outcome; `message` and `hint` are its English wording with `params` filled in. */
  code: MailboxVerifyCode;
  params: Record<string, string | number>;
  message: string;
  hint?: string;
  messages?: number;
  folders?: string[];
}

/** Connects, logs in and opens the folder for real, and explains what went wrong in plain words. */
export async function verifyMailbox(
  a: { host: string; port: number; security: 'none' | 'ssl' | 'starttls'; username: string; folder: string },
  password: ImapSecret,
  opts: { rejectUnauthorized: boolean; timeoutMs: number },
): Promise<MailboxVerifyResult> {
  let client: ImapFlow;
  try {
    client = newImapFlow(await guardImap({ ...imapOptions(a, password, opts.rejectUnauthorized), connectionTimeout: opts.timeoutMs, greetingTimeout: opts.timeoutMs }));
  } catch (err) {
    return withCode(explainImap(err, a), err, a);
  }
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return withCode(explainImap(err, a), err, a);
  }
  try {
    const folders = (await client.list()).map((f) => f.path);
    if (!folders.includes(a.folder) && a.folder.toUpperCase() !== 'INBOX') {
      return { ok: false, problem: 'FOLDER_NOT_FOUND', code: 'FOLDER_NOT_FOUND', params: { folder: a.folder }, message: `The folder "${a.folder}" does not exist in this mailbox.`, hint: 'Pick one of the folders listed.', folders };
    }
    const status = await client.status(a.folder, { messages: true });
    const count = status ? (status.messages ?? 0) : 0;
    return { ok: true, code: 'FOLDER_OPENED', params: { host: a.host, folder: a.folder, count }, message: `Connected to ${a.host} and opened ${a.folder}: ${count} messages.`, messages: count, folders };
  } catch (err) {
    return withCode(explainImap(err, a), err, a);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Codes of a failing poll that are not about the connection: the database, the document storage or reading a mail refused it. */
export const MAILBOX_POLL_CODES = ['DATABASE', 'STORAGE', 'PARSE'] as const;
export const MAILBOX_ERROR_CODES = [...MAILBOX_VERIFY_CODES.filter((c) => c !== 'FOLDER_OPENED'), ...MAILBOX_POLL_CODES] as const;
export type MailboxErrorCode = Exclude<MailboxVerifyCode, 'FOLDER_OPENED'> | (typeof MAILBOX_POLL_CODES)[number];

/**
 * A mailbox's last error as the API gives it beside the words: the code and values recorded
 * with them, else UNKNOWN with the words as `detail` (an error recorded before codes existed,
 * or known only to the workflow).
 */
export function storedMailboxError(words: string | null, stored: { lastError: string | null; lastErrorCode: string | null; lastErrorParams: unknown }): { lastErrorCode: MailboxErrorCode | null; lastErrorParams: Record<string, string | number> | null } {
  if (words === null) return { lastErrorCode: null, lastErrorParams: null };
  if (stored.lastError !== null && stored.lastErrorCode && (MAILBOX_ERROR_CODES as readonly string[]).includes(stored.lastErrorCode)) {
    return { lastErrorCode: stored.lastErrorCode as MailboxErrorCode, lastErrorParams: (stored.lastErrorParams ?? {}) as Record<string, string | number> };
  }
  return { lastErrorCode: 'UNKNOWN', lastErrorParams: { detail: words } };
}

/** A failing poll's connection error, explained as the connection test would: its code, values and English sentence. */
export function explainMailboxError(err: unknown, a: { host: string; port: number; security: string }): { code: MailboxVerifyCode; params: Record<string, string | number>; message: string } {
  const r = withCode(explainImap(err, a), err, a);
  return { code: r.code, params: r.params, message: r.message };
}

function withCode(r: Explained, err: unknown, a: { host: string; port: number }): MailboxVerifyResult {
  const e = err as Error & { responseText?: string };
  // A refused destination answers the same whatever the port: nothing may tell whether something listens there.
  const params: Record<string, string | number> = r.problem === 'NOT_ALLOWED' ? { host: a.host } : { host: a.host, port: a.port };
  if (e?.responseText) params.serverResponse = e.responseText;
  if (r.problem === 'CERTIFICATE_INVALID' || r.problem === 'UNKNOWN') params.detail = e?.message ?? String(err);
  return { ...r, code: r.code ?? r.problem ?? 'UNKNOWN', params };
}

function explainImap(err: unknown, a: { host: string; port: number; security: string }): Explained {
  // Refused before any packet: the answer must not tell whether something listens there.
  if (err instanceof AppError && err.code === 'DESTINATION_NOT_ALLOWED') return { ok: false, problem: 'NOT_ALLOWED', message: `Connections to ${a.host} are not allowed.`, hint: 'Give the public name of your provider’s IMAP server.' };
  const e = err as Error & { code?: string; authenticationFailed?: boolean; responseText?: string };
  const text = `${e.message ?? ''} ${e.code ?? ''}`;
  const refusal = explainProviderRefusal(`${text} ${e.responseText ?? ''}`, a.host);
  if (refusal) return refusal;
  if (e.authenticationFailed || /AUTHENTICATIONFAILED|authentication failed|invalid credentials/i.test(`${text} ${e.responseText ?? ''}`)) {
    return {
      ok: false, problem: 'AUTH_REJECTED', message: `The mailbox rejected the user name or password${e.responseText ? `: ${e.responseText}` : ''}.`,
      hint: /gmail|google/i.test(a.host) ? 'Gmail: enable IMAP and use an app password or OAuth2.' : 'Check the user name (usually the full address) and the password; Gmail needs IMAP enabled and an app password or OAuth2.',
    };
  }
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(text)) return { ok: false, problem: 'DNS_NOT_FOUND', message: `The server name "${a.host}" could not be found.`, hint: 'Check the spelling (for example imap.orange.fr).' };
  if (/ECONNREFUSED/.test(text)) return { ok: false, problem: 'CONNECTION_REFUSED', message: `${a.host} refused the connection on port ${a.port}.`, hint: 'IMAP uses port 993 with SSL/TLS, or 143 with STARTTLS.' };
  if (a.security === 'ssl' && /wrong version number|packet length too long|unknown protocol|ssl3_get_record/i.test(text)) {
    return { ok: false, problem: 'TLS_MISMATCH_USE_STARTTLS_OR_NONE', message: `Port ${a.port} does not start with SSL/TLS.`, hint: 'Use port 993 with SSL/TLS, or choose STARTTLS for port 143.' };
  }
  if (a.security !== 'ssl' && /timeout|timed out|greeting|ETIMEOUT|ETIMEDOUT|NoConnection|Unexpected close/i.test(text)) {
    return { ok: false, problem: 'TLS_MISMATCH_USE_SSL', message: `No IMAP greeting on port ${a.port}: it probably expects SSL/TLS from the start.`, hint: `Choose SSL/TLS for port ${a.port} (usually 993).` };
  }
  if (/certificate|self[- ]signed|unable to verify/i.test(text)) return { ok: false, problem: 'CERTIFICATE_INVALID', message: `The server's certificate is not valid for ${a.host}: ${e.message}` };
  if (/timeout|timed out|ETIMEDOUT/i.test(text)) return { ok: false, problem: 'TIMEOUT', message: `No answer from ${a.host}:${a.port}.`, hint: 'A firewall may block the port, or the port is wrong.' };
  return { ok: false, problem: 'UNKNOWN', message: e.message ?? String(err) };
}

/**
 * Google's and Microsoft's usual refusals, in plain words: both say little
 * ("AUTHENTICATE failed") and mean something specific.
 */
export function explainProviderRefusal(text: string, host: string): Explained | null {
  if (/application-specific password required/i.test(text)) {
    return { ok: false, problem: 'AUTH_REJECTED', code: 'APP_PASSWORD_REQUIRED', message: 'Google refuses the account password for IMAP: this account has 2-step verification.', hint: 'Connect the mailbox with "Sign in with Google" (OAuth2), or create an app password in the Google account.' };
  }
  if (/web login required|WEBALERT|please log in via your web browser/i.test(text)) {
    return { ok: false, problem: 'AUTH_REJECTED', code: 'WEB_LOGIN_REQUIRED', message: 'Google blocked the sign-in as unusual and asks for a sign-in in a browser first.', hint: 'Sign in to Gmail in a browser once, then connect with "Sign in with Google".' };
  }
  if (/outlook|office365|office\.com|hotmail|live\.com/i.test(host) && /AUTHENTICATE failed|LOGIN failed|authentication failed/i.test(text)) {
    return {
      ok: false, problem: 'AUTH_REJECTED', code: 'MICROSOFT_IMAP_REFUSED', message: 'Microsoft 365 refused the sign-in for IMAP.',
      hint: 'Microsoft 365 accepts no password for IMAP: use "Sign in with Microsoft". If that also fails, IMAP is disabled for this mailbox or tenant: an administrator must enable IMAP for the mailbox (Exchange admin center → mailbox → Email apps) and allow the IMAP.AccessAsUser.All permission.',
    };
  }
  return null;
}
