import { eventually } from '../helpers/http';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { replayWorkflow } from '../helpers/replay';
import { describeIfServer } from '../helpers/require-server';

const USER = 'idle';
const PASS = 'idle-pass';

describeIfServer('Temporal dev server and Dovecot', temporalAvailable() && dovecotAvailable())('new mail within seconds (IMAP IDLE)', () => {
  jest.setTimeout(120_000);
  let dovecot: TestDovecot;
  let mr: TestMailroom;
  let org: TestOrg;
  let mailboxId: string;
  let member: { id: string };

  const mail = (n: number) => `From: josiane@example.org\r\nTo: club@example.org\r\nSubject: Certificat ${n}\r\nMessage-ID: <idle-${n}@example.org>\r\n\r\nCertificat ${n}\r\n`;
  const subjects = async () => (await mr.db.prisma.receivedMail.findMany({ where: { organizationId: org.organizationId }, orderBy: { uid: 'asc' } })).map((m) => m.subject);
  const status = async () => (await org.staff.get('/api/v1/mailbox/status')).body;
  const idling = () => eventually(async () => ((await mr.app.temporal.workflow.getHandle(`mailbox-poll:${mailboxId}`).query('status')) as { idling?: boolean }).idling || undefined, 30_000, 100);
  /** Appends and measures how long until the mail is on the member's record. */
  const fileTime = async (n: number) => {
    const t = Date.now();
    await dovecot.appendMessage(USER, PASS, 'INBOX', mail(n));
    await eventually(async () => ((await subjects()).includes(`Certificat ${n}`) ? true : undefined), 20_000, 50);
    return Date.now() - t;
  };

  beforeAll(async () => {
    dovecot = await startDovecot();
    dovecot.addUser(USER, PASS);
    mr = await startTestMailroom();
    org = await mr.newOrganization('Aéroclub');
    member = (await org.staff.post('/api/v1/members', { firstName: 'Josiane', lastName: 'Mailly', emails: [{ address: 'josiane@example.org' }] })).body;
    await dovecot.appendMessage(USER, PASS, 'INBOX', mail(1));
    // An hour between polls: only IDLE can file the next mails quickly.
    const put = await org.admin.put('/api/v1/settings/mailbox', { host: dovecot.host, port: dovecot.port, security: 'none', username: USER, password: PASS, pollIntervalSeconds: 3600 });
    mailboxId = put.body.id;
    await eventually(async () => ((await subjects()).length === 1 ? true : undefined), 30_000, 100);
  });
  afterAll(async () => {
    await mr?.stop();
    await dovecot?.close();
  });

  it('files a mail appended while idle in under 5 seconds, on the member', async () => {
    await idling();
    expect(await fileTime(2)).toBeLessThan(5_000);
    const row = await mr.db.prisma.receivedMail.findFirstOrThrow({ where: { organizationId: org.organizationId, subject: 'Certificat 2' } });
    expect(row).toMatchObject({ category: 'filed', memberId: member.id });
    // A second one too: the wait is held again after each poll.
    await idling();
    expect(await fileTime(3)).toBeLessThan(5_000);
  });

  it('re-establishes the IDLE after the server drops the connection, losing and doubling nothing', async () => {
    await idling();
    // The IDLE connection is open once the wait has logged in.
    await eventually(async () => dovecot.kick(USER) || undefined, 10_000, 100);
    // Mail arriving while the connection is down is found by the poll that follows the drop.
    await dovecot.appendMessage(USER, PASS, 'INBOX', mail(4));
    await eventually(async () => ((await subjects()).includes('Certificat 4') ? true : undefined), 20_000, 50);
    await idling();
    expect(await fileTime(5)).toBeLessThan(5_000);
    expect(await subjects()).toEqual(['Certificat 1', 'Certificat 2', 'Certificat 3', 'Certificat 4', 'Certificat 5']);
    expect((await status()).counts.filed).toBe(5);
  });

  it('answers "poll now" at once while idle, and its history replays', async () => {
    await idling();
    await org.staff.post('/api/v1/mailbox/poll');
    await eventually(async () => ((await status()).lastPollAt ? true : undefined), 10_000, 100);
    const handle = mr.app.temporal.workflow.getHandle(`mailbox-poll:${mailboxId}`);
    await handle.terminate('replay check');
    await replayWorkflow(mr.app.temporal, `mailbox-poll:${mailboxId}`);
  });
});
