import { sealedMessageKey } from '../../src/activities/mail';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

/**
 * A password-reset mail carries a live token. Staff may see that it went out
 * and to whom, never the token (sent log text, HTML and .eml); the member gets
 * the real one, and a retry sends the very bytes first composed.
 */
describeIfServer('Temporal dev server', temporalAvailable())('a credential in a mail stays secret', () => {
  jest.setTimeout(60_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url } });
    org = await mr.newOrganization('Club');
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });

  test('the reset token is masked for staff, sent for real, and a retry sends the same bytes', async () => {
    await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin', emails: [{ address: 'jeanne@club.example' }] });
    // The first try is refused after the whole message went over the wire: the retry must send the same message.
    smtp.failNext({ count: 1, stage: 'data', code: 451, message: '4.7.1 try again later' });
    expect((await org.staff.post('/api/v1/password-resets', { email: 'jeanne@club.example' })).status).toBe(202);

    const [received] = await smtp.waitForMessages(1, 20_000);
    const token = /token=([A-Za-z0-9_-]{20,})/.exec(received!.parsed.text ?? '')?.[1];
    expect(token).toBeDefined();
    // The member's token works (it is the real one).
    expect((await org.staff.post('/api/v1/password-resets/consume', { token })).status).toBe(200);

    const entry = await eventually(async () => {
      const list = (await org.staff.get('/api/v1/sent-emails?template=password.reset')).body.items;
      return list[0]?.status === 'sent' ? list[0] : undefined;
    });
    expect(entry.attempts).toBe(2);
    const detail = (await org.staff.get(`/api/v1/sent-emails/${entry.id}`)).body;
    expect(detail.to).toEqual(['jeanne@club.example']);
    expect(detail.text).toContain('[hidden]');
    expect(JSON.stringify(detail)).not.toContain(token);
    const eml = await org.staff.get(`/api/v1/sent-emails/${entry.id}/eml`);
    expect(eml.status).toBe(200);
    expect(eml.text).toContain('hidden');
    expect(eml.text).not.toContain(token);
    // At rest: nowhere in the database row in clear.
    const row = await mr.db.prisma.sentEmail.findUniqueOrThrow({ where: { id: entry.id } });
    expect(JSON.stringify(row)).not.toContain(token);

    // What went out is exactly the sealed original, decrypted.
    const sealed = (await mr.app.storage.read(sealedMessageKey(entry.id))).toString('utf8');
    expect(sealed).not.toContain(token);
    const original = Buffer.from(mr.app.secrets.decrypt(sealed), 'base64');
    // (SMTP puts bare LFs on the wire as CRLF, RFC 5321 §2.3.8.)
    expect(received!.raw.toString('utf8')).toBe(original.toString('utf8').replace(/\r?\n/g, '\r\n'));
  });
});
