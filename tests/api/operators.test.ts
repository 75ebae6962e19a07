import crypto from 'node:crypto';
import { ensureDeliverySyncSchedule } from '../../src/delivery/schedule';
import { ensureMailboxWorkflow } from '../../src/reception/mailbox-workflow';
import { batchProgressQuery } from '../../src/shared/invoice-batch';
import { statusQuery } from '../../src/shared/mailbox-poll';
import { scheduleIds, workflowIds } from '../../src/shared/names';
import { browser, TEST_SCRYPT_N } from '../auth/browser';
import { apiClient, eventually, type ApiClient } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

const OPERATOR_TOKEN = `mrop_${crypto.randomBytes(32).toString('base64url')}`;

interface OpenApi {
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
}

/** Every route of the OpenAPI document with the scheme it needs, path parameters filled in. */
function routes(doc: OpenApi, scheme: 'operatorAuth' | 'bearerAuth'): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (op.security?.some((s) => scheme in s)) out.push({ method: method.toUpperCase(), path: p.replace(/\{[^}]+\}/g, '00000000-0000-7000-8000-000000000000') });
    }
  }
  return out;
}

describeIfServer('Temporal dev server', temporalAvailable())("platform operators' API", () => {
  let mr: TestMailroom;
  let a: TestOrg;
  let operator: ApiClient;
  let doc: OpenApi;

  beforeAll(async () => {
    mr = await startTestMailroom({ env: { MAILROOM_OPERATOR_TOKEN: OPERATOR_TOKEN, PASSWORD_SCRYPT_N: TEST_SCRYPT_N } });
    a = await mr.newOrganization('Aéroclub A');
    operator = apiClient(mr.url, OPERATOR_TOKEN);
    doc = (await apiClient(mr.url).get('/api/openapi.json')).body;
  });
  afterAll(() => mr?.stop());

  it("onboards an organisation with a working admin key, lists, renames it, and manages its keys", async () => {
    const created = await operator.post('/api/v1/organizations', { name: 'Club de parachutisme', timeZone: 'America/Martinique' });
    expect(created.status).toBe(201);
    const org = created.body.organization;
    expect(org).toMatchObject({ name: 'Club de parachutisme', timeZone: 'America/Martinique', suspended: false });
    const admin = apiClient(mr.url, created.body.adminApiKey.key);
    expect((await admin.post('/api/v1/structures', { name: 'Section A' })).status).toBe(201);

    const listed = await operator.get('/api/v1/organizations?q=parachut');
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([org.id]);
    expect((await operator.patch(`/api/v1/organizations/${org.id}`, { name: 'Parachutisme du Nord' })).body.name).toBe('Parachutisme du Nord');
    expect((await operator.get(`/api/v1/organizations/${org.id}`)).body.name).toBe('Parachutisme du Nord');

    const key = await operator.post(`/api/v1/organizations/${org.id}/api-keys`, { name: 'accueil', role: 'staff' });
    expect(key.status).toBe(201);
    const staff = apiClient(mr.url, key.body.key);
    expect((await staff.get('/api/v1/members')).status).toBe(200);
    const keys = await operator.get(`/api/v1/organizations/${org.id}/api-keys`);
    expect(keys.body.items.map((k: { name: string }) => k.name)).toEqual(['initial admin key', 'accueil']);
    expect(keys.text).not.toContain(key.body.key);
    expect((await operator.delete(`/api/v1/organizations/${org.id}/api-keys/${key.body.id}`)).status).toBe(204);
    expect((await staff.get('/api/v1/members')).status).toBe(401);
    // Another organisation's key id is not this organisation's.
    const other = (await mr.db.prisma.apiKey.findFirstOrThrow({ where: { organizationId: a.organizationId } })).id;
    expect((await operator.delete(`/api/v1/organizations/${org.id}/api-keys/${other}`)).status).toBe(404);
  });

  it('answers bad input and unknown organisations with problem+json 4xx', async () => {
    const bad = await operator.post('/api/v1/organizations', { name: '', timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.name', 'body.timeZone']);
    const malformed = await operator.get('/api/v1/organizations/nope');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'path.id' })]);
    const unknown = '0190f5a2-7c3e-7d41-9b0a-3c5e8f1d2a4b';
    expect((await operator.get(`/api/v1/organizations/${unknown}`)).status).toBe(404);
    expect((await operator.patch(`/api/v1/organizations/${unknown}`, { suspended: true })).status).toBe(404);
  });

  it("refuses an organisation's admin key (403), no credential (401) and a wrong operator token on every operators' route", async () => {
    const operatorRoutes = routes(doc, 'operatorAuth');
    expect(operatorRoutes.length).toBeGreaterThanOrEqual(7);
    for (const { method, path } of operatorRoutes) {
      const asAdmin = await a.admin.raw(method, path, method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' });
      expect([path, asAdmin.status]).toEqual([path, 403]);
      expect(asAdmin.body.code).toBe('FORBIDDEN');
      expect([path, (await apiClient(mr.url).raw(method, path)).status]).toEqual([path, 401]);
      expect([path, (await apiClient(mr.url, `mrop_${'x'.repeat(43)}`).raw(method, path)).status]).toEqual([path, 403]);
    }
    expect(await mr.db.prisma.organization.count({ where: { name: 'x' } })).toBe(0);
  });

  it("keeps the operator's token out of every organisation route (403, nothing read or written)", async () => {
    const tenantRoutes = routes(doc, 'bearerAuth');
    expect(tenantRoutes.length).toBeGreaterThan(40);
    for (const { method, path } of tenantRoutes) {
      const res = await operator.raw(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(res.body.detail).toMatch(/operator's credential only opens the operators' routes/);
    }
  });

  it("gives the new organisation's first admin a console link; their session cannot reach the operators' routes (401)", async () => {
    const created = (await operator.post('/api/v1/organizations', { name: 'Aéroclub du Val' })).body;
    const token = /\/invite\/([^/?#]+)$/.exec(created.adminInvitationUrl)![1]!;
    const admin = browser(mr.url);
    const accepted = await admin.post(`/api/v1/auth/invitations/${token}/accept`, { password: 'correct horse battery', email: 'presidente@val.example', name: 'Présidente' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ role: 'admin' });
    expect(accepted.body.organization.id).toBe(created.organization.id);
    expect((await admin.get('/api/v1/members')).status).toBe(200);
    for (const { method, path } of routes(doc, 'operatorAuth')) {
      const res = method === 'GET' ? await admin.get(path) : method === 'DELETE' ? await admin.delete(path) : method === 'PATCH' ? await admin.patch(path, { name: 'x' }) : await admin.post(path, { name: 'x' });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('suspending refuses the organisation\'s keys and sessions until it is unsuspended', async () => {
    const created = (await operator.post('/api/v1/organizations', { name: 'Club suspendu' })).body;
    const key = apiClient(mr.url, created.adminApiKey.key);
    const token = /\/invite\/([^/?#]+)$/.exec(created.adminInvitationUrl)![1]!;
    const staff = browser(mr.url);
    expect((await staff.post(`/api/v1/auth/invitations/${token}/accept`, { password: 'correct horse battery', email: 'tresorier@suspendu.example' })).status).toBe(200);
    expect((await operator.patch(`/api/v1/organizations/${created.organization.id}`, { suspended: true })).status).toBe(200);
    for (const res of [await key.get('/api/v1/members'), await staff.get('/api/v1/members')]) {
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/suspended/);
    }
    expect((await a.admin.get('/api/v1/members')).status).toBe(200);
    expect((await operator.patch(`/api/v1/organizations/${created.organization.id}`, { suspended: false })).status).toBe(200);
    expect((await key.get('/api/v1/members')).status).toBe(200);
    expect((await staff.get('/api/v1/members')).status).toBe(200);
  });

  it('suspending pauses the delivery-sync schedule and mailbox polling; unsuspending resumes what staff had not paused', async () => {
    const org = (await operator.post('/api/v1/organizations', { name: 'Résidence suspendue' })).body.organization;
    await ensureDeliverySyncSchedule(mr.app.temporal, mr.config, org.id, 60);
    const box = await mr.db.prisma.mailboxAccount.create({ data: { organizationId: org.id, host: '127.0.0.1', port: 1, username: 'u', pollIntervalSeconds: 3600 } });
    await ensureMailboxWorkflow(mr.app.temporal, mr.config, box);
    const schedule = mr.app.temporal.schedule.getHandle(scheduleIds.deliverySync(org.id));
    const poll = mr.app.temporal.workflow.getHandle(workflowIds.mailboxPoll(box.id));
    try {
      const suspended = await operator.patch(`/api/v1/organizations/${org.id}`, { suspended: true });
      expect(suspended.body).toMatchObject({ suspended: true, suspendedAt: expect.any(String) });
      expect((await schedule.describe()).state.paused).toBe(true);
      await eventually(async () => (await poll.query(statusQuery)).paused);

      const resumed = await operator.patch(`/api/v1/organizations/${org.id}`, { suspended: false });
      expect(resumed.body).toMatchObject({ suspended: false, suspendedAt: null });
      expect((await schedule.describe()).state.paused).toBe(false);
      await eventually(async () => !(await poll.query(statusQuery)).paused);
    } finally {
      await poll.terminate().catch(() => undefined);
      await schedule.delete().catch(() => undefined);
    }
  });
  it("suspending pauses the organisation's running invoice batches; unsuspending resumes them, not the one staff paused", async () => {
    const created = (await operator.post('/api/v1/organizations', { name: 'EHPAD suspendu' })).body;
    const org = created.organization;
    const admin = apiClient(mr.url, created.adminApiKey.key);
    expect((await admin.patch('/api/v1/settings/organization', { sendRatePerMinute: 60 })).status).toBe(200);
    const structure = (await admin.post('/api/v1/structures', { name: 'Les Tilleuls', senderName: 'Les Tilleuls', senderEmail: 'facturation@tilleuls.example' })).body;
    const pdfBase64 = Buffer.from('%PDF-1.4\n%test\n%%EOF\n').toString('base64');
    for (let i = 0; i < 6; i++) {
      const m = (await admin.post('/api/v1/members', { firstName: `R${i}`, lastName: 'Suspendu', structureId: structure.id, emails: [{ address: `r${i}@tilleuls.example` }] })).body;
      for (const period of ['2025-03', '2025-04']) {
        const inv = await admin.post('/api/v1/invoices', { number: `F-${period}-${i}`, period, memberId: m.id, structureId: structure.id, amountExclTax: 100, amountInclTax: 110, pdfBase64 });
        expect(inv.status).toBe(201);
      }
    }
    const running = (await admin.post('/api/v1/invoice-batches', { period: '2025-03', structureId: structure.id })).body;
    const staffPaused = (await admin.post('/api/v1/invoice-batches', { period: '2025-04', structureId: structure.id })).body;
    expect((await admin.post(`/api/v1/invoice-batches/${staffPaused.id}/pause`)).status).toBe(202);
    await eventually(async () => (await admin.get(`/api/v1/invoice-batches/${staffPaused.id}`)).body.progress.state === 'paused');
    const progress = (id: string) => mr.app.temporal.workflow.getHandle(workflowIds.invoiceBatch(id)).query(batchProgressQuery);

    expect((await operator.patch(`/api/v1/organizations/${org.id}`, { suspended: true })).status).toBe(200);
    await eventually(async () => (await progress(running.id)).state === 'paused');
    const sentAtPause = (await progress(running.id)).sent;
    expect(sentAtPause).toBeLessThan(6);
    await new Promise((r) => setTimeout(r, 2500));
    // In-flight sends finish; nothing new starts while the organisation is suspended.
    expect((await progress(running.id)).sent).toBeLessThanOrEqual(sentAtPause + 1);

    expect((await operator.patch(`/api/v1/organizations/${org.id}`, { suspended: false })).status).toBe(200);
    await eventually(async () => (await admin.get(`/api/v1/invoice-batches/${running.id}`)).body.status === 'completed', 30_000);
    expect((await admin.get(`/api/v1/invoice-batches/${staffPaused.id}`)).body.progress.state).toBe('paused');
    await admin.post(`/api/v1/invoice-batches/${staffPaused.id}/cancel`);
  });
});
