import { createApiKey } from '../../src/auth/api-keys';
import { apiClient, eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { replayWorkflow } from '../helpers/replay';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

const DAY = 24 * 3600 * 1000;

describeIfServer('Temporal dev server', temporalAvailable())('notifications through the API', () => {
  jest.setTimeout(90_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;
  let structure: { id: string };
  const m: Record<string, { id: string }> = {};

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, PASSWORD_RESET_URL: 'https://club.example/reset' } });
    org = await mr.newOrganization('Aéroclub du Val');
    other = await mr.newOrganization('Other');
    structure = (await org.admin.post('/api/v1/structures', { name: 'Section avion' })).body;
    const mk = async (key: string, first: string, address: string) => {
      m[key] = (await org.staff.post('/api/v1/members', { firstName: first, lastName: 'Test', structureId: structure.id, emails: [{ address }] })).body;
    };
    await mk('pilot', 'Jeanne', 'jeanne@example.org');
    await mk('pilot2', 'Paul', 'paul@example.org');
    await mk('chief', 'Chef', 'chef@example.org');
    await mk('secretary', 'Secrétaire', 'secretariat@example.org');
    await org.staff.put(`/api/v1/members/${m.chief!.id}/notification-preferences`, { subscribeMaintenance: true, subscribeValidities: 'immediate' });
    await org.staff.put(`/api/v1/members/${m.secretary!.id}/notification-preferences`, { subscribeValidities: 'digest' });
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });
  beforeEach(() => smtp.reset());
  const to = (address: string) => smtp.messages.filter((x) => x.envelope.rcptTo.includes(address));

  it('books through the API: confirmation at once, a workflow per booking, nothing twice for a repeated call', async () => {
    const resource = (await org.staff.post('/api/v1/resources', { name: 'F-HBCD' })).body;
    const body = { memberId: m.pilot!.id, resourceId: resource.id, start: new Date(Date.now() + 5 * DAY).toISOString(), end: new Date(Date.now() + 5 * DAY + 7200_000).toISOString(), externalId: 'resa-42' };
    const first = await org.staff.post('/api/v1/bookings', body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'confirmed', sequence: 0, created: true });
    expect((await org.staff.post('/api/v1/bookings', body)).body).toMatchObject({ id: first.body.id, created: false });
    await eventually(async () => to('jeanne@example.org').length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(to('jeanne@example.org')).toHaveLength(1);
    const moved = await org.staff.patch(`/api/v1/bookings/${first.body.id}`, { start: new Date(Date.now() + 6 * DAY).toISOString(), end: new Date(Date.now() + 6 * DAY + 3600_000).toISOString() });
    expect(moved.body.sequence).toBe(1);
    await eventually(async () => to('jeanne@example.org').length === 2);
    await org.staff.post(`/api/v1/bookings/${first.body.id}/cancel`);
    await org.staff.post(`/api/v1/bookings/${first.body.id}/cancel`); // repeated: nothing more
    await eventually(async () => to('jeanne@example.org').length === 3);
    expect(await mr.app.temporal.workflow.getHandle(first.body.workflowId).result()).toBe('cancelled');
    await replayWorkflow(mr.app.temporal, first.body.workflowId);
    expect(to('jeanne@example.org')).toHaveLength(3);
  });

  it('tells exactly the members whose bookings overlap a maintenance, and the subscribed managers', async () => {
    const resource = (await org.staff.post('/api/v1/resources', { name: 'F-GXYZ', structureId: structure.id })).body;
    const t0 = Date.now() + 10 * DAY;
    await org.staff.post('/api/v1/bookings', { memberId: m.pilot!.id, resourceId: resource.id, start: new Date(t0).toISOString(), end: new Date(t0 + 3600_000).toISOString() });
    await org.staff.post('/api/v1/bookings', { memberId: m.pilot2!.id, resourceId: resource.id, start: new Date(t0 + 3 * DAY).toISOString(), end: new Date(t0 + 3 * DAY + 3600_000).toISOString() });
    await eventually(async () => to('jeanne@example.org').length + to('paul@example.org').length === 2);
    smtp.reset();
    const res = await org.staff.post(`/api/v1/resources/${resource.id}/maintenance`, { start: new Date(t0 - DAY).toISOString(), end: new Date(t0 + DAY).toISOString(), reason: 'visite des 50 heures' });
    expect(res.status).toBe(201);
    expect(res.body.notifiedMembers.sort()).toEqual([m.pilot!.id, m.chief!.id].sort());
    await eventually(async () => to('jeanne@example.org').length === 1 && to('chef@example.org').length === 1);
    expect(to('jeanne@example.org')[0]!.parsed.text).toContain('visite des 50 heures');
    expect(to('paul@example.org')).toHaveLength(0);
  });

  it('alerts each validity stage once, copies the managers, and gathers a daily digest', async () => {
    // Midday of the club's calendar day `days` ahead: "now + days" crosses into the next day in
    // Paris when the test runs in the last hour before Paris midnight (it failed in CI at 23:02 Paris).
    const parisToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    const mk = (days: number, kind: string) => org.staff.post('/api/v1/validities', { memberId: m.pilot!.id, kind, expiresAt: new Date(Date.parse(`${parisToday}T12:00:00Z`) + days * DAY).toISOString() });
    await mk(30, 'visite médicale');
    await mk(7, 'licence PPL');
    await mk(90, 'assurance');
    const run = () => mr.app.temporal.workflow.execute('validityScanWorkflow', { taskQueue: mr.config.TEMPORAL_TASK_QUEUE, workflowId: `validity-scan-test-${Date.now()}` });
    expect(await run()).toMatchObject({ alerts: 2, digests: 1 });
    await eventually(async () => to('jeanne@example.org').length === 2 && to('chef@example.org').length === 2 && to('secretariat@example.org').length === 1);
    expect(to('jeanne@example.org').map((x) => x.parsed.subject).sort()).toEqual([expect.stringContaining('licence PPL'), expect.stringContaining('visite médicale')].sort());
    const digest = to('secretariat@example.org')[0]!;
    expect(digest.parsed.text).toContain('visite médicale');
    expect(digest.parsed.text).toContain('licence PPL');
    expect(await run()).toMatchObject({ alerts: 0, digests: 0 });
  });

  it("gives managers who asked for it one daily digest of the structure's bookings", async () => {
    await org.staff.put(`/api/v1/members/${m.secretary!.id}/notification-preferences`, { subscribeBookings: 'digest' });
    const result = await mr.app.temporal.workflow.execute('validityScanWorkflow', { taskQueue: mr.config.TEMPORAL_TASK_QUEUE, workflowId: `daily-test-${Date.now()}` });
    expect(result).toMatchObject({ alerts: 0, bookingDigests: 1 });
    const digest = await eventually(async () => to('secretariat@example.org')[0]);
    expect(digest.parsed.subject).toMatch(/^Réservations du jour \(\d+\)/);
    expect(digest.parsed.text).toContain('Jeanne Test · F-GXYZ');
    expect(digest.parsed.text).toContain('Paul Test · F-GXYZ');
    await org.staff.put(`/api/v1/members/${m.secretary!.id}/notification-preferences`, { subscribeBookings: 'none' });
  });

  it('alerts a low balance once per crossing', async () => {
    const put = (balance: number, threshold?: number) => org.staff.put(`/api/v1/members/${m.pilot2!.id}/balance`, { balance, ...(threshold !== undefined ? { threshold } : {}) });
    expect((await put(120, 50)).body).toMatchObject({ below: false, alerted: false });
    expect((await put(30)).body).toMatchObject({ below: true, alerted: true });
    expect((await put(10)).body).toMatchObject({ below: true, alerted: false });
    expect((await put(80)).body).toMatchObject({ below: false });
    expect((await put(20)).body).toMatchObject({ below: true, alerted: true });
    await eventually(async () => to('paul@example.org').length === 2);
    expect(to('paul@example.org').map((x) => x.parsed.subject).sort()).toEqual(['Solde bas : 20,00 €', 'Solde bas : 30,00 €']);
  });

  it('sends nothing of a kind a member switched off, and lets a member key change only its own preferences', async () => {
    const { key } = await createApiKey(mr.db.prisma, { organizationId: org.organizationId, role: 'staff', name: 'jeanne app', memberId: m.pilot!.id });
    const self = apiClient(mr.url, key);
    expect((await self.put(`/api/v1/members/${m.pilot!.id}/notification-preferences`, { balance: false })).body.balance).toBe(false);
    expect((await self.put(`/api/v1/members/${m.pilot2!.id}/notification-preferences`, { balance: false })).status).toBe(403);
    expect((await self.get('/api/v1/members')).status).toBe(403);
    await org.staff.put(`/api/v1/members/${m.pilot!.id}/balance`, { balance: 1, threshold: 10 });
    await new Promise((r) => setTimeout(r, 800));
    expect(to('jeanne@example.org')).toHaveLength(0);
    expect(await mr.db.prisma.sentEmail.count({ where: { memberId: m.pilot!.id, templateKey: 'balance.low' } })).toBe(0);
  });

  it('answers a password reset the same for unknown addresses; the token works once', async () => {
    const known = await org.staff.post('/api/v1/password-resets', { email: 'JEANNE@example.org' });
    const unknown = await org.staff.post('/api/v1/password-resets', { email: 'personne@example.org' });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    const mail = await eventually(async () => to('jeanne@example.org')[0]);
    const token = /https:\/\/club\.example\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text!)![1]!;
    expect((await org.staff.post('/api/v1/password-resets/consume', { token })).body).toEqual({ memberId: m.pilot!.id });
    expect((await org.staff.post('/api/v1/password-resets/consume', { token })).status).toBe(400);
    expect((await other.staff.post('/api/v1/password-resets/consume', { token })).status).toBe(400);
    // Per address: the fourth request within the hour sends nothing more.
    for (let i = 0; i < 3; i++) await org.staff.post('/api/v1/password-resets', { email: 'jeanne@example.org' });
    await new Promise((r) => setTimeout(r, 800));
    expect(to('jeanne@example.org')).toHaveLength(3);
  });

  it('keeps every notification route to its own organisation', async () => {
    const booking = await mr.db.prisma.booking.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    const resource = await mr.db.prisma.resource.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    for (const [method, path, body] of [
      ['GET', `/api/v1/bookings/${booking.id}`],
      ['PATCH', `/api/v1/bookings/${booking.id}`, { start: new Date().toISOString() }],
      ['POST', `/api/v1/bookings/${booking.id}/cancel`],
      ['POST', `/api/v1/resources/${resource.id}/maintenance`, { start: new Date().toISOString(), end: new Date(Date.now() + DAY).toISOString(), reason: 'x' }],
      ['PUT', `/api/v1/members/${m.pilot!.id}/balance`, { balance: 1 }],
      ['GET', `/api/v1/members/${m.pilot!.id}/notification-preferences`],
      ['PUT', `/api/v1/members/${m.pilot!.id}/notification-preferences`, { bookings: false }],
    ] as [string, string, unknown?][]) {
      expect({ path, status: (await other.staff.raw(method, path, body)).status }).toEqual({ path, status: 404 });
    }
    expect((await other.staff.post('/api/v1/bookings', { memberId: m.pilot!.id, resourceId: resource.id, start: new Date().toISOString(), end: new Date(Date.now() + 3600_000).toISOString() })).status).toBe(422);
    expect((await other.staff.post('/api/v1/validities', { memberId: m.pilot!.id, kind: 'x', expiresAt: new Date().toISOString() })).status).toBe(422);
  });
});
