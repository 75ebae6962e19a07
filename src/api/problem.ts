import type { ErrorRequestHandler, Response } from 'express';
import { ZodError, type z } from 'zod';
import { Prisma } from '../generated/prisma/client';
import type { Logger } from '../logger';
import type { Params } from '../shared/coded-text';
import { AppError, ERROR_CODES, invalid, problem, type ErrorCode, type FieldError } from '../shared/errors';
import { readFieldReason, type FieldReasonCode } from '../shared/field-reasons';
import type { DetailCode } from '../shared/problem-details';

/** RFC 9457 problem details, the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ErrorCode;
  detailCode?: DetailCode;
  params?: Params;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export const problemType = (code: ErrorCode) => `urn:mailroom:problem:${code.toLowerCase().replace(/_/g, '-')}`;

export function sendProblem(res: Response, err: AppError, instance?: string): void {
  const body: Problem = {
    type: problemType(err.code),
    title: ERROR_CODES[err.code].title,
    status: err.status,
    detail: err.message,
    instance,
    code: err.code,
    ...(err.detailCode ? { detailCode: err.detailCode, params: err.params ?? {} } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
    ...(err.extra ?? {}),
  };
  // RFC 9110 §10.2.3: tell a rate-limited client when to come back.
  if (typeof err.extra?.retryAfter === 'number') res.set('Retry-After', String(err.extra.retryAfter));
  res.status(err.status).type('application/problem+json').send(JSON.stringify(body));
}

export function zodToFieldErrors(err: ZodError, prefix?: string): FieldError[] {
  return err.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || (prefix ?? '(root)'),
    reason: i.message,
    ...zodReason(i),
  }));
}

const list = (values: readonly unknown[]) => values.map((v) => String(v)).join(', ');
const bound = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : (v as number));

/**
 * A zod issue as a code of the field reasons table: a schema's own message is read
 * back as the entry that wrote it; zod's own messages by what zod says went wrong.
 */
export function zodReason(issue: z.core.$ZodIssue): { code: FieldReasonCode; params: Params } {
  const own = readFieldReason(issue.message);
  if (own.code !== 'OTHER') return own;
  switch (issue.code) {
    case 'invalid_type':
      // zod says "received undefined" for a missing field (it keeps no input in the issue).
      if (/received undefined$/.test(issue.message)) return { code: 'REQUIRED', params: {} };
      return issue.expected === 'int' ? { code: 'NOT_INTEGER', params: {} } : { code: 'WRONG_TYPE', params: { expected: issue.expected } };
    case 'too_small': {
      const minimum = bound(issue.minimum);
      if (issue.origin === 'string') return { code: 'TOO_SHORT', params: { minimum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'TOO_FEW', params: { minimum } };
      if (issue.origin === 'date') return { code: 'TOO_EARLY', params: { minimum: new Date(minimum).toISOString() } };
      return { code: issue.inclusive === false ? 'NOT_ABOVE' : 'TOO_SMALL', params: { minimum } };
    }
    case 'too_big': {
      const maximum = bound(issue.maximum);
      if (issue.origin === 'string') return { code: 'TOO_LONG', params: { maximum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'TOO_MANY', params: { maximum } };
      if (issue.origin === 'date') return { code: 'TOO_LATE', params: { maximum: new Date(maximum).toISOString() } };
      return { code: issue.inclusive === false ? 'NOT_BELOW' : 'TOO_BIG', params: { maximum } };
    }
    case 'invalid_format':
      if (issue.format === 'email') return { code: 'EMAIL', params: {} };
      if (issue.format === 'guid' || issue.format === 'uuid') return { code: 'NOT_UUID', params: {} };
      if (issue.format === 'url') return { code: 'URL', params: {} };
      if (issue.format === 'datetime' || issue.format === 'date') return { code: 'DATE_TIME', params: {} };
      return { code: 'BAD_FORMAT', params: { format: issue.format } };
    case 'not_multiple_of':
      return { code: 'NOT_MULTIPLE', params: { divisor: bound(issue.divisor) } };
    case 'invalid_value':
      return { code: 'NOT_ONE_OF', params: { values: list(issue.values) } };
    case 'unrecognized_keys':
      return { code: 'UNKNOWN_KEYS', params: { keys: list(issue.keys) } };
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return { code: 'INVALID', params: {} };
    default:
      return own;
  }
}

/** Maps whatever went wrong to a problem+json answer; internals never leave the process. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return invalid(zodToFieldErrors(err));
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return new AppError('INVALID_JSON', `The request body is not valid JSON: ${e.message}`);
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE', e.message);
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2025') return new AppError('NOT_FOUND', 'The requested resource does not exist');
    if (err.code === 'P2002') return new AppError('CONFLICT', 'A resource with the same unique value already exists');
    if (err.code === 'P2003') return problem('VALIDATION_FAILED', 'REFERENCE_MISSING');
  }
  const status = e?.status ?? e?.statusCode;
  if (status && status >= 400 && status < 500) return new AppError('BAD_REQUEST', e.message ?? 'Bad request');
  return new AppError('INTERNAL', 'Something went wrong on our side; the error has been logged', { cause: err });
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // The client went away mid-download (closed tab, cancelled curl): nothing failed on our side.
    const code = (err as { code?: string })?.code;
    if (res.destroyed && (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED')) {
      logger.debug({ url: req.originalUrl, method: req.method, code }, 'client aborted the response');
      return;
    }
    const appError = toAppError(err);
    if (appError.code === 'INTERNAL') logger.error({ err, url: req.originalUrl, method: req.method }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, appError, req.originalUrl);
  };
}
