import { formatAddress, normalizeAddress, parseAddress } from '../../src/mail/addresses';
import { classifySmtpError } from '../../src/mail/smtp-errors';

describe('addresses', () => {
  it('accepts plain and named addresses and rejects the rest', () => {
    expect(parseAddress('jeanne@example.org')).toEqual({ name: '', address: 'jeanne@example.org' });
    expect(parseAddress('Jeanne Martin <jeanne@example.org>')).toEqual({ name: 'Jeanne Martin', address: 'jeanne@example.org' });
    // A bare address is taken as it is, as the parser would: the characters RFC 5322 allows unquoted.
    for (const bare of ["o'brien@example.org", 'a&b+tag@sub.example.org', 'x#y/z=w?^_`{|}~-@xn--dtre-6ra.fr']) {
      expect(parseAddress(bare)).toEqual({ name: '', address: bare });
      expect(parseAddress(` ${bare} `)).toEqual({ name: '', address: bare });
    }
    for (const bad of ['jeanne', 'jeanne@', '@example.org', 'a@b.fr, c@d.fr', 'x@example.org\r\nBcc: y@example.org', '', 'a..b@example.org', 'a@example.123']) {
      expect(parseAddress(bad)).toBeNull();
    }
    // A named sender's parse is kept (it is parsed for every message): each caller still gets its own copy.
    const first = parseAddress('Jeanne Martin <jeanne@example.org>')!;
    first.name = 'changed';
    expect(parseAddress('Jeanne Martin <jeanne@example.org>')).toEqual({ name: 'Jeanne Martin', address: 'jeanne@example.org' });
    expect(parseAddress('Two <a@example.org>, <b@example.org>')).toBeNull();
    expect(parseAddress('Two <a@example.org>, <b@example.org>')).toBeNull();
  });

  it('normalises case for matching and quotes display names with specials (RFC 5322 §3.4)', () => {
    expect(normalizeAddress(' Jeanne.Martin@Example.ORG ')).toBe('jeanne.martin@example.org');
    expect(formatAddress({ name: 'Martin, Jeanne', address: 'j@example.org' })).toBe('"Martin, Jeanne" <j@example.org>');
    expect(formatAddress({ name: 'Résidence Les Tilleuls', address: 'r@example.org' })).toBe('Résidence Les Tilleuls <r@example.org>');
  });
});

describe('SMTP error classification (RFC 5321 §4.2.1)', () => {
  it('treats 5xx as permanent, 4xx and network errors as transient, keeping the server words', () => {
    const perm = classifySmtpError(Object.assign(new Error('x'), { responseCode: 550, response: '550 5.1.1 <x@example.org>: user unknown', command: 'RCPT TO' }));
    expect(perm).toMatchObject({ code: 'SMTP_PERMANENT', retryable: false, message: '550 5.1.1 <x@example.org>: user unknown' });
    const throttled = classifySmtpError(Object.assign(new Error('x'), { responseCode: 421, response: '421 4.7.0 Try again later' }));
    expect(throttled).toMatchObject({ code: 'SMTP_TRANSIENT', retryable: true });
    expect(classifySmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).toMatchObject({ code: 'SMTP_CONNECTION', retryable: true });
    expect(classifySmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 }))).toMatchObject({ code: 'SMTP_AUTH_FAILED', retryable: false });
    expect(classifySmtpError(Object.assign(new Error('Temporary auth failure'), { code: 'EAUTH', responseCode: 454 }))).toMatchObject({ code: 'SMTP_TRANSIENT', retryable: true });
  });
});
