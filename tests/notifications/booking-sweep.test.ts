import crypto from 'node:crypto';
import { scheduleIds, workflowIds } from '../../src/shared/names';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { replayWorkflow } from '../helpers/replay';
import { describeIfServer } from '../helpers/require-server';
import { bookingUidOf, startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

const DAY = 24 * 3600 * 1000;
/** The booking a mail is about, from its calendar part's UID. */
const uidOf = bookingUidOf;

/**
 * A creation saves its bookings with the id of the notices workflow that will
 * confirm them, then starts it. These bookings are saved as a creation that
 * died in between leaves them; the sweep (the `booking-notices-sweep`
 * schedule's workflow, run here at once) confirms them and starts their workflows.
 */
describeIfServer('Temporal dev server', temporalAvailable())('bookings whose creation died before starting their workflow', () => {
  jest.setTimeout(120_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let member: { id: string };
  let resource: { id: string };

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url } });
    org = await mr.newOrganization('Aéroclub du Val');
    member = (await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Pilote', emails: [{ address: 'jeanne@example.org' }] })).body;
    resource = (await org.staff.post('/api/v1/resources', { name: 'F-GKQB' })).body;
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });
  beforeEach(() => smtp.reset());

  /** A booking as the creation saved it before it died: its group's workflow id, never started. */
  const savedBeforeCrash = (startAt: number, noticesWorkflowId: string) =>
    mr.db.prisma.booking.create({ data: {
      organizationId: org.organizationId, memberId: member.id, resourceId: resource.id, startAt: new Date(startAt), endAt: new Date(startAt + 3600_000),
      status: 'confirmed', noticesWorkflowId, createdAt: new Date(Date.now() - 5 * 60_000),
    } });
  const sweep = () => mr.app.temporal.workflow.execute('bookingSweepWorkflow', { taskQueue: mr.config.TEMPORAL_TASK_QUEUE, workflowId: `sweep-test-${crypto.randomUUID()}` }) as Promise<{ groups: number; bookings: number }>;

  it('confirms the booking, starts its workflow for the reminder, and does nothing the second time', async () => {
    const schedule = await mr.app.temporal.schedule.getHandle(scheduleIds.bookingSweep).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'bookingSweepWorkflow' });

    const noticesId = workflowIds.bookingNotices(crypto.randomUUID());
    const lost = await savedBeforeCrash(Date.now() + 5 * DAY, noticesId);
    expect(await sweep()).toEqual({ groups: 1, bookings: 1 });
    await eventually(async () => smtp.messages.length === 1);
    expect(smtp.messages[0]!.parsed.subject).toMatch(/^Réservation confirmée/);
    expect(uidOf(smtp.messages[0]!)).toBe(lost.id);
    // The group ran under the id the booking recorded; the booking's own workflow waits for the reminder.
    expect(await mr.app.temporal.workflow.getHandle(noticesId).result()).toMatchObject({ sent: 1 });
    const own = await mr.app.temporal.workflow.getHandle(workflowIds.booking(lost.id)).describe();
    expect(own.status.name).toBe('RUNNING');
    expect((await mr.db.prisma.booking.findUniqueOrThrow({ where: { id: lost.id } })).workflowStartedAt).not.toBeNull();

    expect(await sweep()).toEqual({ groups: 0, bookings: 0 });
    expect(smtp.messages).toHaveLength(1);
    await replayWorkflow(mr.app.temporal, noticesId);
  });

  it('hands a booking whose group ended without it to a new group, and confirms nobody twice', async () => {
    const made = await org.staff.post('/api/v1/bookings', { memberId: member.id, resourceId: resource.id, start: new Date(Date.now() + 8 * DAY).toISOString(), end: new Date(Date.now() + 8 * DAY + 3600_000).toISOString() });
    expect(made.status).toBe(201);
    await eventually(async () => smtp.messages.length === 1);
    const { noticesWorkflowId } = await mr.db.prisma.booking.findUniqueOrThrow({ where: { id: made.body.id } });
    await mr.app.temporal.workflow.getHandle(noticesWorkflowId!).result();
    // Saved under the same group, whose workflow has ended without it.
    const lost = await savedBeforeCrash(Date.now() + 9 * DAY, noticesWorkflowId!);
    expect(await sweep()).toEqual({ groups: 1, bookings: 1 });
    await eventually(async () => smtp.messages.length === 2);
    expect(uidOf(smtp.messages[1]!)).toBe(lost.id);
    const moved = await mr.db.prisma.booking.findUniqueOrThrow({ where: { id: lost.id } });
    expect(moved.noticesWorkflowId).not.toBe(noticesWorkflowId);
    await eventually(async () => (await mr.db.prisma.booking.findUniqueOrThrow({ where: { id: lost.id } })).workflowStartedAt !== null);
    expect(await sweep()).toEqual({ groups: 0, bookings: 0 });
    expect(smtp.messages.map(uidOf).sort()).toEqual([made.body.id, lost.id].sort());
  });

  it('replays the sweep workflow on the current code', async () => {
    const workflowId = `sweep-test-${crypto.randomUUID()}`;
    await mr.app.temporal.workflow.execute('bookingSweepWorkflow', { taskQueue: mr.config.TEMPORAL_TASK_QUEUE, workflowId });
    await replayWorkflow(mr.app.temporal, workflowId);
  });
});
