import { useForm } from '@mantine/form';
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import i18n from '../src/i18n';
import { asProblem, formField, ProblemError, unwrap } from '../src/api/problem';
import { applyProblem } from '../src/ui/forms';
import { failureText, fieldReason, problemDetail, problemMessage, problemTitle } from '../src/ui/problems/words';

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

describe('problems in the reader’s language', () => {
  const validation = {
    title: 'Validation failed', status: 422, code: 'VALIDATION_FAILED', detail: 'body.firstName: Too small: expected string to have >=1 characters; query.page: not a UUID',
    errors: [
      { field: 'body.firstName', reason: 'Too small: expected string to have >=1 characters', code: 'TOO_SHORT', params: { minimum: 1 } },
      { field: 'query.page', reason: 'Too big: expected string to have <=3 characters', code: 'TOO_LONG', params: { maximum: 3 } },
    ],
  };
  const oauth = { title: 'Not configured', status: 409, code: 'NOT_CONFIGURED', detailCode: 'OAUTH_NOT_CONFIGURED', params: { provider: 'Google', prefix: 'GMAIL' }, detail: 'Google sign-in is not configured on this server: set GMAIL_OAUTH_CLIENT_ID and GMAIL_OAUTH_CLIENT_SECRET' };
  afterEach(() => i18n.changeLanguage('en'));

  it('words field errors from their code and values, and the alert from the problem’s codes', async () => {
    const form = memberForm();
    let rest: ReturnType<typeof applyProblem> = null;
    await i18n.changeLanguage('fr');
    act(() => {
      rest = applyProblem(form.current, validation);
    });
    expect(form.current.errors).toEqual({ firstName: 'ne peut pas être vide' });
    expect(fieldReason(rest!.errors![0]!)).toBe('3 caractères au plus');
    expect(problemTitle(rest!)).toBe('Données refusées');
    expect(problemDetail(rest!)).toBeNull(); // the field list says it
    expect(problemTitle(oauth)).toBe('Non configuré');
    expect(problemDetail(oauth)).toContain('La connexion avec Google n’est pas configurée sur ce serveur');
    await i18n.changeLanguage('en');
    expect(problemDetail(oauth)).toContain('Sign-in with Google is not configured on this server');
    expect(problemMessage({ code: 'CONFLICT', detailCode: 'BATCH_ALREADY', params: { status: 'cancelled' } })).toBe('This batch is already cancelled.');
  });

  it('falls back to the API’s words only for a code it does not know', () => {
    expect(problemDetail({ code: 'CONFLICT', detailCode: 'SOMETHING_NEW', detail: 'Something new happened' })).toBe('Something new happened');
    expect(problemTitle({ code: 'TEAPOT', title: 'I am a teapot' })).toBe('I am a teapot');
    expect(fieldReason({ field: 'x', reason: 'said by nobody', code: 'OTHER', params: { detail: 'said by nobody' } })).toBe('said by nobody');
    expect(fieldReason({ field: 'x', reason: 'Required' })).toBe('Required');
    expect(problemDetail({ title: 'Link expired', status: 410, detail: 'Ask for a new link.' })).toBe('Ask for a new link.');
  });

  it('words a recorded failure: a situation, an error code, or a refused field', async () => {
    await i18n.changeLanguage('fr');
    expect(failureText('MESSAGE_SETTLED', { status: 'cancelled' })).toBe('Le message était déjà annulé.');
    expect(failureText('SMTP_CONNECTION', { detail: 'connect ECONNREFUSED' })).toBe('Impossible de joindre le serveur d’envoi.');
    expect(failureText('EMAIL_GIVEN', { address: 'bob@', field: 'to.0' })).toBe('to.0 : « bob@ » n’est pas une adresse e-mail valable');
  });
});
