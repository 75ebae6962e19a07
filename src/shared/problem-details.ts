import { coded, reader, sentence, type Params } from './coded-text';

/**
 * The one table of specific situations behind a problem: the error table
 * (errors.ts) says what kind of problem it is (its `code`, the HTTP status),
 * this one says which (`detailCode`, with `params`). The English sentence is the
 * problem's `detail`; the console words the code and values in the reader's
 * language. The last group are outcomes the engine records on a message or an
 * invoice item (a failure stored as a code, see `storedFailure`).
 */
export const PROBLEM_DETAILS = {
  // Sign-in and sessions
  WRONG_CREDENTIALS: coded(() => 'Wrong email or password'),
  TOO_MANY_SIGN_INS: coded(() => 'Too many failed sign-in attempts; try again later'),
  TOO_MANY_FROM_ADDRESS: coded(() => 'Too many requests from this address; try again later'),
  TOO_MANY_REQUESTS: coded((p) => `Too many requests: try again in ${p.seconds} s`, { seconds: 'number' }),
  ORGANIZATION_SUSPENDED: coded(() => 'organisation suspended'),
  NOT_SIGNED_IN: coded(() => 'Not signed in'),
  NO_SESSION_FOR_KEYS: coded(() => 'Not signed in (API keys have no session)'),
  SIGN_IN_OR_KEY: coded(() => 'Sign in, or use an API key: "Authorization: Bearer <api key>"'),
  CSRF_REJECTED: coded(() => 'CSRF token missing or wrong'),
  ROLE_REQUIRED: coded((p) => `This action needs the ${p.role} role`, { role: 'text' }),
  STAFF_USERS_ONLY: coded(() => 'This route is for signed-in staff users, not API keys'),
  LINK_INVALID: coded(() => 'This link is invalid, used or expired; ask for a new one'),
  LINK_EXPIRED: coded(() => 'This link is invalid or has expired; ask for a new one'),
  LINK_USED: coded(() => 'This link has already been used; ask for a new one'),
  TOO_MANY_RESETS: coded(() => 'Too many reset requests from this client; try again later'),
  ADDRESS_HAS_ACCOUNT: coded(() => 'This address already has an account'),
  LAST_ADMIN_DEMOTE: coded(() => 'You cannot demote the last admin of the organisation; make another user admin first'),
  LAST_ADMIN_REMOVE: coded(() => 'You cannot remove the last admin of the organisation; make another user admin first'),
  // Google and Microsoft sign-in
  OAUTH_NOT_CONFIGURED: coded((p) => `${p.provider} sign-in is not configured on this server: set ${p.prefix}_OAUTH_CLIENT_ID and ${p.prefix}_OAUTH_CLIENT_SECRET`, { provider: 'text', prefix: 'text' }),
  OAUTH_LINK_INVALID: coded(() => 'The sign-in link is invalid; start again from Mailroom'),
  OAUTH_LINK_EXPIRED: coded(() => 'The sign-in link has expired; start again from Mailroom'),
  OAUTH_REFUSED: coded((p) => `The provider refused the sign-in: ${p.detail}`, { detail: 'text' }),
  OAUTH_NOT_COMPLETED: coded((p) => `The sign-in was not completed: ${p.detail}`, { detail: 'text' }),
  OAUTH_OTHER_PROVIDER: coded(() => 'This sign-in was started for another provider'),
  OAUTH_NO_OFFLINE_ACCESS: coded((p) => `${p.provider} did not grant offline access (no refresh token); start again and accept all permissions`, { provider: 'text' }),
  OAUTH_NO_ADDRESS: coded((p) => `${p.provider} did not say which address signed in (scope "email" missing)`, { provider: 'text' }),
  OAUTH_NO_ACCOUNT: coded((p) => `No ${p.provider} account is connected here`, { provider: 'text' }),
  OAUTH_NO_MAILBOX: coded((p) => `No ${p.provider} mailbox is connected`, { provider: 'text' }),
  SENDING_SIGN_IN_INVALID: coded((p) => `The sign-in to the sending account is no longer valid (${p.detail}): connect it again`, { detail: 'text' }),
  MAILBOX_SIGN_IN_INVALID: coded((p) => `The sign-in to the mailbox is no longer valid (${p.detail}): connect it again`, { detail: 'text' }),
  MAILBOX_SIGN_IN_REVOKED: coded(() => 'The mailbox sign-in was revoked: connect it again'),
  // Settings, mailbox, templates, documents
  NO_SENDING_ACCOUNT: coded(() => 'No sending account is configured here'),
  NO_MAILBOX: coded(() => 'No mailbox is connected: PUT /api/v1/settings/mailbox first'),
  NO_MAILBOX_TO_TEST: coded(() => 'No mailbox to test: give settings or connect one first'),
  DKIM_NOT_SET_UP: coded(() => 'DKIM signing is not set up'),
  NO_OVERRIDE: coded(() => 'No override to remove'),
  NOT_PUBLIC_ADDRESS: coded((p) => `Connections to ${p.host} are not allowed: it is not a public Internet address`, { host: 'text' }),
  DOCUMENT_TOO_LARGE: coded((p) => `The document is larger than ${p.limit} bytes`, { limit: 'number' }),
  MESSAGE_NOT_BUILT: coded(() => 'This message has not been built yet (still queued)'),
  QUARANTINED_NOT_FILED: coded(() => 'A quarantined mail cannot be filed: download it raw instead'),
  NOT_QUARANTINED: coded(() => 'Only a quarantined mail can be retried or discarded'),
  MEMBER_HAS_NO_ADDRESS: coded(() => 'The member has no working email address; give one in "to"'),
  DOCUMENT_HAS_NO_MEMBER: coded(() => 'The document belongs to no member; give the recipients in "to"'),
  REFERENCE_MISSING: coded(() => 'A referenced resource does not exist'),
  // Invoice batches, structures, bookings
  SELECTION_CHANGED: coded((p) => `The period's invoices changed since the list was read: ${p.actualCount} would be sent, not ${p.expectedCount}; read the list again`, { actualCount: 'number', expectedCount: 'number' }),
  NOTHING_TO_SEND: coded(() => 'nothing to send: no selected invoice has a working address'),
  BATCH_RUNNING: coded((p) => `The invoice batch of ${p.period} for ${p.structure} is still ${p.status}: cancel it or let it finish before deleting the structure`, { period: 'text', structure: 'text', status: 'text' }),
  BATCH_ALREADY: coded((p) => `The batch is already ${p.status}`, { status: 'text' }),
  NOTHING_TO_RESEND: coded(() => 'No failed message to resend'),
  BOOKING_CANCELLED: coded(() => 'The booking is cancelled'),
  // Outcomes recorded on a message or an invoice item
  RECIPIENTS_REFUSED: coded((p) => `refused recipients: ${p.addresses}`, { addresses: 'text' }),
  MESSAGE_SETTLED: coded((p) => `message ${p.status}`, { status: 'text' }),
  STILL_THROTTLED: coded((p) => `still throttled after ${p.tries} tries: ${p.detail}`, { tries: 'number', detail: 'text' }),
  SEND_FAILED: coded((p) => `${p.detail}`, { detail: 'text' }),
};

export type DetailCode = keyof typeof PROBLEM_DETAILS;
export const DETAIL_CODES = Object.keys(PROBLEM_DETAILS) as [DetailCode, ...DetailCode[]];

export type DetailParams<C extends DetailCode> = Parameters<(typeof PROBLEM_DETAILS)[C]['text']>[0];
/** The values of a detail code: optional when it has none, then what follows. */
export type DetailArgs<C extends DetailCode, Rest extends unknown[] = []> = Record<string, never> extends DetailParams<C> ? [params?: DetailParams<C>, ...Rest] : [params: DetailParams<C>, ...Rest];

/** The English sentence of a detail code. */
export const detailText = <C extends DetailCode>(code: C, ...params: DetailArgs<C>): string => sentence(PROBLEM_DETAILS, code, (params[0] ?? {}) as never);

const readDetail = reader(PROBLEM_DETAILS);
/** Our own sentences read back (older rows, a workflow's words); SEND_FAILED matches anything, so it is left to readFailure. */
export function readDetailText(text: string): { code: DetailCode; params: Params } | null {
  const found = readDetail(text);
  return found && found.code !== 'SEND_FAILED' ? found : null;
}

/** A failure known only by its words (recorded before codes, or said by a workflow): its code when the words are ours, else SEND_FAILED with them. */
export function readFailure(text: string): { code: DetailCode; params: Params } {
  return readDetailText(text) ?? { code: 'SEND_FAILED', params: { detail: text } };
}
