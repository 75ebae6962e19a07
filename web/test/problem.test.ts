import { useForm } from '@mantine/form';
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { asProblem, formField, ProblemError, unwrap } from '../src/api/problem';
import { applyProblem } from '../src/ui/forms';

const problem422 = (...errors: [string, string][]) => ({ title: 'Invalid request', status: 422, errors: errors.map(([field, reason]) => ({ field, reason })) });

function memberForm() {
  return renderHook(() => useForm({ mode: 'uncontrolled', initialValues: { firstName: '', emails: [{ address: '', label: '' }, { address: '', label: '' }] } })).result;
}

describe('problem+json → field errors', () => {
  it('puts each error under the field it names, without the body./query. prefix', () => {
    const form = memberForm();
    let rest: ReturnType<typeof applyProblem> = null;
    act(() => {
      rest = applyProblem(form.current, problem422(['body.firstName', 'Required'], ['body.emails.1.address', 'Not an email address']));
    });
    expect(form.current.errors).toEqual({ firstName: 'Required', 'emails.1.address': 'Not an email address' });
    // Everything found a field: nothing is left for the alert above the form.
    expect(rest).toBeNull();
  });

  it('returns what names no field of the form, for the alert above it', () => {
    const form = memberForm();
    let rest: ReturnType<typeof applyProblem> = null;
    act(() => {
      rest = applyProblem(form.current, problem422(['body.firstName', 'Required'], ['query.page', 'Too far']));
    });
    expect(form.current.errors).toEqual({ firstName: 'Required' });
    expect(rest).toMatchObject({ title: 'Invalid request', errors: [{ field: 'query.page', reason: 'Too far' }] });
  });

  it('returns a problem without field errors whole (a 409, a 500)', () => {
    const form = memberForm();
    const conflict = { title: 'Conflict', status: 409, detail: 'This address is already a member’s' };
    expect(applyProblem(form.current, conflict)).toEqual({ ...conflict, errors: [] });
    expect(form.current.errors).toEqual({});
  });

  it('reads whatever was thrown as a problem', () => {
    expect(asProblem(new ProblemError({ status: 429, title: 'Too many' }))).toEqual({ status: 429, title: 'Too many' });
    expect(asProblem({ title: 'Gone', status: 410 })).toEqual({ title: 'Gone', status: 410 });
    expect(asProblem(new TypeError('Failed to fetch'))).toEqual({ detail: 'Failed to fetch' });
    expect(asProblem('offline')).toEqual({ detail: 'offline' });
    expect(asProblem(undefined)).toEqual({});
    expect(formField('body.smtp.host')).toBe('smtp.host');
    expect(formField('path.id')).toBe('id');
  });

  it('unwrap gives the data of a success and throws the problem of a failure, with its status', () => {
    const ok = new Response('{}', { status: 200 });
    expect(unwrap({ data: { id: 1 }, response: ok })).toEqual({ id: 1 });
    const failed = new Response('{}', { status: 422 });
    expect(() => unwrap({ error: problem422(['body.email', 'Invalid']), response: failed })).toThrow(ProblemError);
    const thrown = (() => {
      try {
        unwrap({ error: 'Bad gateway', response: new Response('', { status: 502 }) });
      } catch (err) {
        return err;
      }
    })();
    expect(asProblem(thrown)).toEqual({ status: 502, detail: 'Bad gateway' });
  });
});
