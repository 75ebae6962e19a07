import { eventually } from '../helpers/http';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { explainProviderRefusal } from '../../src/reception/verify-mailbox';
import { startOAuthProvider, type TestOAuthProvider } from '../outgoing/oauth-provider';

const EMAIL = 'secretariat@club.example';

describeIfServer('Temporal dev server and Dovecot', temporalAvailable() && dovecotAvailable())('OAuth2 mailboxes (Gmail, Microsoft 365)', () => {
  jest.setTimeout(120_000);
  let oauth: TestOAuthProvider;
  let dovecot: TestDovecot;
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;

  beforeAll(async () => {
    oauth = await startOAuthProvider({ email: EMAIL });
    // Dovecot checks every XOAUTH2 / OAUTHBEARER token with the provider (RFC 7662 introspection), as Gmail and Outlook do with theirs.
    dovecot = await startDovecot({ oauth2IntrospectionUrl: `${oauth.url}/introspect` });
    dovecot.addUser(EMAIL, 'not-the-way-in');
    smtp = await startRecordingSmtpServer({ mode: 'tls', xoauth2: (user, token) => oauth.isValidAccessToken(user, token) });
    mr = await startTestMailroom({
      env: {
        PUBLIC_URL: 'https://mailroom.example', SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
        MICROSOFT_OAUTH_CLIENT_ID: oauth.clientId, MICROSOFT_OAUTH_CLIENT_SECRET: oauth.clientSecret,
        MICROSOFT_OAUTH_AUTHORIZE_URL: `${oauth.url}/authorize`, MICROSOFT_OAUTH_TOKEN_URL: `${oauth.url}/token`,
        MICROSOFT_IMAP_HOST: dovecot.host, MICROSOFT_IMAP_PORT: String(dovecot.port), MICROSOFT_IMAP_SECURITY: 'none',
        MICROSOFT_SMTP_HOST: '127.0.0.1', MICROSOFT_SMTP_PORT: String(smtp.port), MICROSOFT_SMTP_SECURITY: 'ssl',
      },
    });
    org = await mr.newOrganization('Club de voile');
    other = await mr.newOrganization('Other');
  });
  afterAll(async () => {
    await mr?.stop();
    await dovecot?.close();
    await smtp?.close();
    await oauth?.close();
  });

  it('connects a Microsoft 365 mailbox with one consent that also serves sending, reads it with XOAUTH2 and refreshes the token', async () => {
    await dovecot.appendMessage(EMAIL, 'not-the-way-in', 'INBOX', 'From: pilote@example.org\r\nSubject: Carnet de vol\r\nMessage-ID: <o1@example.org>\r\n\r\nCi-joint.\r\n');
    const start = await org.admin.post('/api/v1/settings/mailbox/microsoft/authorize', { alsoSend: true });
    const url = new URL(start.body.authorizationUrl);
    // The IMAP permission and offline access are asked in the same consent as SMTP.
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send', 'offline_access']));
    oauth.codes.add('consent-1');
    const cb = await fetch(`${mr.url}/api/v1/settings/microsoft/callback?code=consent-1&state=${encodeURIComponent(url.searchParams.get('state')!)}`, { redirect: 'manual' });
    // Back to the console's mailbox page, where the consent started.
    expect(cb.status).toBe(303);
    expect(cb.headers.get('location')).toBe('/settings/mailbox?oauth=microsoft&connected=1');
    expect((await org.admin.get('/api/v1/settings/mailbox')).body).toMatchObject({ oauthProvider: 'microsoft', username: EMAIL, folder: 'INBOX' });
    expect((await org.admin.get('/api/v1/settings/smtp')).body.account).toMatchObject({ provider: 'microsoft', fromAddress: EMAIL });

    // The first access token is already expired: reading the mailbox refreshes it, then logs in with it.
    await eventually(async () => ((await mr.db.prisma.receivedMail.count({ where: { organizationId: org.organizationId } })) === 1 ? true : undefined), 30_000, 100);
    expect(oauth.refreshes).toBeGreaterThanOrEqual(1);
    expect(oauth.introspections).toBeGreaterThanOrEqual(1);
    const box = await mr.db.prisma.mailboxAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    expect(box).toMatchObject({ oauthProvider: 'microsoft', passwordEnc: null });
    expect(box.oauthRefreshTokenEnc).not.toMatch(/^rt-/);
    expect((await org.admin.post('/api/v1/settings/mailbox/verify', {})).body).toMatchObject({ ok: true, messages: 1 });

    // The same consent sends too.
    const sent = await org.staff.post('/api/v1/emails', { to: 'pilote@example.org', subject: 'Reçu', text: 'Merci' });
    await eventually(async () => ((await org.staff.get(`/api/v1/sent-emails/${sent.body.id}`)).body.status === 'sent' ? true : undefined), 30_000);
    expect((await smtp.waitForMessages(1))[0]!.user).toBe(EMAIL);
  });

  it('keeps the sign-in to its organisation, and disconnecting revokes it', async () => {
    expect((await other.admin.delete('/api/v1/settings/mailbox/microsoft')).status).toBe(404);
    expect((await org.staff.delete('/api/v1/settings/mailbox/microsoft')).status).toBe(403);
    expect((await org.admin.delete('/api/v1/settings/mailbox/microsoft')).status).toBe(204);
    // Microsoft has no revocation endpoint for refresh tokens: forgetting them is what remains.
    const box = await mr.db.prisma.mailboxAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    expect(box).toMatchObject({ oauthRefreshTokenEnc: null, oauthAccessTokenEnc: null });
    expect(box.disconnectedAt).not.toBeNull();
  });

  it("explains Microsoft's and Google's usual refusals in plain words", () => {
    expect(explainProviderRefusal('Command failed AUTHENTICATE failed.', 'outlook.office365.com')?.hint).toContain('IMAP is disabled for this mailbox or tenant');
    expect(explainProviderRefusal('[ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)', 'imap.gmail.com')?.message).toContain('2-step verification');
    expect(explainProviderRefusal('Invalid credentials', 'imap.orange.fr')).toBeNull();
  });
});
