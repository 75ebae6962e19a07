import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature, SIGNATURE_HEADER } from '../../src/alerts/webhook';
import { eventually } from '../helpers/http';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../helpers/dovecot';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { replayWorkflow } from '../helpers/replay';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import * as f from './fixtures';

const BOUNCE_USER = 'bounces';
const BOUNCE_PASS = 'b0unce-pass';

interface Receiver {
  url: string;
  calls: { body: string; signature?: string; status: number }[];
  answers: number[];
  close(): Promise<void>;
}

/** A webhook receiver that answers with the queued status codes (then 200). */
async function startReceiver(): Promise<Receiver> {
  const calls: Receiver['calls'] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      calls.push({ body, signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, status });
      res.writeHead(status).end(status === 200 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/mailroom`, calls, answers, close: () => new Promise((r) => server.close(() => r())) };
}

describeIfServer('Temporal dev server and Dovecot', temporalAvailable() && dovecotAvailable())('delivery tracking: bounces, alerts, retention', () => {
  jest.setTimeout(120_000);
  let smtp: RecordingSmtpServer;
  let dovecot: TestDovecot;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;
  let receiver: Receiver;
  const secret = 'whsec_0123456789abcdef';

  beforeAll(async () => {
    [smtp, dovecot, receiver] = await Promise.all([startRecordingSmtpServer(), startDovecot(), startReceiver()]);
    dovecot.addUser(BOUNCE_USER, BOUNCE_PASS);
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, ALERT_WEBHOOK_RETRY_INITIAL_SECONDS: '0.2', ALERT_WEBHOOK_RETRY_MAX_SECONDS: '1' } });
    org = await mr.newOrganization('Résidence Les Tilleuls');
    other = await mr.newOrganization('Other org');
    const put = await org.admin.put('/api/v1/settings/delivery', {
      bounceDomain: 'bounce.tilleuls.example',
      mailbox: { host: dovecot.host, port: dovecot.port, security: 'none', username: BOUNCE_USER, password: BOUNCE_PASS },
    });
    expect(put.status).toBe(200);
    expect(put.body.mailbox).toMatchObject({ host: dovecot.host, passwordSet: true });
    expect(JSON.stringify(put.body)).not.toContain(BOUNCE_PASS);
    const alerts = await org.admin.put('/api/v1/settings/alerts', { emails: ['direction@tilleuls.example'], webhookUrl: receiver.url, webhookSecret: secret });
    expect(alerts.body).toEqual({ emails: ['direction@tilleuls.example'], emailMode: 'immediate', webhookUrl: receiver.url, webhookSecretSet: true });
  });
  afterAll(async () => {
    await mr?.stop();
    await Promise.all([smtp?.close(), dovecot?.close(), receiver?.close()]);
  });

  async function member(first: string, last: string, address: string) {
    return (await org.staff.post('/api/v1/members', { firstName: first, lastName: last, emails: [{ address }] })).body;
  }
  async function send(to: string | string[], subject: string, memberId?: string) {
    const res = await org.staff.post('/api/v1/emails', { to, subject, text: 'Veuillez trouver votre facture.', memberId });
    expect(res.status).toBe(202);
    return eventually(async () => {
      const r = await org.staff.get(`/api/v1/sent-emails/${res.body.id}`);
      return r.body.status === 'sent' ? r.body : undefined;
    });
  }
  async function sync() {
    const res = await org.staff.post('/api/v1/sent-emails/sync');
    expect(res.status).toBe(202);
    await mr.app.temporal.workflow.getHandle(res.body.workflowId).result();
    return res.body.workflowId as string;
  }
  const detail = async (id: string) => (await org.staff.get(`/api/v1/sent-emails/${id}`)).body;

  it('sends with a VERP envelope sender and matches bounces by VERP, by Mailroom header and by Message-ID', async () => {
    const m1 = await member('Josiane', 'Mailly', 'josiane@dest.example');
    const m2 = await member('Paul', 'Durand', 'paul@dest.example');
    const m3 = await member('Anne', 'Petit', 'anne@dest.example');
    const s1 = await send('josiane@dest.example', 'Facture septembre', m1.id);
    const s2 = await send('paul@dest.example', 'Facture octobre', m2.id);
    const s3 = await send('anne@dest.example', 'Facture novembre', m3.id);
    const envelope = smtp.messages.find((m) => m.parsed.subject === 'Facture septembre')!.envelope.mailFrom;
    expect(envelope).toBe(`bounces+${s1.id}@bounce.tilleuls.example`);

    // VERP only (the returned headers carry nothing), header only, Message-ID only.
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.postfixHardBounce({ to: envelope, recipient: 'josiane@dest.example' }));
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.exchangeOnlineBounce({ to: 'contact@tilleuls.example', recipient: 'paul@dest.example', mailroomId: s2.id }));
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.gmailBounce({ to: 'contact@tilleuls.example', recipient: 'anne@dest.example', messageId: s3.messageId }));
    const workflowId = await sync();

    for (const [s, by, status] of [[s1, 'verp', '5.1.1'], [s2, 'header', '5.1.10'], [s3, 'message-id', '5.1.1']] as const) {
      const d = await detail(s.id);
      expect(d.status).toBe('bounced');
      expect(d.reports).toEqual([expect.objectContaining({ kind: 'hard', matchedBy: by, status })]);
      expect(d.recipients).toEqual([expect.objectContaining({ status: 'bounced' })]);
    }
    // The member record shows the address as invalid, with the reason.
    const josiane = (await org.staff.get(`/api/v1/members/${m1.id}`)).body;
    expect(josiane.emails[0]).toMatchObject({ address: 'josiane@dest.example', invalid: true });
    expect(josiane.emails[0].invalidReason).toContain('User unknown');
    await replayWorkflow(mr.app.temporal, workflowId);
  });

  it('sends a test alert by email and to the webhook on request', async () => {
    const before = receiver.calls.length;
    const res = await org.admin.post('/api/v1/settings/alerts/test');
    expect(res.body.webhook).toEqual({ status: 200 });
    const call = receiver.calls[before]!;
    expect(JSON.parse(call.body)).toMatchObject({ type: 'test', organizationId: org.organizationId });
    expect(verifySignature(secret, call.body, call.signature)).toBe(true);
    const mail = await eventually(async () => smtp.messages.find((m) => m.parsed.subject === 'Mailroom : test des alertes'));
    expect(mail.envelope.rcptTo).toEqual(['direction@tilleuls.example']);
    expect(res.body.email.id).toBeTruthy();
  });

  it('tells staff by email and by a signed webhook, retried until it answers 2xx', async () => {
    const alertMail = await eventually(async () => smtp.messages.find((m) => m.envelope.rcptTo.includes('direction@tilleuls.example') && m.parsed.text?.includes('josiane@dest.example')));
    expect(alertMail.parsed.subject).toBe('Message non remis à josiane@dest.example');
    expect(alertMail.parsed.text).toContain('« Facture septembre »');
    expect(alertMail.parsed.text).toContain('User unknown');

    const call = await eventually(async () => receiver.calls.find((c) => c.status === 200 && JSON.parse(c.body).recipient === 'paul@dest.example'));
    expect(verifySignature(secret, call.body, call.signature)).toBe(true);
    expect(verifySignature('wrong-secret-0000', call.body, call.signature)).toBe(false);
    expect(JSON.parse(call.body)).toMatchObject({ type: 'message.bounced', organizationId: org.organizationId, status: 'bounced', recipient: 'paul@dest.example' });

    // A receiver that fails is retried durably until it accepts.
    receiver.answers.push(500, 503);
    const before = receiver.calls.length;
    const s = await send('unknown-user@dest.example', 'Relance');
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.sendmailBounce({ to: `bounces+${s.id}@bounce.tilleuls.example`, recipient: 'unknown-user@dest.example' }));
    await sync();
    const calls = await eventually(async () => {
      const mine = receiver.calls.slice(before).filter((c) => JSON.parse(c.body).messageId === s.id);
      return mine.some((c) => c.status === 200) ? mine : undefined;
    }, 30_000);
    expect(calls.map((c) => c.status)).toEqual([500, 503, 200]);
    // The receiver saw the 200 before the activity recorded it: wait for the record.
    const event = await eventually(async () => mr.db.prisma.alertEvent.findFirst({ where: { sentEmailId: s.id, webhookDeliveredAt: { not: null } } }));
    expect(event.webhookAttempts).toBe(3);
    await replayWorkflow(mr.app.temporal, `alert-webhook:${event.id}`);
  });

  it('notes delays, records deliveries, ignores out-of-office replies, and never applies a report twice', async () => {
    const s = await send('lea@dest.example', 'Réservation');
    const verp = `bounces+${s.id}@bounce.tilleuls.example`;
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.postfixDelayed({ to: verp, recipient: 'lea@dest.example' }));
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.outOfOffice({ to: verp, recipient: 'lea@dest.example', messageId: s.messageId }));
    await sync();
    let d = await detail(s.id);
    expect(d.status).toBe('sent');
    expect(d.recipients).toEqual([expect.objectContaining({ address: 'lea@dest.example', status: 'delayed' })]);
    expect(d.reports.map((r: { kind: string }) => r.kind).sort()).toEqual(['auto-reply', 'soft']);

    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.postfixDelivered({ to: verp, recipient: 'lea@dest.example' }));
    await sync();
    d = await detail(s.id);
    expect(d.recipients[0].status).toBe('delivered');

    // Read the whole mailbox again from the start: nothing changes.
    const reportsBefore = await mr.db.prisma.deliveryReport.count();
    const alertsBefore = await mr.db.prisma.alertEvent.count();
    await mr.db.prisma.deliveryMailbox.update({ where: { organizationId: org.organizationId }, data: { lastUid: 0 } });
    await sync();
    expect(await mr.db.prisma.deliveryReport.count()).toBe(reportsBefore);
    expect(await mr.db.prisma.alertEvent.count()).toBe(alertsBefore);
    expect((await detail(s.id)).recipients[0].status).toBe('delivered');
  });

  it('a bounce for one recipient of several marks only that recipient', async () => {
    const s = await send(['ok-one@dest.example', 'gone@dest.example'], 'Convocation');
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.eximHardBounce({ to: `bounces+${s.id}@bounce.tilleuls.example`, recipient: 'gone@dest.example' }));
    await sync();
    const d = await detail(s.id);
    expect(d.status).toBe('sent');
    expect(d.recipients).toEqual(expect.arrayContaining([expect.objectContaining({ address: 'gone@dest.example', status: 'bounced' }), expect.objectContaining({ address: 'ok-one@dest.example', status: 'accepted' })]));
  });

  it('a recipient refused at RCPT TO counts as a hard bounce of that address', async () => {
    const m = await member('Marc', 'Refus', 'refused@dest.example');
    smtp.failNext({ count: 1, stage: 'rcpt', code: 550, message: '5.1.1 <refused@dest.example>: Recipient address rejected', recipients: ['refused@dest.example'] });
    const s = await send(['refused@dest.example', 'fine@dest.example'], 'Deux destinataires', m.id);
    expect(s.recipients).toEqual(expect.arrayContaining([expect.objectContaining({ address: 'refused@dest.example', status: 'rejected' })]));
    const marc = (await org.staff.get(`/api/v1/members/${m.id}`)).body;
    expect(marc.emails[0].invalid).toBe(true);
    await eventually(async () => mr.db.prisma.alertEvent.findFirst({ where: { sentEmailId: s.id, recipient: 'refused@dest.example' } }));
  });

  it('an hourly digest gathers the failures in one mail', async () => {
    await org.admin.put('/api/v1/settings/alerts', { emails: ['digest@tilleuls.example'], emailMode: 'hourly' });
    smtp.failNext({ count: 2, stage: 'rcpt', code: 550, message: '5.1.1 No such user', recipients: ['x1@dest.example', 'x2@dest.example'] });
    const a = await org.staff.post('/api/v1/emails', { to: 'x1@dest.example', subject: 'Digest A', text: 't' });
    const b = await org.staff.post('/api/v1/emails', { to: 'x2@dest.example', subject: 'Digest B', text: 't' });
    for (const id of [a.body.id, b.body.id]) await eventually(async () => mr.db.prisma.alertEvent.findFirst({ where: { sentEmailId: id } }));
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes('digest@tilleuls.example'))).toHaveLength(0);
    await mr.app.temporal.workflow.execute('alertDigestWorkflow', { taskQueue: mr.config.TEMPORAL_TASK_QUEUE, workflowId: `digest-test-${Date.now()}` });
    const digest = await eventually(async () => smtp.messages.find((m) => m.envelope.rcptTo.includes('digest@tilleuls.example')));
    expect(digest.parsed.subject).toMatch(/^\d+ message\(s\) non remis/);
    expect(digest.parsed.text).toContain('« Digest A »');
    expect(digest.parsed.text).toContain('« Digest B »');
    // Nothing left to announce: a second run sends no second digest.
    await mr.app.temporal.workflow.execute('alertDigestWorkflow', { taskQueue: mr.config.TEMPORAL_TASK_QUEUE, workflowId: `digest-test-2-${Date.now()}` });
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes('digest@tilleuls.example'))).toHaveLength(1);
    await org.admin.put('/api/v1/settings/alerts', { emails: ['direction@tilleuls.example'], webhookUrl: receiver.url });
  });

  it('purges sent-log entries past the retention period and keeps documents', async () => {
    await mr.db.prisma.organization.update({ where: { id: org.organizationId }, data: { retentionDays: 30 } });
    const m = await member('Doc', 'Keeper', 'doc@dest.example');
    const doc = (await org.staff.post(`/api/v1/members/${m.id}/documents`, { filename: 'certificat.pdf', contentBase64: Buffer.from('%PDF').toString('base64') })).body;
    const day = 24 * 3600 * 1000;
    const mk = (key: string, ageDays: number) =>
      mr.db.prisma.sentEmail.create({ data: { organizationId: org.organizationId, idempotencyKey: key, fromAddress: 'a@b.fr', to: ['x@y.fr'], subject: key, status: 'sent', messageId: `<${key}@t>`, documentId: doc.id, queuedAt: new Date(Date.now() - ageDays * day) } });
    const old = await mk('old-31', 31);
    const recent = await mk('recent-29', 29);
    const otherOrgOld = await mr.db.prisma.sentEmail.create({ data: { organizationId: other.organizationId, idempotencyKey: 'other-31', fromAddress: 'a@b.fr', to: ['x@y.fr'], subject: 'o', status: 'sent', messageId: '<other-31@t>', queuedAt: new Date(Date.now() - 31 * day) } });
    const result = await mr.app.temporal.workflow.execute('retentionPurgeWorkflow', { taskQueue: mr.config.TEMPORAL_TASK_QUEUE, workflowId: `purge-test-${Date.now()}` });
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    expect(await mr.db.prisma.sentEmail.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await mr.db.prisma.sentEmail.findUnique({ where: { id: recent.id } })).not.toBeNull();
    // The other organisation keeps the default 365 days.
    expect(await mr.db.prisma.sentEmail.findUnique({ where: { id: otherOrgOld.id } })).not.toBeNull();
    expect((await org.staff.get(`/api/v1/documents/${doc.id}`)).status).toBe(200);
  });

  it('summarises a period: counts by status and template, bounce rate, invalid addresses', async () => {
    const stats = (await org.staff.get('/api/v1/sent-emails/stats')).body;
    expect(stats.byStatus.bounced).toBeGreaterThanOrEqual(4);
    expect(stats.total).toBe(Object.values(stats.byStatus as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(stats.bounceRate).toBeGreaterThan(0);
    expect(stats.bounceRate).toBeLessThan(1);
    expect(stats.invalidAddresses.map((a: { address: string }) => a.address)).toEqual(expect.arrayContaining(['josiane@dest.example', 'refused@dest.example']));
    expect(stats.invalidAddresses.find((a: { address: string }) => a.address === 'josiane@dest.example').name).toBe('MAILLY Josiane');
    const future = (await org.staff.get('/api/v1/sent-emails/stats?from=2099-01-01')).body;
    expect(future.total).toBe(0);
  });

  it('reads the delivery reports that reception set aside in the main mailbox, without any manual sync', async () => {
    dovecot.addUser('accueil', 'accueil-pass');
    const put = await org.admin.put('/api/v1/settings/mailbox', { host: dovecot.host, port: dovecot.port, security: 'none', username: 'accueil', password: 'accueil-pass', pollIntervalSeconds: 3600 });
    expect(put.status).toBe(200);
    const s = await send('parti@dest.example', 'Avis de passage');
    await dovecot.appendMessage('accueil', 'accueil-pass', 'INBOX', f.gmailBounce({ to: 'contact@tilleuls.example', recipient: 'parti@dest.example', messageId: s.messageId }));
    await org.staff.post('/api/v1/mailbox/poll');
    const d = await eventually(async () => {
      const r = await detail(s.id);
      return r.status === 'bounced' ? r : undefined;
    }, 30_000);
    expect(d.reports).toEqual([expect.objectContaining({ kind: 'hard', matchedBy: 'message-id' })]);
    const aside = await mr.db.prisma.receivedMail.findFirstOrThrow({ where: { organizationId: org.organizationId, subject: 'Delivery Status Notification (Failure)' } });
    expect(aside.category).toBe('report');
    await org.admin.delete('/api/v1/settings/mailbox');
  });

  it('acts by reason: a full mailbox or our failed DMARC leaves the address alone, a complaint stops non-essential mail', async () => {
    const full = await member('Pierre', 'Plein', 'pierre@dest.example');
    const dmarc = await member('Rose', 'Stricte', 'rose@strict.example');
    const plaint = await member('Hugo', 'Plainte', 'hugo@dest.example');
    const s1 = await send('pierre@dest.example', 'Planning été', full.id);
    const s2 = await send('rose@strict.example', 'Planning été', dmarc.id);
    const s3 = await send('hugo@dest.example', 'Lettre du club', plaint.id);
    const verp = (id: string) => `bounces+${id}@bounce.tilleuls.example`;
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.postfixRefusal({ to: verp(s1.id), recipient: 'pierre@dest.example' }, '5.2.2', '552 5.2.2 Mailbox full, quota exceeded'));
    const dmarcWords = '550 5.7.26 Unauthenticated email from tilleuls.example is not accepted due to domain\'s DMARC policy';
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.postfixRefusal({ to: verp(s2.id), recipient: 'rose@strict.example' }, '5.7.26', dmarcWords));
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.arfComplaint({ to: 'abuse@tilleuls.example', recipient: 'hugo@dest.example', messageId: s3.messageId }));
    await sync();

    // Full mailbox: the message bounced with its reason, the member's address stays valid.
    const d1 = await detail(s1.id);
    expect(d1).toMatchObject({ status: 'bounced', bounce: { reason: 'mailbox-full', deadAddress: false } });
    expect((await org.staff.get(`/api/v1/members/${full.id}`)).body.emails[0].invalid).toBe(false);
    // Our DMARC failed: an alert about the sending set-up, with the remote server's words; the address stays valid.
    const d2 = await detail(s2.id);
    expect(d2).toMatchObject({ status: 'bounced', bounce: { reason: 'auth-failure', deadAddress: false } });
    expect((await org.staff.get(`/api/v1/members/${dmarc.id}`)).body.emails[0].invalid).toBe(false);
    const setup = await eventually(async () => smtp.messages.find((m) => m.envelope.rcptTo.includes('direction@tilleuls.example') && m.parsed.text?.includes('rose@strict.example')));
    expect(setup.parsed.text).toContain('SPF, DKIM et DMARC');
    expect(setup.parsed.text).toContain('DMARC policy');
    const hook = await eventually(async () => receiver.calls.find((c) => c.status === 200 && JSON.parse(c.body).messageId === s2.id));
    expect(JSON.parse(hook.body)).toMatchObject({ type: 'sending.authentication-failed', bounceReason: 'auth-failure', deadAddress: false });
    // Complaint: recorded, non-essential notifications off, staff told; the address is not called invalid.
    const prefs = (await org.staff.get(`/api/v1/members/${plaint.id}/notification-preferences`)).body;
    expect(prefs).toMatchObject({ reminders: false, maintenance: false, validity: false, balance: false });
    expect((await org.staff.get(`/api/v1/members/${plaint.id}`)).body.emails[0].invalid).toBe(false);
    expect((await detail(s3.id)).reports).toEqual([expect.objectContaining({ kind: 'complaint', bounce: expect.objectContaining({ reason: 'complaint' }) })]);
    const told = await eventually(async () => receiver.calls.find((c) => c.status === 200 && JSON.parse(c.body).messageId === s3.id));
    expect(JSON.parse(told.body)).toMatchObject({ type: 'message.complaint', recipient: 'hugo@dest.example' });
    // The sent log filters by reason.
    const list = (await org.staff.get('/api/v1/sent-emails?reason=auth-failure')).body;
    expect(list.items.map((e: { id: string }) => e.id)).toEqual([s2.id]);
    expect((await org.staff.get('/api/v1/sent-emails?reason=nonsense')).status).toBe(400);
    expect((await org.staff.get('/api/v1/sent-emails/stats')).body.byReason).toMatchObject({ 'mailbox-full': 1, 'auth-failure': 1 });
  });

  it('keeps every new route to its own organisation', async () => {
    expect((await other.admin.get('/api/v1/settings/alerts')).body).toEqual({ emails: [], emailMode: 'immediate', webhookUrl: null, webhookSecretSet: false });
    expect((await other.admin.get('/api/v1/settings/delivery')).body.mailbox).toBeNull();
    const stats = (await other.staff.get('/api/v1/sent-emails/stats')).body;
    expect(stats.total).toBe(1);
    expect(stats.invalidAddresses).toEqual([]);
    expect((await other.staff.post('/api/v1/sent-emails/sync')).body.workflowId).toBe(`delivery-sync:${other.organizationId}`);
    expect((await org.staff.get('/api/v1/settings/alerts')).status).toBe(403); // staff cannot read admin settings
    // A bounce naming another organisation's message is not applied to it.
    const theirs = await mr.db.prisma.sentEmail.findFirstOrThrow({ where: { organizationId: other.organizationId } });
    await dovecot.appendMessage(BOUNCE_USER, BOUNCE_PASS, 'INBOX', f.postfixHardBounce({ to: `bounces+${theirs.id}@bounce.tilleuls.example`, recipient: 'x@y.fr', mailroomId: theirs.id }));
    await sync();
    expect((await mr.db.prisma.sentEmail.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe('sent');
  });
});
