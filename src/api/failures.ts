import type { Params } from '../shared/coded-text';
import { ERROR_CODES, type ErrorCode } from '../shared/errors';
import { FIELD_REASON_CODES, type FieldReasonCode } from '../shared/field-reasons';
import { DETAIL_CODES, readFailure, type DetailCode } from '../shared/problem-details';
import { failureReason } from '../delivery/bounce/classify';
import type { Reason } from '../delivery/reasons';
import { z } from './zod';

/**
 * A failure the engine recorded (a message's lastError, an invoice item's error)
 * as the API gives it beside the English words: a code of the problem-details
 * table, of the error table, or a field reason (a message refused when queued),
 * with its values. The three tables share no code (tests/unit/problem-codes.test.ts).
 */
export const FAILURE_CODES = [...new Set<DetailCode | ErrorCode | FieldReasonCode>([...DETAIL_CODES, ...(Object.keys(ERROR_CODES) as ErrorCode[]), ...FIELD_REASON_CODES])] as [string, ...string[]];
export type FailureCode = DetailCode | ErrorCode | FieldReasonCode;
const KNOWN = new Set<string>(FAILURE_CODES);

export const failureCode = () =>
  z.enum(FAILURE_CODES as [FailureCode, ...FailureCode[]]).nullable().openapi({
    description:
      'the failure as a stable code: a situation of the problem details (RECIPIENTS_REFUSED, MESSAGE_SETTLED, SENDING_SIGN_IN_INVALID…), else an error code (SMTP_PERMANENT, SMTP_CONNECTION…: `response` holds the mail server’s own words, `detail` a technical one), else the reason a refused field gave (with `field`); SEND_FAILED with `detail` for words without a code',
  });
export const failureParams = () => z.record(z.string(), z.union([z.string(), z.number()])).nullable().openapi({ description: 'the values of the code' });

/** The stored code and values of a failure, or its words read back (rows recorded before codes existed). */
export function presentFailure(words: string | null, code: string | null, params: unknown): { code: FailureCode; params: Params } | null {
  if (words === null) return null;
  if (code && KNOWN.has(code)) return { code: code as FailureCode, params: (params ?? {}) as Params };
  return readFailure(words);
}

/** Whether a failure is the mail server's own reply (worded through the bounce reasons table, the words shown as they came). */
export const isServerReply = (f: { code: string; params: Params } | null): f is { code: FailureCode; params: Params & { response: string } } =>
  !!f && (f.code === 'SMTP_PERMANENT' || f.code === 'SMTP_TRANSIENT' || f.code === 'SMTP_AUTH_FAILED') && typeof f.params.response === 'string';

/** A server's reply read as a reason of the bounce reasons table; words recorded before codes existed are read the same way. */
export function serverReason(f: { code: string; params: Params } | null): Reason | null {
  if (isServerReply(f)) return failureReason(f.params.response);
  return f?.code === 'SEND_FAILED' && typeof f.params.detail === 'string' ? failureReason(f.params.detail) : null;
}
