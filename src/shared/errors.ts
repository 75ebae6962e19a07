import { ApplicationFailure } from '@temporalio/common';

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

export interface FieldError {
  /** Dotted path of the offending input, e.g. `to.0` or `query.page`. */
  field: string;
  reason: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, options: { errors?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message ?? ERROR_CODES[code].title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.errors = options.errors;
    this.extra = options.extra;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

export function validationError(field: string, reason: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${reason}`, { errors: [{ field, reason }] });
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
