import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { verifySmtp } from '../../src/outgoing/verify';
import { eventually } from '../helpers/http';
import { freePort } from '../helpers/ports';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { startOAuthProvider, type TestOAuthProvider } from './oauth-provider';

describeIfServer('Temporal dev server', temporalAvailable())("the organisation's own outgoing account", () => {
  jest.setTimeout(60_000);
  let platform: RecordingSmtpServer;
  let starttls: RecordingSmtpServer;
  let implicit: RecordingSmtpServer;
  let gmail: RecordingSmtpServer;
  let oauth: TestOAuthProvider;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;

  beforeAll(async () => {
    oauth = await startOAuthProvider({ email: 'club.secretariat@gmail.example' });
    [platform, starttls, implicit, gmail] = await Promise.all([
      startRecordingSmtpServer(),
      startRecordingSmtpServer({ mode: 'starttls', auth: { user: 'club@orange.example', pass: 'bon-mot-de-passe' } }),
      startRecordingSmtpServer({ mode: 'tls', auth: { user: 'club@orange.example', pass: 'bon-mot-de-passe' } }),
      startRecordingSmtpServer({ mode: 'tls', xoauth2: (user, token) => oauth.isValidAccessToken(user, token) }),
    ]);
    mr = await startTestMailroom({
      env: {
        SMTP_URL: platform.url,
        SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
        SMTP_VERIFY_TIMEOUT_SECONDS: '2',
        PUBLIC_URL: 'https://mailroom.example',
        GMAIL_OAUTH_CLIENT_ID: oauth.clientId,
        GMAIL_OAUTH_CLIENT_SECRET: oauth.clientSecret,
        GMAIL_OAUTH_AUTHORIZE_URL: `${oauth.url}/authorize`,
        GMAIL_OAUTH_TOKEN_URL: `${oauth.url}/token`,
        GMAIL_OAUTH_REVOKE_URL: `${oauth.url}/revoke`,
        GMAIL_SMTP_HOST: '127.0.0.1',
        GMAIL_SMTP_PORT: String(gmail.port),
        GMAIL_SMTP_SECURITY: 'ssl',
        MICROSOFT_OAUTH_CLIENT_ID: 'ms-client',
        MICROSOFT_OAUTH_CLIENT_SECRET: 'ms-secret',
        MICROSOFT_OAUTH_AUTHORIZE_URL: `${oauth.url}/ms/authorize`,
      },
    });
    org = await mr.newOrganization('Aéroclub du Val');
    other = await mr.newOrganization('Other');
  });
  afterAll(async () => {
    await mr?.stop();
    await Promise.all([platform, starttls, implicit, gmail].map((s) => s?.close()));
    await oauth?.close();
  });

  const waitSent = (client: typeof org.staff, id: string, status = 'sent') =>
    eventually(async () => {
      const r = await client.get(`/api/v1/sent-emails/${id}`);
      return r.body.status === status ? r.body : undefined;
    });

  it('lists the common providers with their settings and what they require', async () => {
    const presets = (await org.staff.get('/api/v1/settings/smtp/presets')).body as { id: string; host: string; port: number; security: string; auth: string; doc: string }[];
    expect(presets.map((p) => p.id)).toEqual(expect.arrayContaining(['orange', 'sfr', 'outlook', 'microsoft365', 'yahoo', 'ovh', 'gandi', 'gmail', 'icloud', 'free', 'laposte']));
    expect(presets.find((p) => p.id === 'orange')).toMatchObject({ host: 'smtp.orange.fr', port: 465, security: 'ssl' });
    expect(presets.find((p) => p.id === 'microsoft365')).toMatchObject({ host: 'smtp.office365.com', port: 587, security: 'starttls', auth: 'oauth2' });
    expect(presets.find((p) => p.id === 'gmail')?.auth).toBe('app-password-or-oauth2');
    for (const p of presets) expect(p.doc).toMatch(/^https:\/\//);
  });

  it('saves an account from a preset, keeps the password encrypted and never returns it', async () => {
    const put = await org.admin.put('/api/v1/settings/smtp', { preset: 'orange', host: '127.0.0.1', port: starttls.port, security: 'starttls', username: 'club@orange.example', password: 'bon-mot-de-passe', fromAddress: 'club@orange.example', fromName: 'Aéroclub du Val' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ host: '127.0.0.1', security: 'starttls', passwordSet: true });
    expect(JSON.stringify(put.body)).not.toContain('bon-mot-de-passe');
    const get = await org.admin.get('/api/v1/settings/smtp');
    expect(get.body.effective).toMatchObject({ source: 'organization', from: 'club@orange.example' });
    expect(JSON.stringify(get.body)).not.toContain('bon-mot-de-passe');
    const row = await mr.db.prisma.smtpAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    expect(row.passwordEnc).not.toContain('bon-mot-de-passe');
    expect((await org.staff.get('/api/v1/settings/smtp')).status).toBe(403);
    expect((await other.admin.get('/api/v1/settings/smtp')).body).toMatchObject({ account: null, effective: { source: 'platform' } });
  });

  it('tests the saved account for real, optionally with a test message', async () => {
    const ok = await org.admin.post('/api/v1/settings/smtp/verify', { testTo: 'president@aeroclub.example' });
    expect(ok.body).toMatchObject({ ok: true });
    expect(ok.body.testMessage.to).toBe('president@aeroclub.example');
    const [msg] = await starttls.waitForMessages(1);
    expect(msg!.user).toBe('club@orange.example');
    expect(msg!.envelope.rcptTo).toEqual(['president@aeroclub.example']);
  });

  it('explains each kind of failure in plain words with the likely fix', async () => {
    const base = { username: 'club@orange.example', password: 'bon-mot-de-passe', fromAddress: 'club@orange.example' };
    const verify = async (settings: Record<string, unknown>) => (await org.admin.post('/api/v1/settings/smtp/verify', { settings: { ...base, ...settings } })).body;

    const dns = await verify({ host: 'smtp.does-not-exist.invalid', port: 587, security: 'starttls' });
    expect(dns).toMatchObject({ ok: false, problem: 'DNS_NOT_FOUND' });
    expect(dns.message).toContain('smtp.does-not-exist.invalid');

    const refused = await verify({ host: '127.0.0.1', port: await freePort(), security: 'starttls' });
    expect(refused).toMatchObject({ ok: false, problem: 'CONNECTION_REFUSED' });
    expect(refused.hint).toMatch(/465.*587|587.*465/);

    const sslOnStarttls = await verify({ host: '127.0.0.1', port: starttls.port, security: 'ssl' });
    expect(sslOnStarttls).toMatchObject({ ok: false, problem: 'TLS_MISMATCH_USE_STARTTLS' });
    expect(sslOnStarttls.hint).toContain('STARTTLS');

    const starttlsOnSsl = await verify({ host: '127.0.0.1', port: implicit.port, security: 'starttls' });
    expect(starttlsOnSsl).toMatchObject({ ok: false, problem: 'TLS_MISMATCH_USE_SSL' });
    expect(starttlsOnSsl.hint).toContain('SSL/TLS');

    const badPassword = await verify({ host: '127.0.0.1', port: implicit.port, security: 'ssl', password: 'mauvais' });
    expect(badPassword).toMatchObject({ ok: false, problem: 'AUTH_REJECTED' });
    expect(badPassword.hint).toMatch(/application password/);
    expect(badPassword.serverResponse).toContain('535');

    implicit.failNext({ count: 1, stage: 'mail', code: 553, message: '5.7.1 Sender address rejected: not owned by user' });
    const sender = (await org.admin.post('/api/v1/settings/smtp/verify', { settings: { ...base, host: '127.0.0.1', port: implicit.port, security: 'ssl' }, testTo: 'x@example.org' })).body;
    expect(sender).toMatchObject({ ok: false, problem: 'SENDER_REFUSED' });
    expect(sender.serverResponse).toContain('not owned by user');
  });

  it('says when the certificate is not valid for the server', async () => {
    const res = await verifySmtp({ host: '127.0.0.1', port: implicit.port, security: 'ssl', username: 'club@orange.example', password: 'bon-mot-de-passe', fromAddress: 'club@orange.example', rejectUnauthorized: true, timeoutMs: 3000 });
    expect(res).toMatchObject({ ok: false, problem: 'CERTIFICATE_INVALID' });
  });

  it("sends through the structure's account, else the organisation's, else the platform's", async () => {
    const structure = (await org.admin.post('/api/v1/structures', { name: 'École de pilotage', senderName: 'École de pilotage' })).body;
    const structServer = await startRecordingSmtpServer();
    try {
      await org.admin.put(`/api/v1/settings/smtp?structureId=${structure.id}`, { host: '127.0.0.1', port: structServer.port, security: 'none', fromAddress: 'ecole@aeroclub.example' });
      const viaStructure = await org.staff.post('/api/v1/emails', { to: 'eleve@example.org', subject: 'Via structure', text: 't', structureId: structure.id });
      await waitSent(org.staff, viaStructure.body.id);
      expect((await structServer.waitForMessages(1))[0]!.envelope.mailFrom).toBe('ecole@aeroclub.example');

      const viaOrg = await org.staff.post('/api/v1/emails', { to: 'membre@example.org', subject: 'Via organisation', text: 't' });
      await waitSent(org.staff, viaOrg.body.id);
      expect(starttls.messages.some((m) => m.parsed.subject === 'Via organisation')).toBe(true);

      expect((await org.admin.delete(`/api/v1/settings/smtp?structureId=${structure.id}`)).status).toBe(204);
      const structureFallsBack = await org.staff.post('/api/v1/emails', { to: 'eleve@example.org', subject: 'Structure falls back', text: 't', structureId: structure.id });
      await waitSent(org.staff, structureFallsBack.body.id);
      expect(starttls.messages.some((m) => m.parsed.subject === 'Structure falls back')).toBe(true);

      const viaPlatform = await other.staff.post('/api/v1/emails', { to: 'someone@example.org', subject: 'Via platform', text: 't' });
      await waitSent(other.staff, viaPlatform.body.id);
      expect(platform.messages.some((m) => m.parsed.subject === 'Via platform')).toBe(true);
      // Another organisation cannot touch this structure's account.
      expect((await other.admin.put(`/api/v1/settings/smtp?structureId=${structure.id}`, { host: 'x', port: 25, security: 'none', fromAddress: 'x@example.org' })).status).toBe(404);
    } finally {
      await structServer.close();
    }
  });

  it('connects Gmail through OAuth2 consent and sends with XOAUTH2, refreshing the access token', async () => {
    const start = await org.admin.post('/api/v1/settings/gmail/authorize', { fromName: 'Secrétariat' });
    const url = new URL(start.body.authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${oauth.url}/authorize`);
    expect(url.searchParams.get('client_id')).toBe(oauth.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe('https://mailroom.example/api/v1/settings/gmail/callback');
    const state = url.searchParams.get('state')!;

    // The provider redirects the user back with a code; the callback needs no API key, only the signed state.
    oauth.codes.add('consent-code-1');
    // The browser goes back to the console page, told how it went (the page words it).
    const back = async (query: string) => {
      const res = await fetch(`${mr.url}/api/v1/settings/gmail/callback?${query}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      return new URL(res.headers.get('location')!, mr.url);
    };
    const tampered = await back(`code=consent-code-1&state=${state.slice(0, -2)}xx`);
    expect(tampered.pathname).toBe('/settings/smtp');
    expect(Object.fromEntries(tampered.searchParams)).toEqual({ oauth: 'gmail', error: 'BAD_REQUEST', detail: 'OAUTH_LINK_INVALID', params: '{}' });
    const refused = await back(`error=access_denied&state=${encodeURIComponent(state)}`);
    expect(Object.fromEntries(refused.searchParams)).toMatchObject({ error: 'BAD_REQUEST', detail: 'OAUTH_NOT_COMPLETED', params: '{"detail":"access_denied"}' });
    const cb = await back(`code=consent-code-1&state=${encodeURIComponent(state)}`);
    expect(`${cb.pathname}${cb.search}`).toBe('/settings/smtp?oauth=gmail&connected=1');
    expect((await org.admin.get('/api/v1/settings/smtp')).body.account).toMatchObject({ provider: 'gmail', fromAddress: 'club.secretariat@gmail.example', oauthConnected: true, passwordSet: false });
    const row = await mr.db.prisma.smtpAccount.findFirstOrThrow({ where: { organizationId: org.organizationId, structureId: null } });
    expect(row.oauthRefreshTokenEnc).not.toMatch(/^rt-/);

    const sent = await org.staff.post('/api/v1/emails', { to: 'pilote@example.org', subject: 'Par Gmail', text: 'OAuth2' });
    await waitSent(org.staff, sent.body.id);
    const [msg] = await gmail.waitForMessages(1);
    expect(msg!.user).toBe('club.secretariat@gmail.example');
    expect(msg!.parsed.from?.value[0]).toEqual({ name: 'Secrétariat', address: 'club.secretariat@gmail.example' });
    expect(oauth.refreshes).toBeGreaterThanOrEqual(1);

    const verify = await org.admin.post('/api/v1/settings/smtp/verify', {});
    expect(verify.body.ok).toBe(true);

    expect((await org.admin.delete('/api/v1/settings/gmail')).status).toBe(204);
    expect(oauth.revoked).toHaveLength(1);
    expect((await org.admin.get('/api/v1/settings/smtp')).body.account).toBeNull();
  });

  it('offers Microsoft 365 through the same mechanism, to admins only', async () => {
    const ms = await org.admin.post('/api/v1/settings/microsoft/authorize', {});
    expect(ms.body.authorizationUrl).toContain(`${oauth.url}/ms/authorize`);
    expect(new URL(ms.body.authorizationUrl).searchParams.get('scope')).toContain('SMTP.Send');
    expect((await org.staff.post('/api/v1/settings/microsoft/authorize', {})).status).toBe(403);
  });

  it('signs every message with DKIM, verifiable against the published DNS record', async () => {
    await org.admin.put('/api/v1/settings/smtp', { host: '127.0.0.1', port: starttls.port, security: 'starttls', username: 'club@orange.example', password: 'bon-mot-de-passe', fromAddress: 'club@aeroclub.example' });
    const dkim = await org.admin.put('/api/v1/settings/dkim', { domain: 'aeroclub.example', selector: 'mailroom2026', generate: true });
    expect(dkim.body.dnsRecord).toMatchObject({ name: 'mailroom2026._domainkey.aeroclub.example', type: 'TXT' });
    expect(dkim.body.dnsRecord.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(dkim.body)).not.toContain('PRIVATE KEY');

    const sent = await org.staff.post('/api/v1/emails', { to: 'verif@example.org', subject: 'Signé DKIM', text: 'Bonjour,\r\nceci est signé.' });
    await waitSent(org.staff, sent.body.id);
    const msg = starttls.messages.find((m) => m.parsed.subject === 'Signé DKIM')!;
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === dkim.body.dnsRecord.name) return [[dkim.body.dnsRecord.value]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const result = await dkimVerify(msg.raw, { resolver });
    expect(result.results[0]).toMatchObject({ signingDomain: 'aeroclub.example', selector: 'mailroom2026', status: { result: 'pass' } });
    await org.admin.delete('/api/v1/settings/dkim');
  });

  it("sends a member's invoice PDF to the member's working addresses, linked in the log", async () => {
    const member = (await org.staff.post('/api/v1/members', { firstName: 'Josiane', lastName: 'Mailly', emails: [{ address: 'josiane@example.org' }, { address: 'old@example.org' }] })).body;
    await mr.db.prisma.memberEmail.updateMany({ where: { memberId: member.id, normalized: 'old@example.org' }, data: { invalidAt: new Date(), invalidReason: '550 user unknown' } });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(50_000, 1)]);
    const doc = (await org.staff.post(`/api/v1/members/${member.id}/documents`, { filename: 'Facture 2026-11.pdf', contentType: 'application/pdf', kind: 'invoice', contentBase64: pdf.toString('base64') })).body;
    const res = await org.staff.post(`/api/v1/documents/${doc.id}/send`, {});
    expect(res.status).toBe(202);
    expect(res.body.to).toEqual(['josiane@example.org']);
    const detail = await waitSent(org.staff, res.body.id);
    expect(detail).toMatchObject({ documentId: doc.id, memberId: doc.memberId, templateKey: 'document.invoice', related: { type: 'document', id: doc.id } });
    expect(detail.member).toMatchObject({ id: member.id, name: 'MAILLY Josiane' });
    const msg = starttls.messages.find((m) => m.envelope.rcptTo.includes('josiane@example.org'))!;
    expect(msg.parsed.subject).toBe('Votre facture — Aéroclub du Val');
    expect(msg.parsed.text).toContain('Bonjour Josiane');
    expect(msg.parsed.attachments[0]!.content.equals(pdf)).toBe(true);
    expect((await other.staff.post(`/api/v1/documents/${doc.id}/send`, {})).status).toBe(404);
  });

  it('keeps a searchable, paged log with the message as sent, its .eml, and an admin-only bulk purge', async () => {
    for (let i = 0; i < 12; i++) await org.staff.post('/api/v1/emails', { to: `adherent${i}@club-log.example`, subject: `Cotisation ${i}`, text: 't' });
    const failing = await org.staff.post('/api/v1/emails', { to: 'nobody@club-log.example', subject: 'Échec', text: 't' });
    await eventually(async () => (await org.staff.get('/api/v1/sent-emails?q=club-log.example&status=sent')).body.total >= 12);

    const page1 = (await org.staff.get('/api/v1/sent-emails?q=CLUB-LOG')).body;
    expect(page1).toMatchObject({ page: 1, pageSize: 10, total: 13 });
    expect(page1.items).toHaveLength(10);
    expect((await org.staff.get('/api/v1/sent-emails?q=CLUB-LOG&page=2')).body.items).toHaveLength(3);
    expect((await org.staff.get('/api/v1/sent-emails?q=Cotisation 11')).body.total).toBe(1);
    expect((await org.staff.get('/api/v1/sent-emails?template=document.invoice')).body.total).toBe(1);
    expect((await org.staff.get('/api/v1/sent-emails?from=2099-01-01')).body.total).toBe(0);
    expect((await org.staff.get('/api/v1/sent-emails?status=nonsense')).status).toBe(400);

    const detail = (await org.staff.get(`/api/v1/sent-emails/${failing.body.id}`)).body;
    const eml = await org.staff.get(`/api/v1/sent-emails/${failing.body.id}/eml`);
    expect(eml.status).toBe(200);
    expect(eml.headers.get('content-type')).toContain('message/rfc822');
    expect(eml.text).toContain(`Message-ID: ${detail.messageId}`);
    expect(detail.headers).toEqual(expect.arrayContaining([{ name: 'Subject', value: '=?UTF-8?Q?=C3=89chec?=' }, { name: 'X-Mailroom-ID', value: failing.body.id }]));
    expect((await other.staff.get(`/api/v1/sent-emails/${failing.body.id}/eml`)).status).toBe(404);

    expect((await org.staff.raw('DELETE', `/api/v1/sent-emails?before=2099-01-01`)).status).toBe(403);
    const otherMail = await other.staff.post('/api/v1/emails', { to: 'keep@example.org', subject: 'Kept', text: 't' });
    await waitSent(other.staff, otherMail.body.id);
    const purge = await org.admin.raw('DELETE', `/api/v1/sent-emails?before=2099-01-01&status=sent`);
    expect(purge.status).toBe(200);
    expect(purge.body.deleted).toBeGreaterThanOrEqual(13);
    expect((await org.staff.get('/api/v1/sent-emails?status=sent')).body.total).toBe(0);
    expect((await other.staff.get(`/api/v1/sent-emails/${otherMail.body.id}`)).status).toBe(200);
  });

  it('keeps the retention period per organisation', async () => {
    const res = await org.admin.patch('/api/v1/settings/organization', { retentionDays: 90, timeZone: 'Europe/Paris' });
    expect(res.body).toMatchObject({ retentionDays: 90 });
    expect((await org.admin.patch('/api/v1/settings/organization', { timeZone: 'Mars/Olympus' })).status).toBe(422);
    expect((await other.admin.get('/api/v1/settings/organization')).body.retentionDays).toBe(365);
  });

  it('sends on a received attachment, kept as a range of a pack file, as the very bytes received', async () => {
    const member = (await org.staff.post('/api/v1/members', { firstName: 'Paul', lastName: 'Reçu', emails: [{ address: 'paul.recu@example.org' }] })).body;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20_000, 2)]);
    const doc = (await org.staff.post(`/api/v1/members/${member.id}/documents`, { filename: 'Certificat.pdf', contentType: 'application/pdf', kind: 'invoice', contentBase64: pdf.toString('base64') })).body;
    // As reception stores a mail fetched whole (src/storage-packs.ts); the composing thread needs a file path.
    const packed = await mr.app.storage.put(pdf, { pack: true });
    expect(packed.key).toMatch(/^packs\//);
    await mr.db.prisma.document.update({ where: { id: doc.id }, data: { storageKey: packed.key } });
    const res = await org.staff.post(`/api/v1/documents/${doc.id}/send`, {});
    expect(res.status).toBe(202);
    await waitSent(org.staff, res.body.id);
    const msg = starttls.messages.find((m) => m.envelope.rcptTo.includes('paul.recu@example.org'))!;
    expect(msg.parsed.attachments[0]!.content.equals(pdf)).toBe(true);
  });
});
