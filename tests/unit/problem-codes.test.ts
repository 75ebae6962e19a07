import type { Response } from 'express';
import { z } from 'zod';
import { sendProblem, toAppError, zodToFieldErrors } from '../../src/api/problem';
import { FAILURE_CODES, presentFailure } from '../../src/api/failures';
import { uuid, isoDateTime, templateData } from '../../src/api/zod';
import { AppError, ERROR_CODES, problem, storedFailure, type ErrorCode } from '../../src/shared/errors';
import { FIELD_REASONS, FIELD_REASON_CODES, fieldError, readFieldReason } from '../../src/shared/field-reasons';
import { DETAIL_CODES, PROBLEM_DETAILS, readFailure } from '../../src/shared/problem-details';
import { classifySmtpError } from '../../src/mail/smtp-errors';

/** The body sendProblem writes, without an HTTP server. */
function answered(err: AppError): { status: number; type: string; body: Record<string, unknown> } {
  const out = { status: 0, type: '', body: {} as Record<string, unknown> };
  const res = {
    status(s: number) { out.status = s; return this; },
    type(t: string) { out.type = t; return this; },
    set() { return this; },
    send(b: string) { out.body = JSON.parse(b); return this; },
  };
  sendProblem(res as unknown as Response, err, '/api/v1/x');
  return out;
}

/** Sample values for a table entry's declared parameters. */
const sample = (params: Record<string, 'number' | 'text'>) => Object.fromEntries(Object.entries(params).map(([k, kind]) => [k, kind === 'number' ? 42 : `v-${k} 550 5.1.1`]));

describe('problem codes', () => {
  it('answers every error-table code as problem+json carrying that code, its status and title', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const { status, type, body } = answered(new AppError(code, 'something'));
      expect({ code, status, type, body: { code: body.code, title: body.title, detail: body.detail } }).toEqual({
        code, status: ERROR_CODES[code].status, type: 'application/problem+json', body: { code, title: ERROR_CODES[code].title, detail: 'something' },
      });
    }
  });

  it('gives a known situation its detail code and values, the English sentence as detail', () => {
    const { status, body } = answered(problem('NOT_CONFIGURED', 'OAUTH_NOT_CONFIGURED', { provider: 'Google', prefix: 'GMAIL' }));
    expect(status).toBe(409);
    expect(body).toMatchObject({
      code: 'NOT_CONFIGURED', detailCode: 'OAUTH_NOT_CONFIGURED', params: { provider: 'Google', prefix: 'GMAIL' },
      detail: 'Google sign-in is not configured on this server: set GMAIL_OAUTH_CLIENT_ID and GMAIL_OAUTH_CLIENT_SECRET',
    });
  });

  it('reads every sentence of the field reasons and problem details tables back as its code and values', () => {
    for (const [code, entry] of Object.entries(FIELD_REASONS)) {
      const params = sample(entry.params);
      expect(readFieldReason((entry.text as (p: unknown) => string)(params))).toEqual({ code, params });
    }
    for (const [code, entry] of Object.entries(PROBLEM_DETAILS)) {
      const params = sample(entry.params);
      expect(readFailure((entry.text as (p: unknown) => string)(params))).toEqual({ code, params });
    }
    expect(readFieldReason('said by nobody')).toEqual({ code: 'OTHER', params: { detail: 'said by nobody' } });
  });

  it('keeps the three tables apart, so a stored failure code says which one it is', () => {
    const all = [...Object.keys(ERROR_CODES), ...DETAIL_CODES, ...FIELD_REASON_CODES];
    expect(all.length).toBe(new Set(all).size);
    expect(FAILURE_CODES.length).toBe(all.length);
  });

  it('reads zod issues as field reason codes with their values, keeping zod’s English', () => {
    const schema = z.object({
      name: z.string().min(1).max(3), count: z.number().int().min(1).max(5), step: z.number().int(), tags: z.array(z.string()).min(2), id: uuid(), at: isoDateTime(),
      kind: z.enum(['a', 'b']), email: z.string().email(), data: templateData(), missing: z.string(),
    });
    const r = schema.safeParse({ name: 'abcd', count: 9, step: 1.5, tags: ['x'], id: 'nope', at: 'yesterday', kind: 'c', email: 'x@', data: { big: 'y'.repeat(70_000) } });
    const errors = zodToFieldErrors(r.error!, 'body').map(({ field, code, params }) => ({ field, code, params }));
    expect(errors).toEqual([
      { field: 'body.name', code: 'TOO_LONG', params: { maximum: 3 } },
      { field: 'body.count', code: 'TOO_BIG', params: { maximum: 5 } },
      { field: 'body.step', code: 'NOT_INTEGER', params: {} },
      { field: 'body.tags', code: 'TOO_FEW', params: { minimum: 2 } },
      { field: 'body.id', code: 'NOT_UUID', params: {} },
      { field: 'body.at', code: 'DATE_TIME', params: {} },
      { field: 'body.kind', code: 'NOT_ONE_OF', params: { values: 'a, b' } },
      { field: 'body.email', code: 'EMAIL', params: {} },
      { field: 'body.data', code: 'TEMPLATE_DATA_TOO_BIG', params: { kb: 64 } },
      { field: 'body.missing', code: 'REQUIRED', params: {} },
    ]);
    expect(zodToFieldErrors(z.object({ n: z.string().min(1) }).safeParse({ n: '' }).error!)[0]).toEqual({ field: 'n', reason: 'Too small: expected string to have >=1 characters', code: 'TOO_SHORT', params: { minimum: 1 } });
    expect(toAppError(r.error).errors?.length).toBe(10);
  });

  it('stores a failure as its situation, its first refused field, or its error code with the server’s words', () => {
    expect(storedFailure(problem('SMTP_AUTH_FAILED', 'SENDING_SIGN_IN_INVALID', { detail: 'invalid_grant' }))).toEqual({ code: 'SENDING_SIGN_IN_INVALID', params: { detail: 'invalid_grant' } });
    expect(storedFailure(new AppError('VALIDATION_FAILED', 'x', { errors: [fieldError('to.0', 'EMAIL_GIVEN', { address: 'bob@' })] }))).toEqual({ code: 'EMAIL_GIVEN', params: { address: 'bob@', field: 'to.0' } });
    const refused = classifySmtpError(Object.assign(new Error('550 5.1.1 no such user'), { responseCode: 550, response: '550 5.1.1 no such user' }));
    expect(storedFailure(refused)).toEqual({ code: 'SMTP_PERMANENT', params: { response: '550 5.1.1 no such user' } });
    const down = classifySmtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNECTION' }));
    expect(storedFailure(down)).toEqual({ code: 'SMTP_CONNECTION', params: { detail: 'connect ECONNREFUSED 127.0.0.1:1' } });
    // Words recorded before codes existed are read back.
    expect(presentFailure('message cancelled', null, null)).toEqual({ code: 'MESSAGE_SETTLED', params: { status: 'cancelled' } });
    expect(presentFailure('Activity task timed out', null, null)).toEqual({ code: 'SEND_FAILED', params: { detail: 'Activity task timed out' } });
    expect(presentFailure(null, null, null)).toBeNull();
  });
});
