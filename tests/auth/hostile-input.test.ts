import { SESSION_COOKIE } from '../../src/shared/auth';
import { startTestMailroom, temporalAvailable, type TestMailroom } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { addUser, browser, TEST_SCRYPT_N } from './browser';

const PASSWORD = 'correct horse battery';

describeIfServer('Temporal dev server', temporalAvailable())('staff sign-in under hostile input', () => {
  let mr: TestMailroom;
  let token: string;
  let csrf: string;
  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false }, env: { PASSWORD_SCRYPT_N: TEST_SCRYPT_N, LOGIN_MAX_FAILURES_PER_IP: '1000' } });
    const org = await mr.newOrganization('Hostile club');
    await addUser(mr.db.prisma, org.organizationId, { email: 'staff@hostile.example', password: PASSWORD });
    const b = browser(mr.url);
    csrf = (await b.login('staff@hostile.example', PASSWORD)).body.csrfToken;
    token = b.cookie!;
  });
  afterAll(() => mr?.stop());

  const weird = ['', ' ', '=', ';;;', 'a'.repeat(5000), '\u00e9\u00e8', '%00', 'null', '{"$ne":null}', '../../etc/passwd', `${SESSION_COOKIE}=`, 'x=1; y', '\t\t'];

  it('finds the session cookie among any other cookies, and never signs in with a damaged one', async () => {
    for (const other of weird) {
      const header = `${other}; ${SESSION_COOKIE}=${token}; z=${other}`;
      const ok = await fetch(`${mr.url}/api/v1/auth/session`, { headers: { Cookie: header } });
      expect({ other, status: ok.status }).toEqual({ other, status: 200 });
      // (Surrounding whitespace is not part of a cookie value, RFC 6265 §5.2.)
      for (const damaged of [token.slice(0, -1), token + other, other, token.toUpperCase()].filter((d) => d.trim() !== token)) {
        const res = await fetch(`${mr.url}/api/v1/auth/session`, { headers: { Cookie: `${SESSION_COOKIE}=${encodeURIComponent(damaged)}` } });
        expect({ damaged: damaged.slice(0, 60), status: res.status }).toEqual({ damaged: damaged.slice(0, 60), status: 401 });
      }
    }
  });

  it('refuses every CSRF token but the session’s own, with 403 and never a 5xx', async () => {
    for (const guess of [...weird, csrf.slice(0, -1), csrf + 'x', csrf.toUpperCase(), `${csrf},${csrf}`]) {
      const res = await fetch(`${mr.url}/api/v1/members`, {
        method: 'POST',
        headers: { Cookie: `${SESSION_COOKIE}=${token}`, 'X-CSRF-Token': encodeURIComponent(guess), 'Content-Type': 'application/json' },
        body: JSON.stringify({ firstName: 'Never', lastName: 'Created' }),
      });
      expect({ guess: guess.slice(0, 60), status: res.status }).toEqual({ guess: guess.slice(0, 60), status: 403 });
    }
    expect(await mr.db.prisma.member.count({ where: { lastName: 'Created' } })).toBe(0);
  });

  it('answers odd sign-in bodies with 4xx problem+json, never 5xx, never a session', async () => {
    const bodies: unknown[] = [{}, { email: 'staff@hostile.example' }, { email: 42, password: PASSWORD }, { email: ['staff@hostile.example'], password: PASSWORD }, { email: { $ne: null }, password: { $ne: null } }, { email: 'staff@hostile.example', password: 'x'.repeat(10_000) }, { email: 'a'.repeat(400), password: PASSWORD }, { email: ' ', password: ' ' }, [], 'staff@hostile.example'];
    for (const body of bodies) {
      const res = await fetch(`${mr.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });
});
