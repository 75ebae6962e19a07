import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { imapLike, type TcpRecorder } from '../helpers/tcp-recorder';

/**
 * The hostile tester's three paths to a stored password: verify another host
 * without a password, PUT another host keeping the password, and the same for
 * the reception and bounce mailboxes. Each time a second server ("evil") on
 * loopback listens; it must receive nothing at all.
 */
describeIfServer('Temporal dev server', temporalAvailable())('a stored secret is bound to the server it was given for', () => {
  jest.setTimeout(60_000);
  const creds = { user: 'club@orange.example', pass: 'mot-de-passe-secret' };
  let legit: RecordingSmtpServer;
  let evilSmtp: RecordingSmtpServer;
  let legitImap: TcpRecorder;
  let evilImap: TcpRecorder;
  let mr: TestMailroom;
  let org: TestOrg;

  beforeAll(async () => {
    [legit, evilSmtp, legitImap, evilImap] = await Promise.all([
      startRecordingSmtpServer({ auth: creds }),
      // Accepts any login, as an attacker's server would: the user name it saw is recorded.
      startRecordingSmtpServer({ auth: { user: creds.user, pass: 'anything' } }),
      imapLike(),
      imapLike(),
    ]);
    mr = await startTestMailroom({ env: { SMTP_VERIFY_TIMEOUT_SECONDS: '2' } });
    org = await mr.newOrganization('Club');
  });
  afterAll(async () => {
    await mr?.stop();
    await Promise.all([legit?.close(), evilSmtp?.close(), legitImap?.close(), evilImap?.close()]);
  });

  const smtpSettings = (port: number, extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port, security: 'none', username: creds.user, fromAddress: 'club@orange.example', ...extra });

  test('SMTP: verify and PUT toward another server need the password again; the evil server sees no connection', async () => {
    const put = await org.admin.put('/api/v1/settings/smtp', smtpSettings(legit.port, { password: creds.pass }));
    expect(put.status).toBe(200);
    expect(put.body.passwordSet).toBe(true);

    // The stored password still works for its own server (verify without password, same settings).
    const same = await org.admin.post('/api/v1/settings/smtp/verify', { settings: smtpSettings(legit.port) });
    expect(same.body).toMatchObject({ ok: true });

    for (const change of [{ port: evilSmtp.port }, { username: 'someone@else.example', port: legit.port }, { security: 'starttls', port: legit.port }]) {
      const settings = { ...smtpSettings(legit.port), ...change };
      const verify = await org.admin.post('/api/v1/settings/smtp/verify', { settings });
      expect(verify.status).toBe(422);
      expect(verify.body.errors).toEqual([expect.objectContaining({ field: 'body.settings.password' })]);
      const moved = await org.admin.put('/api/v1/settings/smtp', settings);
      expect(moved.status).toBe(422);
      expect(moved.body.errors).toEqual([expect.objectContaining({ field: 'body.password' })]);
    }
    // Nothing was saved: the account still points at the legitimate server.
    expect((await org.admin.get('/api/v1/settings/smtp')).body.account).toMatchObject({ port: legit.port, passwordSet: true });
    // Changing what is not part of the binding keeps the password.
    const renamed = await org.admin.put('/api/v1/settings/smtp', smtpSettings(legit.port, { fromName: 'Le club' }));
    expect(renamed.body).toMatchObject({ passwordSet: true, fromName: 'Le club' });
    // With the password typed again, moving is fine (the admin knows this secret).
    expect((await org.admin.post('/api/v1/settings/smtp/verify', { settings: smtpSettings(evilSmtp.port, { password: 'anything' }) })).body.ok).toBe(true);
    expect(evilSmtp.messages).toHaveLength(0);
  });

  test('mailbox and bounce mailbox: the stored IMAP password never reaches another server', async () => {
    const box = (port: number, extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port, security: 'none', username: creds.user, ...extra });
    expect((await org.admin.put('/api/v1/settings/mailbox', box(legitImap.port, { password: 'imap-secret' }))).status).toBe(200);
    const verify = await org.admin.post('/api/v1/settings/mailbox/verify', { settings: box(evilImap.port) });
    expect(verify.status).toBe(422);
    expect(verify.body.errors).toEqual([expect.objectContaining({ field: 'body.settings.password' })]);
    const moved = await org.admin.put('/api/v1/settings/mailbox', box(evilImap.port));
    expect(moved.status).toBe(422);
    expect(moved.body.errors).toEqual([expect.objectContaining({ field: 'body.password' })]);

    const delivery = await org.admin.put('/api/v1/settings/delivery', { mailbox: box(legitImap.port, { password: 'bounce-secret' }) });
    expect(delivery.status).toBe(200);
    const movedBounce = await org.admin.put('/api/v1/settings/delivery', { mailbox: box(evilImap.port) });
    expect(movedBounce.status).toBe(422);
    expect(movedBounce.body.errors).toEqual([expect.objectContaining({ field: 'body.mailbox.password' })]);
    expect((await org.admin.get('/api/v1/settings/delivery')).body.mailbox).toMatchObject({ port: legitImap.port, passwordSet: true });

    // The legitimate server did get logins (the polling runs), the evil one never a connection.
    expect(evilImap.connections).toBe(0);
    expect(evilImap.received()).not.toContain('secret');
  });
});
