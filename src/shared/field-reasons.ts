import { coded, reader, sentence, type Params } from './coded-text';

/**
 * The one table of reasons an input field is refused. Every field error the API
 * answers carries one of these codes and its values beside the English `reason`,
 * so the console says it in the reader's language. The entries below are
 * Mailroom's own sentences (schema messages and domain checks); ZOD_REASON_CODES
 * are read from zod's own issues, whose English message is kept as it is.
 */
export const FIELD_REASONS = {
  NOT_UUID: coded(() => 'not a UUID'),
  EMAIL: coded(() => 'not a valid email address'),
  EMAIL_GIVEN: coded((p) => `"${p.address}" is not a valid email address`, { address: 'text' }),
  DATE_TIME: coded(() => 'an ISO 8601 date-time such as 2026-05-01T09:00:00Z'),
  DATE_OUT_OF_RANGE: coded((p) => `a valid date between ${p.min} and ${p.max}`, { min: 'number', max: 'number' }),
  PERIOD: coded(() => 'YYYY-MM'),
  TIME_ZONE: coded(() => 'not an IANA time zone'),
  ASCII_URL: coded(() => 'an http(s) URL in ASCII (a host such as xn--…)'),
  LANGUAGE_TAG: coded(() => 'a BCP 47 language tag such as fr or en-GB'),
  MIME_TYPE: coded(() => 'a MIME type such as application/pdf (RFC 2045)'),
  DOMAIN: coded(() => 'not a domain name'),
  DKIM_SELECTOR: coded(() => 'letters, digits and dashes'),
  NOT_BASE64: coded(() => 'not valid base64'),
  NOT_A_PDF: coded(() => 'not a PDF'),
  NOT_PEM_KEY: coded(() => 'not a PEM RSA private key'),
  TEMPLATE_DATA_TOO_BIG: coded((p) => `at most ${p.kb} KB of JSON`, { kb: 'number' }),
  NUL_CHARACTER: coded(() => 'contains the NUL character (U+0000)'),
  LONE_SURROGATE: coded(() => 'is not valid Unicode text (lone surrogate)'),
  TOO_DEEP: coded((p) => `is nested deeper than ${p.levels} levels`, { levels: 'number' }),
  NOT_A_CURSOR: coded(() => 'not a cursor of this list (use the `next` value of a previous page)'),
  PAGE_TOO_DEEP: coded((p) => `beyond row ${p.max}, follow the \`next\` cursor instead of a page number`, { max: 'number' }),
  KEY_OR_GENERATE: coded(() => 'give either privateKey or generate: true'),
  FOLDER_TO_MOVE_TO: coded(() => 'required when afterFiling is "move"'),
  TEXT_HTML_OR_TEMPLATE: coded(() => 'give text, html or a template'),
  INVOICE_IDS_OR_EXCLUDED: coded(() => 'give invoiceIds or excludeInvoiceIds, not both'),
  SERVER_REQUIRED: coded(() => 'give host, port and security, or a preset'),
  PASSWORD_AGAIN: coded(() => 'required again: the host, port, security or user name changed, and a stored password is only sent to the server it was given for'),
  FILENAME_REQUIRED: coded(() => 'required for a raw upload'),
  EMPTY_UPLOAD: coded(() => 'no bytes were sent: the file is empty'),
  NO_SUCH_MEMBER: coded(() => 'no such member in this organisation'),
  NO_SUCH_STRUCTURE: coded(() => 'no such structure in this organisation'),
  NO_SUCH_RESOURCE: coded(() => 'no such resource in this organisation'),
  WRONG_PASSWORD: coded(() => 'the current password is wrong'),
  ALREADY_HAS_ACCOUNT: coded(() => 'already has an account'),
  EMAIL_FOR_FIRST_ACCOUNT: coded(() => 'required: this link creates the first account, give its email address'),
  ADDRESS_TWICE: coded(() => 'the same address is listed twice'),
  RECIPIENT_REQUIRED: coded(() => 'at least one recipient is required'),
  NO_RECIPIENT: coded(() => 'no recipient'),
  SUBJECT_REQUIRED: coded(() => 'required unless a template gives one'),
  END_BEFORE_START: coded(() => 'must be after start'),
  SAME_AS_ITEM: coded((p) => `the same as item ${p.item}`, { item: 'number' }),
  UNKNOWN_INVOICES: coded((p) => `${p.count} unknown for this structure and period`, { count: 'number' }),
  NO_WORKING_ADDRESS: coded(() => 'no invoice with a working address'),
  INVOICE_NUMBERS_TWICE: coded((p) => `invoice numbers given twice: ${p.numbers}`, { numbers: 'text' }),
  INVOICE_NUMBERS_EXIST: coded((p) => `invoice numbers already exist: ${p.numbers}`, { numbers: 'text' }),
  PURGE_IN_FLIGHT: coded(() => 'queued and sending messages cannot be purged'),
  UNKNOWN_PLACEHOLDER: coded((p) => `unknown placeholder ${p.unknown}; valid placeholders: ${p.valid}`, { unknown: 'text', valid: 'text' }),
  UNKNOWN_TEMPLATE: coded((p) => `unknown template "${p.key}"; known templates: ${p.known}`, { key: 'text', known: 'text' }),
};

/** Read from zod's own issues (src/api/problem.ts), with the values zod gives. */
export const ZOD_REASON_CODES = [
  'REQUIRED', 'WRONG_TYPE', 'NOT_INTEGER', 'TOO_SHORT', 'TOO_LONG', 'TOO_SMALL', 'TOO_BIG', 'NOT_ABOVE', 'NOT_BELOW', 'TOO_FEW', 'TOO_MANY',
  'TOO_EARLY', 'TOO_LATE', 'NOT_MULTIPLE', 'URL', 'BAD_FORMAT', 'NOT_ONE_OF', 'UNKNOWN_KEYS', 'INVALID',
] as const;

export type OwnFieldReason = keyof typeof FIELD_REASONS;
/** OTHER: a sentence no table knows (`detail` holds it). */
export const FIELD_REASON_CODES = [...new Set([...(Object.keys(FIELD_REASONS) as OwnFieldReason[]), ...ZOD_REASON_CODES, 'OTHER' as const])];
export type FieldReasonCode = (typeof FIELD_REASON_CODES)[number];

export interface FieldError {
  /** Dotted path of the offending input, e.g. `to.0` or `query.page`. */
  field: string;
  /** In English, for integrators. */
  reason: string;
  /** The same as a stable code of the field reasons table, with its values. */
  code: FieldReasonCode;
  params: Params;
}

type FieldParams<C extends OwnFieldReason> = Parameters<(typeof FIELD_REASONS)[C]['text']>[0];
/** The values of a reason: none for most, required for the others. */
export type FieldArgs<C extends OwnFieldReason> = Record<string, never> extends FieldParams<C> ? [] : [params: FieldParams<C>];

/** The English sentence of one of Mailroom's own reasons (a schema message). */
export const fieldReasonText = <C extends OwnFieldReason>(code: C, ...params: FieldArgs<C>): string => sentence(FIELD_REASONS, code, (params[0] ?? {}) as never);

/** A field error of Mailroom's own: the sentence built from the table, with its code and values. */
export function fieldError<C extends OwnFieldReason>(field: string, code: C, ...params: FieldArgs<C>): FieldError {
  const values = (params[0] ?? {}) as Params;
  return { field, reason: sentence(FIELD_REASONS, code, values as never), code, params: values };
}

const readOwn = reader(FIELD_REASONS);

/** A sentence read back as its code and values (a schema's own message comes back from zod as text); OTHER when no entry says it. */
export function readFieldReason(text: string): { code: FieldReasonCode; params: Params } {
  return readOwn(text) ?? { code: 'OTHER', params: { detail: text } };
}
