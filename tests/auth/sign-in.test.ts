import { apiClient } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { addUser, browser, TEST_SCRYPT_N } from './browser';

const PASSWORD = 'correct horse battery';
let ipCounter = 10;
/** Each test signs in from its own client address (X-Forwarded-For from loopback is trusted), so per-IP limits do not mix. */
const from = (url: string) => browser(url, { forwardedFor: `203.0.113.${ipCounter++}` });

describeIfServer('Temporal dev server', temporalAvailable())('staff sign-in: sessions, CSRF, limits', () => {
  let mr: TestMailroom;
  let org: TestOrg;

  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false }, env: { PASSWORD_SCRYPT_N: TEST_SCRYPT_N, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '5' } });
    org = await mr.newOrganization('Aéroclub du Val');
    await addUser(mr.db.prisma, org.organizationId, { email: 'claire@aeroclub.example', password: PASSWORD, role: 'admin', name: 'Claire' });
    await addUser(mr.db.prisma, org.organizationId, { email: 'paul@aeroclub.example', password: PASSWORD, role: 'staff' });
  });
  afterAll(() => mr?.stop());

  it('signs in with email and password: session info, an HttpOnly SameSite=Lax cookie, then the API works with the cookie', async () => {
    const b = from(mr.url);
    const res = await b.login('Claire@Aeroclub.example ', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { email: 'claire@aeroclub.example', name: 'Claire', role: 'admin', language: null }, organization: { id: org.organizationId, name: 'Aéroclub du Val', language: 'fr', timeZone: 'Europe/Paris' } });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(b.state.setCookie).toMatch(/^mailroom_session=[A-Za-z0-9_-]{40,};/);
    expect(b.state.setCookie).toMatch(/HttpOnly/);
    expect(b.state.setCookie).toMatch(/SameSite=Lax/);
    expect(b.state.setCookie).toMatch(/Path=\//);
    expect(b.state.setCookie).not.toMatch(/Secure/); // plain HTTP here
    // Only the hash is stored.
    const stored = await mr.db.prisma.session.findMany({ where: { organizationId: org.organizationId } });
    expect(stored.map((s) => s.tokenHash)).not.toContain(b.cookie);
    expect((await b.get('/api/v1/members')).status).toBe(200);
    expect((await b.get('/api/v1/auth/session')).body.user.email).toBe('claire@aeroclub.example');
    const user = await mr.db.prisma.user.findUniqueOrThrow({ where: { email: 'claire@aeroclub.example' } });
    expect(user.lastLoginAt).not.toBeNull();
  });

  it('marks the cookie Secure when the request came over HTTPS through the trusted proxy', async () => {
    const b = from(mr.url);
    const res = await b.post('/api/v1/auth/login', { email: 'paul@aeroclub.example', password: PASSWORD }, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(res.status).toBe(200);
    expect(b.state.setCookie).toMatch(/; Secure/);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const b = from(mr.url);
    const wrong = await b.login('claire@aeroclub.example', 'not the password');
    const unknown = await b.login('nobody@aeroclub.example', 'not the password');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(unknown.body.detail).toBe(wrong.body.detail);
    expect(unknown.body.code).toBe('UNAUTHENTICATED');
    expect((await b.get('/api/v1/auth/session')).status).toBe(401);
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const b = from(mr.url);
    await b.login('paul@aeroclub.example', PASSWORD);
    const token = b.cookie!;
    const out = await b.post('/api/v1/auth/logout');
    expect(out.status).toBe(204);
    expect(b.state.setCookie).toMatch(/mailroom_session=;.*Expires=Thu, 01 Jan 1970/);
    // Even a client that kept the old cookie is no longer signed in.
    const replay = await fetch(`${mr.url}/api/v1/auth/session`, { headers: { Cookie: `mailroom_session=${token}` } });
    expect(replay.status).toBe(401);
  });

  it('refuses cookie-authenticated writes without the CSRF token (403), accepts them with it; reads need none', async () => {
    const b = from(mr.url);
    await b.login('claire@aeroclub.example', PASSWORD);
    const refused = await b.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin' }, { csrf: false });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', detail: 'CSRF token missing or wrong' });
    const wrong = await b.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin' }, { csrf: false, headers: { 'X-CSRF-Token': 'guess' } });
    expect(wrong.status).toBe(403);
    expect((await b.get('/api/v1/members?q=Martin')).body.total).toBe(0);
    const ok = await b.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin' });
    expect(ok.status).toBe(201);
    expect((await b.get('/api/v1/members?q=Martin')).body.total).toBe(1);
  });

  it('lets API keys write without any CSRF token, as before', async () => {
    expect((await org.admin.post('/api/v1/members', { firstName: 'Key', lastName: 'Writer' })).status).toBe(201);
  });

  it('keeps staff users out of admin routes (403) and lets them change their own name and language', async () => {
    const b = from(mr.url);
    await b.login('paul@aeroclub.example', PASSWORD);
    expect((await b.get('/api/v1/users')).status).toBe(403);
    expect((await b.post('/api/v1/structures', { name: 'X' })).status).toBe(403);
    const me = await b.patch('/api/v1/auth/me', { name: 'Paul Durand', language: 'en' });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ name: 'Paul Durand', language: 'en', role: 'staff' });
    expect((await b.patch('/api/v1/auth/me', { language: 'de' })).status).toBe(422);
  });

  it('limits failed attempts per account: 429 with Retry-After, even with the right password, from any address', async () => {
    await addUser(mr.db.prisma, org.organizationId, { email: 'target@aeroclub.example', password: PASSWORD });
    const attacker = from(mr.url);
    for (let i = 0; i < 3; i++) expect((await attacker.login('target@aeroclub.example', `guess-${i}`)).status).toBe(401);
    const limited = await attacker.login('target@aeroclub.example', 'guess-4');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/problem\+json/);
    expect(limited.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The owner, elsewhere, with the right password, waits too: the account is what is protected.
    expect((await from(mr.url).login('target@aeroclub.example', PASSWORD)).status).toBe(429);
    // Other accounts are not affected.
    expect((await from(mr.url).login('paul@aeroclub.example', PASSWORD)).status).toBe(200);
  });

  it('limits a burst of parallel guesses to the allowed number of password checks', async () => {
    await addUser(mr.db.prisma, org.organizationId, { email: 'burst@aeroclub.example', password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => from(mr.url).login('burst@aeroclub.example', `guess-${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
  });

  it('limits failed attempts per client address across accounts', async () => {
    const b = from(mr.url);
    for (let i = 0; i < 5; i++) expect((await b.login(`spray-${i}@aeroclub.example`, 'guess')).status).toBe(401);
    const limited = await b.login('claire@aeroclub.example', PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same account from another address still signs in.
    expect((await from(mr.url).login('claire@aeroclub.example', PASSWORD)).status).toBe(200);
  });

  it('counts password-reset requests against the client address too', async () => {
    const b = from(mr.url);
    for (let i = 0; i < 5; i++) expect((await b.post('/api/v1/auth/password-reset', { email: `who-${i}@aeroclub.example` })).status).toBe(202);
    const limited = await b.post('/api/v1/auth/password-reset', { email: 'paul@aeroclub.example' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await from(mr.url).post('/api/v1/auth/password-reset', { email: 'who@aeroclub.example' })).status).toBe(202);
  });

  it('a successful sign-in clears the account’s earlier failures', async () => {
    await addUser(mr.db.prisma, org.organizationId, { email: 'forgetful@aeroclub.example', password: PASSWORD });
    const b = from(mr.url);
    for (let i = 0; i < 2; i++) await b.login('forgetful@aeroclub.example', 'nope');
    expect((await b.login('forgetful@aeroclub.example', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await from(mr.url).login('forgetful@aeroclub.example', 'nope')).status).toBe(401);
  });

  it('changing the password signs out every other session of the user, keeps this one, and needs the current password', async () => {
    await addUser(mr.db.prisma, org.organizationId, { email: 'two-browsers@aeroclub.example', password: PASSWORD });
    const laptop = from(mr.url);
    const phone = from(mr.url);
    await laptop.login('two-browsers@aeroclub.example', PASSWORD);
    await phone.login('two-browsers@aeroclub.example', PASSWORD);
    const bad = await laptop.put('/api/v1/auth/password', { currentPassword: 'wrong one', newPassword: 'a brand new secret' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: 'body.currentPassword', reason: 'the current password is wrong', code: 'WRONG_PASSWORD', params: {} }]);
    const short = await laptop.put('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(422);
    expect(short.body.errors[0].field).toBe('body.newPassword');
    expect((await laptop.put('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new secret' })).status).toBe(204);
    expect((await laptop.get('/api/v1/auth/session')).status).toBe(200);
    expect((await phone.get('/api/v1/auth/session')).status).toBe(401);
    expect((await from(mr.url).login('two-browsers@aeroclub.example', PASSWORD)).status).toBe(401);
    expect((await from(mr.url).login('two-browsers@aeroclub.example', 'a brand new secret')).status).toBe(200);
  });

  it('refuses the sessions and API keys of a suspended organisation (403) and lets them back when lifted', async () => {
    const other = await mr.newOrganization('Suspended club');
    await addUser(mr.db.prisma, other.organizationId, { email: 'boss@suspended.example', password: PASSWORD, role: 'admin' });
    const b = from(mr.url);
    await b.login('boss@suspended.example', PASSWORD);
    await mr.db.prisma.organization.update({ where: { id: other.organizationId }, data: { suspendedAt: new Date() } });
    for (const res of [await b.get('/api/v1/members'), await other.admin.get('/api/v1/members'), await from(mr.url).login('boss@suspended.example', PASSWORD)]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', detail: 'organisation suspended' });
    }
    // A wrong password still says only "wrong email or password".
    expect((await from(mr.url).login('boss@suspended.example', 'wrong password')).status).toBe(401);
    await mr.db.prisma.organization.update({ where: { id: other.organizationId }, data: { suspendedAt: null } });
    expect((await b.get('/api/v1/members')).status).toBe(200);
    expect((await other.admin.get('/api/v1/members')).status).toBe(200);
  });

  it('routes meant for signed-in users refuse API keys', async () => {
    expect((await org.admin.get('/api/v1/auth/session')).status).toBe(401);
    expect((await org.admin.put('/api/v1/auth/password', { currentPassword: 'x', newPassword: 'long enough password' })).status).toBe(403);
    expect((await apiClient(mr.url).post('/api/v1/auth/logout')).status).toBe(401);
  });
});

describeIfServer('Temporal dev server', temporalAvailable())('staff sessions: idle and absolute expiry, restarts', () => {
  let mr: TestMailroom;
  let orgId: string;
  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false }, env: { PASSWORD_SCRYPT_N: TEST_SCRYPT_N, SESSION_IDLE_SECONDS: '2', SESSION_ABSOLUTE_SECONDS: '5' } });
    orgId = (await mr.newOrganization('Clock club')).organizationId;
    await addUser(mr.db.prisma, orgId, { email: 'idle@clock.example', password: PASSWORD });
  });
  afterAll(() => mr?.stop());
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('ends a session left unused longer than the idle time', async () => {
    const b = browser(mr.url);
    await b.login('idle@clock.example', PASSWORD);
    expect((await b.get('/api/v1/auth/session')).status).toBe(200);
    await sleep(2300);
    expect((await b.get('/api/v1/auth/session')).status).toBe(401);
    expect(await mr.db.prisma.session.count({ where: { organizationId: orgId } })).toBe(0);
  });

  it('ends a session in use at its absolute end', async () => {
    const b = browser(mr.url);
    await b.login('idle@clock.example', PASSWORD);
    const started = Date.now();
    // Used every 0.8 s, it never goes idle…
    while (Date.now() - started < 4500) {
      expect((await b.get('/api/v1/auth/session')).status).toBe(200);
      await sleep(800);
    }
    // …but ends 5 s after sign-in all the same.
    await sleep(Math.max(0, 5200 - (Date.now() - started)));
    expect((await b.get('/api/v1/auth/session')).status).toBe(401);
  });
});
