import { ORGANIZATION_ID } from '../../src/shared/search-attributes';
import { eventually } from '../helpers/http';
import { spawnWorkerProcess, startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { replayWorkflow } from '../helpers/replay';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

describeIfServer('Temporal dev server', temporalAvailable())('sending one email durably (POST /api/v1/emails)', () => {
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer({ mode: 'plain' });
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, SEND_MAX_ATTEMPTS: '4' } });
    org = await mr.newOrganization('Aéroclub du Val');
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });
  beforeEach(() => smtp.reset());

  const waitStatus = (id: string, status: string) =>
    eventually(async () => {
      const r = await org.staff.get(`/api/v1/sent-emails/${id}`);
      return r.body.status === status ? r.body : undefined;
    }, 20_000);

  it('sends through the platform SMTP server and records it as sent with its Message-ID', async () => {
    const member = (await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin', emails: [{ address: 'jeanne@example.org' }] })).body;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200_000, 7)]);
    const doc = (await org.staff.post(`/api/v1/members/${member.id}/documents`, { filename: 'Devis n°12 été.pdf', contentType: 'application/pdf', kind: 'quote', contentBase64: pdf.toString('base64') })).body;

    const res = await org.staff.post('/api/v1/emails', {
      to: 'Jeanne Martin <jeanne@example.org>',
      cc: ['secretariat@example.org'],
      subject: 'Votre devis — été 2026',
      text: 'Bonjour Jeanne,\nvoici votre devis.',
      html: '<p>Bonjour Jeanne,<br>voici votre devis.</p>',
      documentIds: [doc.id],
      memberId: member.id,
    });
    expect(res.status).toBe(202);
    expect(res.body.workflowId).toBe(`send:${res.body.id}`);

    const record = await waitStatus(res.body.id, 'sent');
    const [msg] = await smtp.waitForMessages(1);
    expect(msg!.envelope.rcptTo.sort()).toEqual(['jeanne@example.org', 'secretariat@example.org']);
    expect(msg!.parsed.subject).toBe('Votre devis — été 2026');
    expect(msg!.parsed.text).toContain('voici votre devis');
    expect(msg!.parsed.html).toContain('<p>Bonjour Jeanne');
    expect(msg!.parsed.messageId).toBe(record.messageId);
    expect(msg!.parsed.headers.get('x-mailroom-id')).toBe(res.body.id);
    expect(msg!.parsed.attachments).toHaveLength(1);
    expect(msg!.parsed.attachments[0]!.filename).toBe('Devis n°12 été.pdf');
    expect(msg!.parsed.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(record).toMatchObject({ attempts: 1, memberId: member.id, lastError: null, transport: 'platform SMTP' });
    expect(record.smtpResponse).toMatch(/^250/);
    expect(record.attachments).toEqual([expect.objectContaining({ filename: 'Devis n°12 été.pdf', documentId: doc.id })]);

    // Operators find it in the Web UI by organisation.
    const description = await mr.app.temporal.workflow.getHandle(res.body.workflowId).describe();
    expect(description.typedSearchAttributes.get(ORGANIZATION_ID)).toBe(org.organizationId);
    await replayWorkflow(mr.app.temporal, res.body.workflowId);
  });

  it('sends a message with large attachments streamed from storage, byte for byte, and keeps the sent copy', async () => {
    const member = (await org.staff.post('/api/v1/members', { firstName: 'Paul', lastName: 'Durand', emails: [{ address: 'paul@example.org' }] })).body;
    // Over the 4 MB kept in memory: built and stored as a stream, then sent from storage.
    const video = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < video.length; i += 4) video.writeUInt32LE(i, i);
    const doc = (await org.staff.post(`/api/v1/members/${member.id}/documents`, { filename: 'saut.mp4', contentType: 'video/mp4', contentBase64: video.toString('base64') })).body;
    const res = await org.staff.post('/api/v1/emails', { to: 'paul@example.org', subject: 'Vidéo du saut', text: 'La voici.', documentIds: [doc.id] });
    const record = await waitStatus(res.body.id, 'sent');
    const [msg] = await smtp.waitForMessages(1);
    expect(msg!.parsed.attachments[0]!.content.equals(video)).toBe(true);
    expect(msg!.parsed.messageId).toBe(record.messageId);
    const raw = await org.staff.get(`/api/v1/sent-emails/${res.body.id}/eml`);
    expect(raw.status).toBe(200);
    expect(raw.text).toContain(record.messageId);
  });

  it('keeps a message built in memory in a pack file: the download gives the bytes sent, and purging the log erases them', async () => {
    const res = await org.staff.post('/api/v1/emails', { to: 'pack@example.org', subject: 'Rangé en paquet', text: 'Une ligne.\n.Un point en tête.' });
    await waitStatus(res.body.id, 'sent');
    const [msg] = await smtp.waitForMessages(1);
    const row = await mr.db.prisma.sentEmail.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.messageKey).toMatch(/^packs\//);
    expect(await mr.app.storage.exists(`sent/${row.id}.eml`)).toBe(false);
    const raw = await org.staff.get(`/api/v1/sent-emails/${row.id}/eml`);
    expect(raw.status).toBe(200);
    expect(Buffer.from(raw.text, 'utf8').equals(msg!.raw)).toBe(true);

    const purged = await org.admin.delete(`/api/v1/sent-emails?before=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(purged.status).toBe(200);
    expect(purged.body.deleted).toBeGreaterThanOrEqual(1);
    // Erased in place: the pack keeps its length, the message's bytes are zeros.
    const left = await mr.app.storage.read(row.messageKey!);
    expect(left.length).toBe(msg!.raw.length);
    expect(left.every((b) => b === 0)).toBe(true);
  });

  it('refuses an invalid address with 422 and queues nothing', async () => {
    const before = await mr.db.prisma.sentEmail.count();
    const res = await org.staff.post('/api/v1/emails', { to: ['ok@example.org', 'pas une adresse'], subject: 's', text: 't' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'body.to.1', reason: 'not a valid email address', code: 'EMAIL', params: {} }]);
    expect(await mr.db.prisma.sentEmail.count()).toBe(before);
  });

  it('sends one message for one idempotency key, however often the call is repeated', async () => {
    const body = { to: 'paul@example.org', subject: 'Rappel', text: 'Cotisation', idempotencyKey: 'cotisation-2026-paul' };
    const first = await org.staff.post('/api/v1/emails', body);
    const second = await org.staff.post('/api/v1/emails', body);
    const third = await org.staff.post('/api/v1/emails', { ...body, idempotencyKey: undefined }, { 'Idempotency-Key': 'cotisation-2026-paul' });
    expect(second.body).toMatchObject({ id: first.body.id, duplicate: true });
    expect(third.body).toMatchObject({ id: first.body.id, duplicate: true });
    await waitStatus(first.body.id, 'sent');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages.filter((m) => m.parsed.subject === 'Rappel')).toHaveLength(1);
  });

  it('retries a temporary refusal (451) and then sends, logging each attempt', async () => {
    smtp.failNext({ count: 2, stage: 'data', code: 451, message: '4.7.1 Greylisted, try again later' });
    const res = await org.staff.post('/api/v1/emails', { to: 'grey@example.org', subject: 'Greylisted', text: 't' });
    const record = await waitStatus(res.body.id, 'sent');
    expect(record.attempts).toBe(3);
    expect(record.attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'retry', 'sent']);
    expect(record.attemptLog[0].error).toContain('Greylisted');
    expect(smtp.messages.filter((m) => m.parsed.subject === 'Greylisted')).toHaveLength(1);
  });

  it('fails at once on a permanent refusal (550), with the server words, without retrying', async () => {
    smtp.failNext({ count: 1, stage: 'rcpt', code: 550, message: '5.1.1 <nobody@example.org>: Recipient address rejected: User unknown' });
    const res = await org.staff.post('/api/v1/emails', { to: 'nobody@example.org', subject: 'Unknown', text: 't' });
    const record = await waitStatus(res.body.id, 'failed');
    expect(record.attempts).toBe(1);
    expect(record.lastError).toContain('User unknown');
    expect(record.failedAt).not.toBeNull();
    await replayWorkflow(mr.app.temporal, res.body.workflowId);
  });

  it('gives up after the configured attempts when the server keeps answering 4xx, and says why', async () => {
    smtp.failNext({ count: 10, stage: 'mail', code: 421, message: '4.3.2 Service shutting down' });
    const res = await org.staff.post('/api/v1/emails', { to: 'later@example.org', subject: 'Never', text: 't' });
    const record = await waitStatus(res.body.id, 'failed');
    expect(record.attempts).toBe(4);
    expect(record.lastError).toContain('Service shutting down');
    smtp.reset();
  });

  it("sends through the organisation's own SMTP account when it has one (password stored encrypted)", async () => {
    const own = await startRecordingSmtpServer({ mode: 'plain', auth: { user: 'club', pass: 's3cret' } });
    try {
      await mr.db.prisma.smtpAccount.create({
        data: { organizationId: org.organizationId, host: '127.0.0.1', port: own.port, security: 'none', username: 'club', passwordEnc: mr.app.secrets.encrypt('s3cret'), fromAddress: 'contact@aeroclub.example', fromName: 'Aéroclub du Val' },
      });
      const res = await org.staff.post('/api/v1/emails', { to: 'pilot@example.org', subject: 'Own account', text: 't' });
      await waitStatus(res.body.id, 'sent');
      const [msg] = await own.waitForMessages(1);
      expect(msg!.envelope.mailFrom).toBe('contact@aeroclub.example');
      expect(msg!.parsed.from?.value).toEqual([{ name: 'Aéroclub du Val', address: 'contact@aeroclub.example' }]);
      expect(smtp.messages.filter((m) => m.parsed.subject === 'Own account')).toHaveLength(0);
      const stored = await mr.db.prisma.smtpAccount.findFirstOrThrow({ where: { organizationId: org.organizationId } });
      expect(stored.passwordEnc).not.toContain('s3cret');
    } finally {
      await mr.db.prisma.smtpAccount.deleteMany({ where: { organizationId: org.organizationId } });
      await own.close();
    }
  });
});

/**
 * The worker dies after the SMTP server accepted the message but before the
 * database recorded it: the retry on a new worker re-sends the stored bytes,
 * so the recipient may see the same message twice but never two different
 * Message-IDs, and the log ends `sent` with that Message-ID.
 */
describeIfServer('PostgreSQL (DATABASE_URL) and Temporal', Boolean(process.env.DATABASE_URL) && temporalAvailable())('a worker crash in the middle of a send', () => {
  jest.setTimeout(90_000);

  it('does not produce a second message with a different Message-ID', async () => {
    let worker: ReturnType<typeof spawnWorkerProcess> | undefined;
    let replacement: ReturnType<typeof spawnWorkerProcess> | undefined;
    // Kill the worker process the moment the server has the whole message, before it can answer 250.
    const smtp = await startRecordingSmtpServer({ mode: 'plain', onMessage: async () => void (await worker?.kill()) });
    const mr = await startTestMailroom({ roles: { api: true, worker: false }, env: { SMTP_URL: smtp.url, SEND_HEARTBEAT_SECONDS: '2', SEND_RETRY_INITIAL_SECONDS: '0.2' } });
    try {
      const org = await mr.newOrganization();
      worker = spawnWorkerProcess(mr.env);
      await worker.ready;
      const res = await org.staff.post('/api/v1/emails', { to: 'crash@example.org', subject: 'Crash test', text: 'exactly one intent' });
      await smtp.waitForMessages(1, 30_000);
      const killed = worker;
      await eventually(async () => killed.child.signalCode === 'SIGKILL', 10_000);
      const row = await mr.db.prisma.sentEmail.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(row.status).toBe('sending'); // outcome unknown to Mailroom

      worker = spawnWorkerProcess(mr.env);
      const second = worker;
      replacement = second;
      worker = undefined; // the replacement must live
      await second.ready;
      const sent = await eventually(async () => {
        const r = await mr.db.prisma.sentEmail.findUniqueOrThrow({ where: { id: res.body.id } });
        return r.status === 'sent' ? r : undefined;
      }, 60_000);
      const ids = new Set(smtp.messages.map((m) => m.parsed.messageId));
      expect([...ids]).toEqual([sent.messageId]);
      // The same bytes (Date, boundaries, signature): the retry found the killed attempt's stored
      // message through the key it journalled before sending, and the download gives them too.
      expect(new Set(smtp.messages.map((m) => m.raw.toString('latin1'))).size).toBe(1);
      expect(sent.messageKey).toMatch(/^packs\//);
      expect((await mr.app.storage.read(sent.messageKey!)).equals(smtp.messages[0]!.raw)).toBe(true);
      // The killed attempt's copy and the retry's. A third came under load when the retry missed its
      // heartbeat and the next attempt sent beside it; attempts on one worker now wait for each other.
      expect(smtp.messages.length).toBeLessThanOrEqual(2);
    } finally {
      // Both, whatever failed: a replacement left running outlives the test (seen after a failure).
      await worker?.kill();
      await replacement?.kill();
      await mr.stop();
      await smtp.close();
    }
  });
});

/**
 * An attempt taken for dead while it still sends: Temporal schedules the next attempt when one
 * misses its heartbeat timeout, and under load the live attempt does (its event loop is busy).
 * The next attempt lands on the same worker while the first still waits for the server's 250;
 * it must not send the message again (the third message of the crash test above under load).
 */
describeIfServer('Temporal dev server', temporalAvailable())('an attempt that misses its heartbeat while it sends', () => {
  jest.setTimeout(60_000);

  it('is waited for by the next attempt on the same worker, which sends nothing', async () => {
    let stalled = false;
    // The worker runs in this process: blocking the event loop past the heartbeat timeout (2 s)
    // is the loaded machine; the slow 250 after it keeps the first attempt sending meanwhile.
    const smtp = await startRecordingSmtpServer({
      mode: 'plain',
      delayMs: 4_000,
      onMessage: () => {
        if (stalled) return;
        stalled = true;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 7_000);
      },
    });
    const mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, SEND_HEARTBEAT_SECONDS: '2', SEND_RETRY_INITIAL_SECONDS: '0.2' } });
    try {
      const org = await mr.newOrganization();
      const res = await org.staff.post('/api/v1/emails', { to: 'slow@example.org', subject: 'Stalled', text: 'one copy' });
      const sent = await eventually(async () => {
        const r = await mr.db.prisma.sentEmail.findUniqueOrThrow({ where: { id: res.body.id } });
        return r.status === 'sent' ? r : undefined;
      }, 40_000);
      // The workflow has seen a second attempt (the first timed out), and it sent nothing.
      const handle = mr.app.temporal.workflow.getHandle(res.body.workflowId);
      await handle.result();
      const history = await handle.fetchHistory();
      expect(history.events?.some((e) => e.activityTaskTimedOutEventAttributes || (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 4_000)); // what a second send would need to arrive
      expect(smtp.messages.map((m) => m.parsed.messageId)).toEqual([sent.messageId]);
    } finally {
      await mr.stop();
      await smtp.close();
    }
  });
});
