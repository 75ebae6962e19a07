import { ApplicationFailure } from '@temporalio/common';
import type { Params } from './coded-text';
import { fieldError, type FieldArgs, type FieldError, type OwnFieldReason } from './field-reasons';
import { detailText, type DetailArgs, type DetailCode } from './problem-details';

export type { FieldError } from './field-reasons';

/**
 * The one table of error codes. `status` is what the API answers; `retryable`
 * tells activities whether Temporal should try again (permanent failures become
 * non-retryable ApplicationFailures whose `type` is the code).
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, title: 'Bad request', retryable: false },
  INVALID_JSON: { status: 400, title: 'Malformed JSON body', retryable: false },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required', retryable: false },
  FORBIDDEN: { status: 403, title: 'Forbidden', retryable: false },
  NOT_FOUND: { status: 404, title: 'Not found', retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', retryable: false },
  CONFLICT: { status: 409, title: 'Conflict', retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large', retryable: false },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large', retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', retryable: false },
  VALIDATION_FAILED: { status: 422, title: 'Validation failed', retryable: false },
  RATE_LIMITED: { status: 429, title: 'Too many requests', retryable: true },
  INTERNAL: { status: 500, title: 'Internal server error', retryable: true },
  NOT_CONFIGURED: { status: 409, title: 'Not configured', retryable: false },
  UPSTREAM_UNAVAILABLE: { status: 503, title: 'Service unavailable', retryable: true },
  // Mail delivery outcomes (activities).
  SMTP_PERMANENT: { status: 502, title: 'The mail server refused the message', retryable: false },
  SMTP_TRANSIENT: { status: 503, title: 'The mail server is temporarily unavailable', retryable: true },
  SMTP_AUTH_FAILED: { status: 502, title: 'The mail server rejected the credentials', retryable: false },
  SMTP_CONNECTION: { status: 503, title: 'Could not reach the mail server', retryable: true },
  IMAP_AUTH_FAILED: { status: 502, title: 'The mailbox rejected the credentials', retryable: false },
  IMAP_CONNECTION: { status: 503, title: 'Could not reach the mailbox', retryable: true },
  // The outbound policy (src/net/outbound-policy.ts) refused a tenant-given destination.
  DESTINATION_NOT_ALLOWED: { status: 422, title: 'Destination not allowed', retryable: false },
  RECEPTION_DATABASE: { status: 503, title: 'The database refused to store a received mail', retryable: true },
  RECEPTION_STORAGE: { status: 503, title: 'A received mail could not be written to the document storage', retryable: true },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorOptions {
  errors?: FieldError[];
  extra?: Record<string, unknown>;
  cause?: unknown;
  /** Which situation (problem-details.ts), and the values its wording needs. */
  detailCode?: DetailCode;
  params?: Params;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly detailCode?: DetailCode;
  readonly params?: Params;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? ERROR_CODES[code].title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.errors = options.errors;
    this.extra = options.extra;
    this.detailCode = options.detailCode;
    this.params = options.params;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

/**
 * A problem of a known situation: `code` from the error table, `detailCode` from
 * problem-details.ts, whose English sentence becomes the message (the problem's `detail`).
 */
export function problem<C extends DetailCode>(code: ErrorCode, detailCode: C, ...args: DetailArgs<C, [options?: Omit<AppErrorOptions, 'detailCode' | 'params'>]>): AppError {
  const [params, options] = args as [Params | undefined, Omit<AppErrorOptions, 'detailCode' | 'params'> | undefined];
  return new AppError(code, (detailText as (c: DetailCode, p?: Params) => string)(detailCode, params), { ...options, detailCode, params: params ?? {} });
}

/** One refused field: 422 naming it, the reason from the field reasons table. */
export function validationError<C extends OwnFieldReason>(field: string, code: C, ...params: FieldArgs<C>): AppError {
  return invalid([fieldError(field, code, ...params)]);
}

/** 422 naming each refused field; the message lists them (`field: reason; …`). */
export function invalid(errors: FieldError[], message?: string, options: Omit<AppErrorOptions, 'errors'> = {}): AppError {
  return new AppError('VALIDATION_FAILED', message ?? errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { ...options, errors });
}

/**
 * A failure as the engine stores it beside its English text (a message's
 * lastError, an invoice item's error): the situation's code, else the first
 * refused field's reason code (with the field), else the error table's code.
 */
export function storedFailure(err: AppError): { code: string; params: Params } {
  if (err.detailCode) return { code: err.detailCode, params: err.params ?? {} };
  const first = err.code === 'VALIDATION_FAILED' ? err.errors?.[0] : undefined;
  if (first) return { code: first.code, params: { ...first.params, field: first.field } };
  return { code: err.code, params: err.params ?? {} };
}

/** Converts an AppError into what Temporal understands: the code as failure type, retryability from the table. */
export function toActivityFailure(err: AppError): ApplicationFailure {
  return ApplicationFailure.create({
    type: err.code,
    message: err.message,
    nonRetryable: !err.retryable,
    details: err.extra ? [err.extra] : undefined,
  });
}
