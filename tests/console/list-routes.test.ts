import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

const TINY_PDF = Buffer.from('%PDF-1.4\n%tiny\n%%EOF\n').toString('base64');

/** The list routes the console's sent-mail, invoice and notification screens read. */
describeIfServer('Temporal dev server', temporalAvailable())('console list routes', () => {
  jest.setTimeout(60_000);
  let mr: TestMailroom;
  let a: TestOrg;
  let b: TestOrg;
  let seq = 0;

  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false } });
    a = await mr.newOrganization('Aéroclub A');
    b = await mr.newOrganization('Résidence B');
  });
  afterAll(() => mr?.stop());

  const sent = (org: TestOrg, status: 'queued' | 'sent' | 'failed' | 'bounced', queuedAt: string) => {
    seq += 1;
    return mr.db.prisma.sentEmail.create({ data: { organizationId: org.organizationId, idempotencyKey: `k${seq}`, fromAddress: 'club@example.org', to: [`m${seq}@example.org`], subject: `s${seq}`, messageId: `<k${seq}@example.org>`, status, queuedAt: new Date(queuedAt) } });
  };

  it('says how many entries a purge will remove, and the purge then removes exactly those (admin only)', async () => {
    await sent(a, 'sent', '2026-01-10T10:00:00Z');
    await sent(a, 'failed', '2026-01-11T10:00:00Z');
    await sent(a, 'queued', '2026-01-12T10:00:00Z'); // still on its way: never purged
    await sent(a, 'sent', '2026-03-10T10:00:00Z'); // after the cut-off
    await sent(b, 'sent', '2026-01-10T10:00:00Z'); // another organisation's
    const before = '2026-02-01T00:00:00Z';
    expect((await a.admin.get(`/api/v1/sent-emails/purge-count?before=${before}`)).body).toEqual({ count: 2 });
    expect((await a.admin.get(`/api/v1/sent-emails/purge-count?before=${before}&status=failed`)).body).toEqual({ count: 1 });
    const staff = await a.staff.get(`/api/v1/sent-emails/purge-count?before=${before}`);
    expect(staff.status).toBe(403);
    // The document's enum holds only finished statuses: a message on its way cannot even be asked for.
    const bad = await a.admin.get(`/api/v1/sent-emails/purge-count?before=${before}&status=queued`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'query.status', code: 'NOT_ONE_OF', params: { values: 'sent, failed, bounced, cancelled' } });
    const doc = (await a.admin.get('/api/openapi.json')).body;
    const statusParam = doc.paths['/api/v1/sent-emails'].delete.parameters.find((p: { name: string }) => p.name === 'status');
    expect(statusParam.schema.enum).toEqual(['sent', 'failed', 'bounced', 'cancelled']);
    expect((await a.admin.delete(`/api/v1/sent-emails?before=${before}&status=sending`)).status).toBe(400);
    expect((await a.admin.get('/api/v1/sent-emails/purge-count')).status).toBe(400);
    expect((await a.admin.delete(`/api/v1/sent-emails?before=${before}`)).body).toEqual({ deleted: 2 });
    expect((await a.admin.get(`/api/v1/sent-emails/purge-count?before=${before}`)).body).toEqual({ count: 0 });
    expect((await b.admin.get(`/api/v1/sent-emails/purge-count?before=${before}`)).body).toEqual({ count: 1 });
  });

  it('counts messages per day in the organisation’s time zone for the chart', async () => {
    await sent(a, 'sent', '2026-05-01T21:30:00Z'); // 23:30 in Paris: 1 May
    await sent(a, 'bounced', '2026-05-01T22:30:00Z'); // 00:30 in Paris: 2 May
    await sent(a, 'sent', '2026-05-02T09:00:00Z');
    await sent(b, 'sent', '2026-05-02T09:00:00Z');
    const res = await a.staff.get('/api/v1/sent-emails/stats/timeline?from=2026-04-30T00:00:00Z&to=2026-05-05T00:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('Europe/Paris');
    expect(res.body.days).toEqual([
      { day: '2026-05-01', total: 1, byStatus: { sent: 1 } },
      { day: '2026-05-02', total: 2, byStatus: { bounced: 1, sent: 1 } },
    ]);
  });

  it('lists invoice batches newest first with their counts, and previews the message a resident will get', async () => {
    const structure = (await a.admin.post('/api/v1/structures', { name: 'EHPAD Les Tilleuls', senderEmail: 'facturation@tilleuls.example', invoiceSecondAddressCc: true })).body;
    const m = (await a.staff.post('/api/v1/members', { firstName: 'Josiane', lastName: 'Mailly', structureId: structure.id, emails: [{ address: 'josiane@example.org' }, { address: 'fille@example.org' }] })).body;
    const inv = (await a.staff.post('/api/v1/invoices', { number: 'F-1', period: '2024-09', memberId: m.id, structureId: structure.id, amountExclTax: 100, amountInclTax: 110, pdfBase64: TINY_PDF })).body.items[0];
    const older = await mr.db.prisma.invoiceBatch.create({ data: { organizationId: a.organizationId, structureId: structure.id, period: '2024-08', status: 'completed', total: 1, createdAt: new Date('2024-09-01T08:00:00Z') } });
    const newer = await mr.db.prisma.invoiceBatch.create({ data: { organizationId: a.organizationId, structureId: structure.id, period: '2024-09', status: 'running', total: 2, createdAt: new Date('2024-10-01T08:00:00Z') } });
    await mr.db.prisma.invoiceBatchItem.createMany({ data: [
      { batchId: newer.id, invoiceId: inv.id, position: 0, address: 'josiane@example.org', status: 'sent' },
      { batchId: newer.id, invoiceId: inv.id, position: 1, address: 'fille@example.org', status: 'failed', error: '550 no such user' },
      { batchId: older.id, invoiceId: inv.id, position: 0, address: 'josiane@example.org', status: 'sent' },
    ] });
    const list = await a.staff.get('/api/v1/invoice-batches?pageSize=1');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(list.body.items[0]).toMatchObject({ id: newer.id, structureName: 'EHPAD Les Tilleuls', period: '2024-09', status: 'running', total: 2, counts: { sent: 1, failed: 1, pending: 0, cancelled: 0 } });
    expect((await a.staff.get('/api/v1/invoice-batches?page=2&pageSize=1')).body.items[0].id).toBe(older.id);
    expect((await a.staff.get('/api/v1/invoice-batches?period=2024-08')).body.items.map((x: { id: string }) => x.id)).toEqual([older.id]);
    expect((await b.staff.get('/api/v1/invoice-batches')).body.total).toBe(0);

    const preview = await a.staff.get(`/api/v1/invoice-batches/preview?invoiceId=${inv.id}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ name: 'MAILLY Josiane', number: 'F-1', from: 'facturation@tilleuls.example', messages: [{ to: 'josiane@example.org', cc: 'fille@example.org' }] });
    expect(preview.body.text).toContain('MAILLY Josiane');
    expect(preview.body.text).toContain('septembre 2024');
    expect((await b.staff.get(`/api/v1/invoice-batches/preview?invoiceId=${inv.id}`)).status).toBe(404);
    // The batch detail route still answers for an id (the literal paths did not shadow it).
    expect((await a.staff.get(`/api/v1/invoice-batches/${older.id}`)).body.period).toBe('2024-08');
  });

  it('lists resources, bookings with the waiting list in order, maintenance, validities, managers and the balance — one organisation only', async () => {
    const member = (await a.staff.post('/api/v1/members', { firstName: 'Paul', lastName: 'Pilote' })).body;
    const boss = (await a.staff.post('/api/v1/members', { firstName: 'Marie', lastName: 'Chef' })).body;
    const res = await mr.db.prisma.resource.create({ data: { organizationId: a.organizationId, name: 'F-GABC' } });
    await mr.db.prisma.resource.create({ data: { organizationId: b.organizationId, name: 'F-BBBB' } });
    const slot = { startAt: new Date('2030-06-01T08:00:00Z'), endAt: new Date('2030-06-01T10:00:00Z') };
    const base = { organizationId: a.organizationId, memberId: member.id, resourceId: res.id, ...slot };
    const confirmed = await mr.db.prisma.booking.create({ data: { ...base, status: 'confirmed' } });
    const w1 = await mr.db.prisma.booking.create({ data: { ...base, memberId: boss.id, status: 'waitlisted', createdAt: new Date('2030-01-01T00:00:00Z') } });
    const w2 = await mr.db.prisma.booking.create({ data: { ...base, status: 'waitlisted', createdAt: new Date('2030-01-02T00:00:00Z') } });
    await mr.db.prisma.maintenancePeriod.create({ data: { organizationId: a.organizationId, resourceId: res.id, startAt: new Date('2030-07-01T00:00:00Z'), endAt: new Date('2030-07-03T00:00:00Z'), reason: 'Visite 50 h' } });
    expect((await a.staff.post('/api/v1/validities', { memberId: member.id, kind: 'Visite médicale', expiresAt: '2030-09-01T00:00:00Z' })).status).toBe(201);
    expect((await a.staff.put(`/api/v1/members/${boss.id}/notification-preferences`, { subscribeBookings: 'digest', subscribeMaintenance: true })).status).toBe(200);
    await mr.db.prisma.member.update({ where: { id: member.id }, data: { balanceCents: 1250, lowBalanceThresholdCents: 2000 } });

    const resources = (await a.staff.get('/api/v1/resources')).body;
    expect(resources.items.map((r: { name: string }) => r.name)).toEqual(['F-GABC']);
    const all = (await a.staff.get(`/api/v1/bookings?resourceId=${res.id}&from=2030-05-01T00:00:00Z`)).body;
    expect(all.total).toBe(3);
    const waiting = (await a.staff.get('/api/v1/bookings?status=waitlisted')).body;
    expect(waiting.items.map((x: { id: string }) => x.id)).toEqual([w1.id, w2.id]);
    expect(waiting.items[0]).toMatchObject({ member: { id: boss.id, name: 'CHEF Marie' }, resource: { id: res.id, name: 'F-GABC' }, status: 'waitlisted' });
    expect((await a.staff.get('/api/v1/bookings?status=confirmed')).body.items.map((x: { id: string }) => x.id)).toEqual([confirmed.id]);
    expect((await a.staff.get('/api/v1/maintenance-periods')).body.items[0]).toMatchObject({ resource: { name: 'F-GABC' }, reason: 'Visite 50 h' });
    expect((await a.staff.get(`/api/v1/validities?memberId=${member.id}`)).body.items[0]).toMatchObject({ kind: 'Visite médicale', member: { name: 'PILOTE Paul' }, alertsSent: [] });
    expect((await a.staff.get('/api/v1/notification-managers')).body.items).toEqual([
      { member: { id: boss.id, name: 'CHEF Marie' }, structureName: null, subscribeBookings: 'digest', subscribeMaintenance: true, subscribeValidities: 'none' },
    ]);
    expect((await a.staff.get(`/api/v1/members/${member.id}/balance`)).body).toEqual({ balance: 12.5, threshold: 20, below: true, alertedAt: null });

    for (const path of ['/api/v1/bookings', '/api/v1/maintenance-periods', '/api/v1/validities', '/api/v1/notification-managers']) {
      expect({ path, total: (await b.staff.get(path)).body.total }).toEqual({ path, total: 0 });
    }
    expect((await b.staff.get('/api/v1/resources')).body.items.map((r: { name: string }) => r.name)).toEqual(['F-BBBB']);
    expect((await b.staff.get(`/api/v1/members/${member.id}/balance`)).status).toBe(404);
    expect((await a.staff.get('/api/v1/bookings?status=lost')).status).toBe(400);
  });
});
