import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { addUser, browser, TEST_SCRYPT_N, type Browser } from './browser';
import { SECRET_MASK } from '../../src/mail/queue-email';

const PASSWORD = 'correct horse battery';
const linkIn = (text: string, page: 'invite' | 'reset-password') => new RegExp(`https://console\\.example/${page}/([A-Za-z0-9_-]{40,})`).exec(text)?.[1];

describeIfServer('Temporal dev server', temporalAvailable())('staff users: invitations, password reset, roles, API keys, tenancy', () => {
  let mr: TestMailroom;
  let smtp: RecordingSmtpServer;
  let a: TestOrg;
  let b: TestOrg;
  let adminA: Browser;
  let adminB: Browser;
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelope.rcptTo.includes(address));
  const firstMailTo = (address: string) => eventually(async () => mailsTo(address)[0]);

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://console.example', PASSWORD_SCRYPT_N: TEST_SCRYPT_N } });
    a = await mr.newOrganization('Aéroclub A');
    b = await mr.newOrganization('Résidence B');
    await addUser(mr.db.prisma, a.organizationId, { email: 'admin@a.example', password: PASSWORD, role: 'admin' });
    await addUser(mr.db.prisma, b.organizationId, { email: 'admin@b.example', password: PASSWORD, role: 'admin' });
    adminA = browser(mr.url);
    adminB = browser(mr.url);
    expect((await adminA.login('admin@a.example', PASSWORD)).status).toBe(200);
    expect((await adminB.login('admin@b.example', PASSWORD)).status).toBe(200);
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });

  it('invites a user by email: the mail carries the link, which sets the password once and signs in', async () => {
    const invited = await adminA.post('/api/v1/users/invitations', { email: 'Secretaire@A.example', role: 'staff', name: 'Sophie' });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ email: 'secretaire@a.example', name: 'Sophie', role: 'staff', status: 'invited', lastLoginAt: null });
    const token = linkIn(invited.body.invitationUrl, 'invite')!;
    expect(token).toBeDefined();

    const mail = await firstMailTo('secretaire@a.example');
    expect(mail.parsed.subject).toBe('Invitation à rejoindre Aéroclub A sur Mailroom');
    expect(linkIn(mail.parsed.text!, 'invite')).toBe(token);
    // It went through the normal sending path: it is in the sent log.
    const log = await adminA.get('/api/v1/sent-emails?q=Invitation');
    expect(log.body.items.map((i: { to: string[] }) => i.to)).toContainEqual(['secretaire@a.example']);
    // Staff see that it went and to whom, never the live token: not in the message, not in its .eml.
    const sent = log.body.items.find((i: { to: string[] }) => i.to[0] === 'secretaire@a.example');
    const detail = await adminA.get(`/api/v1/sent-emails/${sent.id}`);
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.body)).not.toContain(token);
    expect(detail.body.text).toContain(SECRET_MASK);
    const eml = await adminA.get(`/api/v1/sent-emails/${sent.id}/eml`);
    expect(eml.status).toBe(200);
    expect(eml.text).not.toContain(token);
    expect(eml.text).toContain('hidden');

    // Signing in before accepting does not work.
    expect((await browser(mr.url).login('secretaire@a.example', PASSWORD)).status).toBe(401);
    const info = await browser(mr.url).get(`/api/v1/auth/invitations/${token}`);
    expect(info.body).toEqual({ email: 'secretaire@a.example', role: 'staff', organizationName: 'Aéroclub A' });

    const sophie = browser(mr.url);
    expect((await sophie.post(`/api/v1/auth/invitations/${token}/accept`, { password: 'short' })).status).toBe(422);
    const accepted = await sophie.post(`/api/v1/auth/invitations/${token}/accept`, { password: 'Sophie’s own password' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: 'secretaire@a.example', name: 'Sophie', role: 'staff' });
    expect((await sophie.get('/api/v1/members')).status).toBe(200);
    // Used once.
    expect((await browser(mr.url).get(`/api/v1/auth/invitations/${token}`)).status).toBe(404);
    expect((await browser(mr.url).post(`/api/v1/auth/invitations/${token}/accept`, { password: 'someone else’s' })).status).toBe(404);
    expect((await browser(mr.url).login('secretaire@a.example', 'Sophie’s own password')).status).toBe(200);
    const listed = await adminA.get('/api/v1/users');
    expect(listed.body.items.find((u: { email: string }) => u.email === 'secretaire@a.example')).toMatchObject({ status: 'active' });
  });

  it('refuses an address that already has an account, in this organisation or another (409)', async () => {
    const here = await adminA.post('/api/v1/users/invitations', { email: 'admin@a.example', role: 'staff' });
    expect(here.status).toBe(409);
    expect(here.body.errors).toEqual([{ field: 'body.email', reason: 'already has an account', code: 'ALREADY_HAS_ACCOUNT', params: {} }]);
    expect(here.body).toMatchObject({ code: 'CONFLICT', detailCode: 'ADDRESS_HAS_ACCOUNT' });
    expect((await adminA.post('/api/v1/users/invitations', { email: 'admin@b.example', role: 'staff' })).status).toBe(409);
    expect((await adminA.post('/api/v1/users/invitations', { email: 'not an address', role: 'staff' })).status).toBe(422);
  });

  it('resets a forgotten password by mail: same answer for unknown addresses, link works once, every session ends', async () => {
    await addUser(mr.db.prisma, a.organizationId, { email: 'forgot@a.example', password: PASSWORD, name: 'Oubli' });
    const oldSession = browser(mr.url);
    await oldSession.login('forgot@a.example', PASSWORD);
    const known = await browser(mr.url).post('/api/v1/auth/password-reset', { email: 'forgot@a.example' });
    const unknown = await browser(mr.url).post('/api/v1/auth/password-reset', { email: 'nobody@a.example' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);

    const mail = await firstMailTo('forgot@a.example');
    expect(mail.parsed.text).toContain('Bonjour Oubli');
    const token = linkIn(mail.parsed.text!, 'reset-password')!;
    expect((await browser(mr.url).post('/api/v1/auth/password-reset/confirm', { token, password: 'short' })).status).toBe(422);
    expect((await browser(mr.url).post('/api/v1/auth/password-reset/confirm', { token, password: 'remembered at last' })).status).toBe(204);
    expect((await browser(mr.url).post('/api/v1/auth/password-reset/confirm', { token, password: 'and once more please' })).status).toBe(404);
    expect((await oldSession.get('/api/v1/auth/session')).status).toBe(401);
    expect((await browser(mr.url).login('forgot@a.example', PASSWORD)).status).toBe(401);
    expect((await browser(mr.url).login('forgot@a.example', 'remembered at last')).status).toBe(200);
    expect(mailsTo('nobody@a.example')).toEqual([]);
  });

  it('changes roles and removes users; the last admin can be neither demoted nor removed (409)', async () => {
    const me = (await adminA.get('/api/v1/auth/session')).body.user;
    const demoteSelf = await adminA.patch(`/api/v1/users/${me.id}`, { role: 'staff' });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.body.code).toBe('CONFLICT');
    expect((await adminA.delete(`/api/v1/users/${me.id}`)).status).toBe(409);

    const colleague = await addUser(mr.db.prisma, a.organizationId, { email: 'colleague@a.example', password: PASSWORD });
    const colleagueBrowser = browser(mr.url);
    await colleagueBrowser.login('colleague@a.example', PASSWORD);
    expect((await colleagueBrowser.get('/api/v1/users')).status).toBe(403);
    const promoted = await adminA.patch(`/api/v1/users/${colleague.id}`, { role: 'admin', name: 'Collègue' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'admin', name: 'Collègue' });
    // The new role applies to the live session at once.
    expect((await colleagueBrowser.get('/api/v1/users')).status).toBe(200);
    // With two admins, one can step down…
    expect((await adminA.patch(`/api/v1/users/${me.id}`, { role: 'staff' })).status).toBe(200);
    expect((await adminA.get('/api/v1/users')).status).toBe(403);
    // …and the other cannot remove themself, being the last.
    expect((await colleagueBrowser.delete(`/api/v1/users/${colleague.id}`)).status).toBe(409);
    expect((await colleagueBrowser.patch(`/api/v1/users/${me.id}`, { role: 'admin' })).status).toBe(200);

    expect((await adminA.delete(`/api/v1/users/${colleague.id}`)).status).toBe(204);
    expect((await colleagueBrowser.get('/api/v1/auth/session')).status).toBe(401);
    expect(await mr.db.prisma.session.count({ where: { userId: colleague.id } })).toBe(0);
    expect((await browser(mr.url).login('colleague@a.example', PASSWORD)).status).toBe(401);
  });

  it('manages API keys: created shown once, listed by prefix, revoked at once; no CSRF needed for the key itself', async () => {
    const created = await adminA.post('/api/v1/api-keys', { name: 'Comptabilité', role: 'staff' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^mr_/);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    const list = await adminA.get('/api/v1/api-keys');
    const row = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(row).toMatchObject({ name: 'Comptabilité', role: 'staff', prefix: created.body.prefix, revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const headers = { Authorization: `Bearer ${created.body.key}`, 'Content-Type': 'application/json' };
    expect((await fetch(`${mr.url}/api/v1/members`, { method: 'POST', headers, body: JSON.stringify({ firstName: 'Via', lastName: 'Key' }) })).status).toBe(201);
    expect((await adminA.delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await fetch(`${mr.url}/api/v1/members`, { headers })).status).toBe(401);
    expect((await adminA.get('/api/v1/api-keys')).body.items.find((k: { id: string }) => k.id === created.body.id).revokedAt).not.toBeNull();
    // An admin API key manages keys and users too.
    expect((await a.admin.get('/api/v1/api-keys')).status).toBe(200);
    expect((await a.staff.get('/api/v1/api-keys')).status).toBe(403);
  });

  it("never shows or changes another organisation's users, keys or invitations", async () => {
    const userB = await addUser(mr.db.prisma, b.organizationId, { email: 'staff@b.example', password: PASSWORD });
    const keyB = (await adminB.post('/api/v1/api-keys', { name: 'B key', role: 'admin' })).body;
    const invitedB = (await adminB.post('/api/v1/users/invitations', { email: 'invited@b.example', role: 'staff' })).body;
    for (const client of [adminA, a.admin]) {
      const attempts: [string, string, unknown?][] = [
        ['PATCH', `/api/v1/users/${userB.id}`, { role: 'admin' }],
        ['DELETE', `/api/v1/users/${userB.id}`],
        ['PATCH', `/api/v1/users/${invitedB.user.id}`, { name: 'Hacked' }],
        ['DELETE', `/api/v1/users/${invitedB.user.id}`],
        ['DELETE', `/api/v1/api-keys/${keyB.id}`],
      ];
      for (const [method, path, body] of attempts) {
        const res = 'raw' in client ? await client.raw(method, path, body) : method === 'PATCH' ? await client.patch(path, body) : await client.delete(path);
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
      const users = (await client.get('/api/v1/users')).body.items.map((u: { email: string }) => u.email);
      expect(users).not.toEqual(expect.arrayContaining(['staff@b.example']));
      expect(users).not.toContain('invited@b.example');
      expect(users).not.toContain('admin@b.example');
      const keys = (await client.get('/api/v1/api-keys')).body.items.map((k: { id: string }) => k.id);
      expect(keys).not.toContain(keyB.id);
    }
    // Nothing of B changed.
    const bUsers = (await adminB.get('/api/v1/users')).body.items;
    expect(bUsers.find((u: { id: string }) => u.id === userB.id)).toMatchObject({ role: 'staff' });
    expect(bUsers.find((u: { id: string }) => u.id === invitedB.user.id)).toMatchObject({ name: null, status: 'invited' });
    expect((await adminB.get('/api/v1/api-keys')).body.items.find((k: { id: string }) => k.id === keyB.id).revokedAt).toBeNull();
    // A's session sees A's data only, even on the generic routes.
    await b.admin.post('/api/v1/members', { firstName: 'Only', lastName: 'InB' });
    expect((await adminA.get('/api/v1/members?q=InB')).body.total).toBe(0);
  });

  it('pages the users list', async () => {
    for (let i = 0; i < 11; i++) await addUser(mr.db.prisma, b.organizationId, { email: `pager${i}@b.example`, password: PASSWORD });
    const p1 = await adminB.get('/api/v1/users');
    const p2 = await adminB.get('/api/v1/users?page=2');
    expect(p1.body).toMatchObject({ page: 1, pageSize: 10 });
    expect(p1.body.items).toHaveLength(10);
    expect(p2.body.total).toBe(p1.body.total);
    expect(p1.body.total).toBeGreaterThanOrEqual(13);
  });
});
