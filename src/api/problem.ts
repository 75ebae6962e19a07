import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { Prisma } from '../generated/prisma/client';
import type { Logger } from '../logger';
import { AppError, ERROR_CODES, type ErrorCode, type FieldError } from '../shared/errors';

/** RFC 9457 problem details, the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ErrorCode;
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
  }));
}

/** Maps whatever went wrong to a problem+json answer; internals never leave the process. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const errors = zodToFieldErrors(err);
    return new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { errors });
  }
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return new AppError('INVALID_JSON', `The request body is not valid JSON: ${e.message}`);
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE', e.message);
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2025') return new AppError('NOT_FOUND', 'The requested resource does not exist');
    if (err.code === 'P2002') return new AppError('CONFLICT', 'A resource with the same unique value already exists');
    if (err.code === 'P2003') return new AppError('VALIDATION_FAILED', 'A referenced resource does not exist');
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
