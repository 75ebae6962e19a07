import fs from 'node:fs';
import path from 'node:path';
import { MARKS_FOLDER, readJournals } from '../../src/mail/accepted-marks';
import { eventually } from '../helpers/http';
import { spawnWorkerProcess, startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { bookingUidOf, startRecordingSmtpServer, type RecordedMessage, type RecordingSmtpServer } from '../helpers/smtp-server';

const DAY = 24 * 3600 * 1000;
const at = (ms: number) => new Date(ms).toISOString();
/** The booking a mail is about, from its calendar part's UID (null for a waiting-list notice). */
const uidOf = bookingUidOf;

describeIfServer('Temporal dev server', temporalAvailable())('bookings in bulk (imports)', () => {
  jest.setTimeout(120_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;
  let member: { id: string };
  let resource: { id: string };

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url } });
    [org, other] = [await mr.newOrganization('Aéroclub du Val'), await mr.newOrganization('Other')];
    member = (await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Pilote', emails: [{ address: 'jeanne@example.org' }] })).body;
    resource = (await org.staff.post('/api/v1/resources', { name: 'F-GKQB' })).body;
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });
  beforeEach(() => smtp.reset());

  it('refuses the whole request when one item is wrong, naming each fault, and records nothing', async () => {
    const t = Date.now() + 10 * DAY;
    const foreignMember = (await other.staff.post('/api/v1/members', { firstName: 'Paul', lastName: 'Ailleurs', emails: [{ address: 'paul@example.org' }] })).body;
    const res = await org.staff.post('/api/v1/bookings/bulk', { bookings: [
      { memberId: member.id, resourceId: resource.id, start: at(t), end: at(t + 3600_000), externalId: 'imp-1' },
      { memberId: foreignMember.id, resourceId: resource.id, start: at(t), end: at(t + 3600_000) },
      { memberId: member.id, resourceId: resource.id, start: at(t + 3600_000), end: at(t) },
      { memberId: member.id, resourceId: '0190f5a2-7c3e-7d41-9b0a-3c5e8f1d2a4b', start: at(t), end: at(t + 3600_000), externalId: 'imp-1' },
      { memberId: member.id, resourceId: resource.id, start: 'tomorrow', end: at(t) },
    ] });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    // The shape of every item is checked first; item 4's date is not a date.
    expect(fields).toEqual(['body.bookings.4.start']);
    const second = await org.staff.post('/api/v1/bookings/bulk', { bookings: [
      { memberId: member.id, resourceId: resource.id, start: at(t), end: at(t + 3600_000), externalId: 'imp-1' },
      { memberId: foreignMember.id, resourceId: resource.id, start: at(t), end: at(t + 3600_000) },
      { memberId: member.id, resourceId: resource.id, start: at(t + 3600_000), end: at(t) },
      { memberId: member.id, resourceId: '0190f5a2-7c3e-7d41-9b0a-3c5e8f1d2a4b', start: at(t), end: at(t + 3600_000), externalId: 'imp-1' },
    ] });
    expect(second.status).toBe(422);
    expect((second.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['body.bookings.1.memberId', 'body.bookings.2.end', 'body.bookings.3.externalId', 'body.bookings.3.resourceId']);
    expect(await mr.db.prisma.booking.count({ where: { organizationId: org.organizationId } })).toBe(0);
    expect((await org.staff.post('/api/v1/bookings/bulk', { bookings: [] })).status).toBe(422);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ memberId: member.id, resourceId: resource.id, start: at(t + i * 3600_000), end: at(t + i * 3600_000 + 60_000) }));
    expect((await org.staff.post('/api/v1/bookings/bulk', { bookings: tooMany })).status).toBe(422);
    // Another organisation cannot book this one's member or resource.
    expect((await other.staff.post('/api/v1/bookings/bulk', { bookings: [{ memberId: member.id, resourceId: resource.id, start: at(t), end: at(t + 3600_000) }] })).status).toBe(422);
  });

  it('confirms in order (a later item on a taken slot waits), mails each once, and a repeated import creates nothing', async () => {
    const t = Date.now() + 20 * DAY;
    const body = { bookings: [
      { memberId: member.id, resourceId: resource.id, start: at(t), end: at(t + 7200_000), externalId: 'imp-a' },
      { memberId: member.id, resourceId: resource.id, start: at(t + 3600_000), end: at(t + 10_800_000), externalId: 'imp-b' },
      { memberId: member.id, resourceId: resource.id, start: at(t + DAY), end: at(t + DAY + 3600_000), externalId: 'imp-c' },
    ] };
    const res = await org.staff.post('/api/v1/bookings/bulk', body);
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(3);
    expect(res.body.bookings.map((b: { status: string; created: boolean }) => [b.status, b.created])).toEqual([['confirmed', true], ['waitlisted', true], ['confirmed', true]]);
    await eventually(async () => smtp.messages.length === 3);
    const subjects = smtp.messages.map((m) => m.parsed.subject).sort();
    expect(subjects.filter((s) => s?.startsWith('Réservation confirmée'))).toHaveLength(2);
    expect(subjects.filter((s) => s?.startsWith('Liste d’attente'))).toHaveLength(1);
    expect(new Set(smtp.messages.map((m) => uidOf(m)).filter(Boolean))).toEqual(new Set([res.body.bookings[0].id, res.body.bookings[2].id]));

    // Each booking's workflow is started after the confirmations, and waits, delayed, for its reminder.
    const described = await eventually(() => mr.app.temporal.workflow.getHandle(res.body.bookings[0].workflowId).describe().catch(() => undefined));
    expect(described.status.name).toBe('RUNNING');
    expect(described.raw.workflowExecutionInfo?.historyLength?.toString()).toBe('1');

    const again = await org.staff.post('/api/v1/bookings/bulk', body);
    expect(again.status).toBe(201);
    expect(again.body.created).toBe(0);
    expect(again.body.bookings.map((b: { id: string }) => b.id)).toEqual(res.body.bookings.map((b: { id: string }) => b.id));
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages).toHaveLength(3);

    // Cancelling the first (its workflow still delayed) wakes it: METHOD:CANCEL, and the waiting one is confirmed.
    await org.staff.post(`/api/v1/bookings/${res.body.bookings[0].id}/cancel`);
    await eventually(async () => smtp.messages.length === 5);
    expect(smtp.messages.slice(3).map((m) => m.parsed.subject?.split(' :')[0]).sort()).toEqual(['Réservation annulée', 'Réservation confirmée (liste d’attente)']);
    expect(await mr.app.temporal.workflow.getHandle(res.body.bookings[0].workflowId).result()).toBe('cancelled');
  });
});

describeIfServer('PostgreSQL (DATABASE_URL) and Temporal', Boolean(process.env.DATABASE_URL) && temporalAvailable())('bookings in bulk whose worker is killed in the middle', () => {
  jest.setTimeout(180_000);

  it('sends every confirmation after a restart: none lost, and none the server had answered sent again', async () => {
    const smtp = await startRecordingSmtpServer();
    const mr = await startTestMailroom({ roles: { api: true, worker: false }, env: { SMTP_URL: smtp.url, SEND_HEARTBEAT_SECONDS: '2' } });
    let worker = spawnWorkerProcess(mr.env);
    let unlock = () => undefined as void;
    try {
      const org = await mr.newOrganization('Club');
      const member = (await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Pilote', emails: [{ address: 'jeanne@example.org' }] })).body;
      const resources = await Promise.all([1, 2, 3].map(async (i) => (await org.staff.post('/api/v1/resources', { name: `F-GKQ${i}` })).body as { id: string }));
      await worker.ready;
      const t = Date.now() + 5 * DAY;
      const ids: string[] = [];
      for (let batch = 0; batch < 2; batch++) {
        const bookings = Array.from({ length: 150 }, (_, i) => ({ memberId: member.id, resourceId: resources[i % 3]!.id, start: at(t + (batch * 150 + i) * 3600_000), end: at(t + (batch * 150 + i) * 3600_000 + 1800_000) }));
        const res = await org.staff.post('/api/v1/bookings/bulk', { bookings });
        expect(res.status).toBe(201);
        ids.push(...res.body.bookings.map((b: { id: string }) => b.id));
      }
      await smtp.waitForMessages(10, 60_000);
      // The database stops taking the worker's records of accepted messages (their recipients'
      // rows): from now on every message the server accepts is known only by its mark on disk.
      const locked = new Promise<void>((resolve) => {
        void mr.db.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('LOCK TABLE "SentEmailRecipient" IN SHARE MODE');
          resolve();
          await new Promise<void>((r) => (unlock = r));
        }, { timeout: 170_000 }).catch(() => undefined);
      });
      await locked;
      const before = smtp.messages.length;
      await smtp.waitForMessages(before + 30, 60_000);
      await worker.kill();
      const mailroomId = (m: RecordedMessage) => /^X-Mailroom-Id:\s*(\S+)/im.exec(m.raw.toString('latin1'))?.[1] ?? '';
      const atKill = smtp.messages.map(mailroomId);
      const journals = await readJournals(path.join(mr.config.storageDir, MARKS_FOLDER));
      const marked = atKill.filter((id) => journals.has(id));
      const recorded = new Set((await mr.db.prisma.sentEmail.findMany({ where: { id: { in: atKill }, status: 'sent' }, select: { id: true } })).map((r) => r.id));
      // Accepted by the server but neither recorded nor marked: the worker died before reading the answer.
      const unanswered = atKill.filter((id) => !recorded.has(id) && !marked.includes(id));
      expect(marked.length).toBeGreaterThan(0);
      unlock();
      worker = spawnWorkerProcess(mr.env);
      await worker.ready;
      await eventually(async () => new Set(smtp.messages.map((m) => uidOf(m))).size === 300, 90_000);
      await new Promise((r) => setTimeout(r, 1500));
      const perBooking = new Map<string, Set<string>>();
      for (const m of smtp.messages) {
        const uid = uidOf(m)!;
        perBooking.set(uid, (perBooking.get(uid) ?? new Set()).add(m.parsed.messageId!));
      }
      expect(new Set(perBooking.keys())).toEqual(new Set(ids));
      // One Message-ID per booking.
      for (const messageIds of perBooking.values()) expect(messageIds.size).toBe(1);
      // A message the worker had read the server's 250 for is not sent again, recorded or not.
      const received = new Map<string, number>();
      for (const m of smtp.messages) received.set(mailroomId(m), (received.get(mailroomId(m)) ?? 0) + 1);
      expect(marked.filter((id) => received.get(id) !== 1)).toEqual([]);
      // The only repeats: messages whose 250 was on its way when the worker died (RFC 5321 §6.1).
      expect(smtp.messages.length - 300).toBeLessThanOrEqual(unanswered.length);
      await eventually(async () => (await mr.db.prisma.sentEmail.count({ where: { organizationId: org.organizationId, status: 'sent', templateKey: 'booking.confirmation' } })) === 300);
      // No mark outlives its message's record: every message marked in a journal is recorded as sent.
      const left = [...(await readJournals(path.join(mr.config.storageDir, MARKS_FOLDER))).keys()];
      expect(left.length).toBeGreaterThan(0); // the killed worker's journal, kept for its retries
      await eventually(async () => (await mr.db.prisma.sentEmail.count({ where: { id: { in: left }, status: 'sent' } })) === left.length);
      expect(fs.readdirSync(path.join(mr.config.storageDir, 'sent')).filter((f) => f.endsWith('.accepted'))).toEqual([]);
      process.stdout.write(`bookings-bulk kill test: ${atKill.length} received before the kill, ${marked.length} of them accepted but not yet in the database (none sent again), ${unanswered.length} whose answer had not reached the worker; ${smtp.messages.length - 300} sent twice\n`);
    } finally {
      unlock();
      await worker.kill();
      await mr.stop();
      await smtp.close();
    }
  });
});
