import { eventually } from '../helpers/http';
import { spawnWorkerProcess, startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { replayWorkflow } from '../helpers/replay';
import { describeIfServer } from '../helpers/require-server';
import { startInvoiceBatch } from '../../src/invoices/start-batch';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

const TINY_PDF = Buffer.from('%PDF-1.4\n%tiny test invoice\n%%EOF\n');

describeIfServer('Temporal dev server', temporalAvailable())('invoice batches', () => {
  jest.setTimeout(120_000);
  let smtp: RecordingSmtpServer;
  let mr: TestMailroom;
  let org: TestOrg;
  let other: TestOrg;
  let structure: { id: string };
  let seq = 0;

  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, INVOICE_BATCH_RATE_PER_MINUTE: '6000', INVOICE_BATCH_THROTTLE_BACKOFF_SECONDS: '0.3', INVOICE_BATCH_CHUNK_SIZE: '50', INVOICE_BATCH_CONCURRENCY: '4' } });
    org = await mr.newOrganization('Association Les Tilleuls');
    other = await mr.newOrganization('Other');
    structure = (await org.admin.post('/api/v1/structures', { name: 'EHPAD Les Tilleuls', senderName: 'EHPAD Les Tilleuls', senderEmail: 'facturation@tilleuls.example' })).body;
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });
  beforeEach(() => smtp.reset());

  const resident = async (first: string, last: string, emails: string[]) => (await org.staff.post('/api/v1/members', { firstName: first, lastName: last, structureId: structure.id, emails: emails.map((address) => ({ address })) })).body;
  const invoice = async (memberId: string, period: string, opts: { generate?: boolean } = {}) => {
    seq += 1;
    const res = await org.staff.post('/api/v1/invoices', {
      number: `F${period}-${String(seq).padStart(4, '0')}`, period, memberId, structureId: structure.id, amountExclTax: 2100, amountInclTax: 2215.5, currency: 'EUR',
      lines: [{ label: 'Hébergement', quantity: 30, unitPrice: 70 }],
      ...(opts.generate ? {} : { pdfBase64: TINY_PDF.toString('base64') }),
    });
    expect(res.status).toBe(201);
    return res.body.items[0];
  };
  const waitBatch = (id: string, status = 'completed') =>
    eventually(async () => {
      const r = await org.staff.get(`/api/v1/invoice-batches/${id}?pageSize=100`);
      return r.body.status === status ? r.body : undefined;
    }, 60_000);

  it('renders the structure’s template with &personne and &periode, and refuses unknown placeholders', async () => {
    const m = await resident('Josiane', 'Mailly', ['josiane@example.org']);
    const inv = await invoice(m.id, '2024-09', { generate: true });
    const bad = await org.admin.put('/api/v1/templates/invoice', { structureId: structure.id, subject: 'Facture &mois', text: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].reason).toBe('unknown placeholder &mois; valid placeholders: &personne, &periode, &numero, &montant, &structure');
    const put = await org.admin.put('/api/v1/templates/invoice', { structureId: structure.id, subject: 'Facture &numero', text: 'Vous trouverez ci-joint la facture de &personne pour la période de &periode' });
    expect(put.status).toBe(200);
    const preview = await org.staff.post('/api/v1/templates/invoice/preview', { invoiceId: inv.id });
    expect(preview.body.text).toBe('Vous trouverez ci-joint la facture de MAILLY Josiane pour la période de septembre 2024');
    expect(preview.body.subject).toBe(`Facture ${inv.number}`);
    // The generated PDF is a real PDF on the resident's documents.
    const pdf = await org.staff.get(inv.pdfUrl);
    expect(pdf.text.startsWith('%PDF')).toBe(true);
    expect((await org.staff.get('/api/v1/templates')).body.find((t: { key: string }) => t.key === 'invoice').placeholders).toHaveProperty('personne');
  });

  it('lists candidates with one or two addresses, and separately those who will not receive it', async () => {
    const two = await resident('Paul', 'Durand', ['paul@example.org', 'fille.durand@example.org', 'third@example.org']);
    const one = await resident('Anne', 'Petit', ['anne@example.org']);
    const none = await resident('Marc', 'Sansmail', []);
    const bounced = await resident('Léa', 'Rebond', ['lea@example.org']);
    await mr.db.prisma.memberEmail.updateMany({ where: { memberId: bounced.id }, data: { invalidAt: new Date(), invalidReason: '550 5.1.1 user unknown' } });
    for (const mm of [two, one, none, bounced]) await invoice(mm.id, '2024-10');
    const c = (await org.staff.get(`/api/v1/invoice-batches/candidates?period=2024-10&structureId=${structure.id}&preview=true`)).body;
    expect(c).toMatchObject({ page: 1, pageSize: 10, total: 2, withAddressTotal: 2, withoutAddressTotal: 2 });
    expect(c.items.map((x: { name: string; addresses: string[] }) => [x.name, x.addresses])).toEqual([
      ['DURAND Paul', ['paul@example.org', 'fille.durand@example.org']],
      ['PETIT Anne', ['anne@example.org']],
    ]);
    const without = (await org.staff.get(`/api/v1/invoice-batches/candidates?period=2024-10&structureId=${structure.id}&addresses=without`)).body;
    expect(without.items.map((x: { name: string }) => x.name)).toEqual(['REBOND Léa', 'SANSMAIL Marc']);
    expect(without.total).toBe(2);
    expect(without.items.find((x: { name: string }) => x.name === 'REBOND Léa').invalidAddresses[0].reason).toContain('user unknown');
    expect(c.items[0]).toMatchObject({ amountExclTax: 2100, lastActivity: { kind: 'edited' } });
    expect(c.items[0].preview.text).toContain('DURAND Paul pour la période de octobre 2024');
    // A page at a time, in the same order.
    const p2 = (await org.staff.get(`/api/v1/invoice-batches/candidates?period=2024-10&structureId=${structure.id}&pageSize=1&page=2`)).body;
    expect(p2).toMatchObject({ page: 2, pageSize: 1, total: 2 });
    expect(p2.items.map((x: { name: string }) => x.name)).toEqual(['PETIT Anne']);
  });

  it('sends one message per invoice per address, each with its PDF, and records when each invoice was sent', async () => {
    const res = await org.staff.post('/api/v1/invoice-batches', { period: '2024-10', structureId: structure.id });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(3);
    expect(res.body.skipped).toHaveLength(2);
    const done = await waitBatch(res.body.id);
    expect(done.progress).toMatchObject({ total: 3, sent: 3, failed: 0, pending: 0 });
    const msgs = await smtp.waitForMessages(3);
    expect(msgs.map((m) => m.envelope.rcptTo[0]).sort()).toEqual(['anne@example.org', 'fille.durand@example.org', 'paul@example.org']);
    for (const m of msgs) {
      expect(m.parsed.attachments).toHaveLength(1);
      expect(m.parsed.attachments[0]!.content.equals(TINY_PDF)).toBe(true);
      expect(m.parsed.from?.value[0]).toEqual({ name: 'EHPAD Les Tilleuls', address: 'facturation@tilleuls.example' });
    }
    const paulMsgs = msgs.filter((m) => m.parsed.text?.includes('DURAND Paul'));
    expect(paulMsgs).toHaveLength(2);
    expect(new Set(msgs.map((m) => m.parsed.messageId)).size).toBe(3);
    const c = (await org.staff.get(`/api/v1/invoice-batches/candidates?period=2024-10&structureId=${structure.id}`)).body;
    expect(c.items.every((x: { lastActivity: { kind: string } }) => x.lastActivity.kind === 'sent')).toBe(true);
    await replayWorkflow(mr.app.temporal, res.body.workflowId);
    await replayWorkflow(mr.app.temporal, `${res.body.workflowId}:chunk-0`);
  });

  it('retries a throttled message later, records a refused one as failed without stopping, and resends the failed ones', async () => {
    const a = await resident('Tom', 'Greylist', ['tom@example.org']);
    const b = await resident('Zoé', 'Inconnue', ['nobody@example.org']);
    const c = await resident('Luc', 'Normal', ['luc@example.org']);
    for (const mm of [a, b, c]) await invoice(mm.id, '2024-11');
    smtp.failNext({ count: 2, stage: 'data', code: 451, message: '4.7.1 Throttled, try later' });
    smtp.failNext({ count: 1, stage: 'rcpt', code: 550, message: '5.1.1 <nobody@example.org>: user unknown', recipients: ['nobody@example.org'] });
    const res = await org.staff.post('/api/v1/invoice-batches', { period: '2024-11', structureId: structure.id });
    const done = await waitBatch(res.body.id);
    expect(done.progress).toMatchObject({ sent: 2, failed: 1 });
    const failed = done.items.items.find((i: { status: string }) => i.status === 'failed');
    expect(failed).toMatchObject({ address: 'nobody@example.org' });
    expect(failed.error).toContain('user unknown');
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes('tom@example.org'))).toHaveLength(1);

    const again = await org.staff.post(`/api/v1/invoice-batches/${res.body.id}/resend-failed`);
    expect(again.body.total).toBe(1);
    const second = await waitBatch(again.body.id);
    expect(second.progress).toMatchObject({ sent: 1, failed: 0 });
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes('nobody@example.org'))).toHaveLength(1);
  });

  it('respects the organisation’s rate limit (measured spacing at the server)', async () => {
    await org.admin.patch('/api/v1/settings/organization', { sendRatePerMinute: 120 });
    const ms = [];
    for (let i = 0; i < 5; i++) ms.push(await resident(`R${i}`, 'Rythme', [`rythme${i}@example.org`]));
    for (const mm of ms) await invoice(mm.id, '2024-12');
    const res = await org.staff.post('/api/v1/invoice-batches', { period: '2024-12', structureId: structure.id });
    await waitBatch(res.body.id);
    const times = smtp.messages.map((m) => m.receivedAt.getTime()).sort((x, y) => x - y);
    expect(times).toHaveLength(5);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 120 a minute = one every 500 ms.
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(450);
    await org.admin.patch('/api/v1/settings/organization', { sendRatePerMinute: null });
  });

  it('pauses, resumes, and cancels mid-batch: in-flight sends finish, the rest is cancelled', async () => {
    await org.admin.patch('/api/v1/settings/organization', { sendRatePerMinute: 60 });
    const ms = [];
    for (let i = 0; i < 8; i++) ms.push(await resident(`C${i}`, 'Annule', [`annule${i}@example.org`]));
    for (const mm of ms) await invoice(mm.id, '2025-01');
    const res = await org.staff.post('/api/v1/invoice-batches', { period: '2025-01', structureId: structure.id });
    await smtp.waitForMessages(1, 20_000);
    expect((await org.staff.post(`/api/v1/invoice-batches/${res.body.id}/pause`)).status).toBe(202);
    await eventually(async () => (await org.staff.get(`/api/v1/invoice-batches/${res.body.id}`)).body.progress.state === 'paused');
    const atPause = smtp.messages.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages.length).toBeLessThanOrEqual(atPause + 1);
    await org.staff.post(`/api/v1/invoice-batches/${res.body.id}/resume`);
    await smtp.waitForMessages(atPause + 1, 20_000);
    await org.staff.post(`/api/v1/invoice-batches/${res.body.id}/cancel`);
    const done = await waitBatch(res.body.id, 'cancelled');
    expect(done.progress.sent + done.progress.cancelled).toBe(8);
    expect(done.progress.cancelled).toBeGreaterThan(0);
    expect(smtp.messages.length).toBe(done.progress.sent);
    expect((await org.staff.post(`/api/v1/invoice-batches/${res.body.id}/cancel`)).status).toBe(409);
    await org.admin.patch('/api/v1/settings/organization', { sendRatePerMinute: null });
  });

  it('fans a large batch out to child workflows so no history grows with the batch', async () => {
    const period = '2025-02';
    const members = await Promise.all(Array.from({ length: 300 }, (_, i) => mr.db.prisma.member.create({ data: { organizationId: org.organizationId, structureId: structure.id, firstName: `P${i}`, lastName: 'Volume', emails: { create: [{ organizationId: org.organizationId, address: `volume${i}@example.org`, normalized: `volume${i}@example.org` }] } } })));
    const res1 = await org.staff.post('/api/v1/invoices', { invoices: members.map((mm, i) => ({ number: `V-${i}`, period, memberId: mm.id, structureId: structure.id, amountExclTax: 10, amountInclTax: 12, pdfBase64: TINY_PDF.toString('base64') })) });
    expect(res1.body.items).toHaveLength(300);
    const res = await org.staff.post('/api/v1/invoice-batches', { period, structureId: structure.id });
    const done = await waitBatch(res.body.id);
    expect(done.progress).toMatchObject({ total: 300, sent: 300 });
    expect(new Set(smtp.messages.map((m) => m.envelope.rcptTo[0])).size).toBe(300);
    const lengths: number[] = [];
    for (const id of [res.body.workflowId, ...[0, 50, 100, 150, 200, 250].map((p) => `${res.body.workflowId}:chunk-${p}`)]) {
      lengths.push((await mr.app.temporal.workflow.getHandle(id).fetchHistory()).events!.length);
    }
    // 6 chunks of 50: the parent stays small, each child is bounded by its chunk size.
    expect(Math.max(...lengths)).toBeLessThan(1000);
    expect(lengths[0]).toBeLessThan(200);
  });

  it('hands a chunk that reaches its history limit to a fresh child, still sending each message once', async () => {
    const period = '2025-03';
    const members = await Promise.all(Array.from({ length: 60 }, (_, i) => mr.db.prisma.member.create({ data: { organizationId: org.organizationId, structureId: structure.id, firstName: `H${i}`, lastName: 'Histoire', emails: { create: [{ organizationId: org.organizationId, address: `histoire${i}@example.org`, normalized: `histoire${i}@example.org` }] } } })));
    await org.staff.post('/api/v1/invoices', { invoices: members.map((mm, i) => ({ number: `H-${i}`, period, memberId: mm.id, structureId: structure.id, amountExclTax: 10, amountInclTax: 12, pdfBase64: TINY_PDF.toString('base64') })) });
    // One range of 60 and a tiny history limit: the chunk must stop part-way and be continued.
    const config = { ...mr.app.config, INVOICE_BATCH_CHUNK_SIZE: 60, INVOICE_BATCH_CHUNK_HISTORY_LIMIT: 12 };
    const { batch, workflowId } = await startInvoiceBatch({ prisma: mr.db.prisma, temporal: mr.app.temporal, config }, { organizationId: org.organizationId, structureId: structure.id, period });
    const done = await waitBatch(batch.id);
    expect(done.progress).toMatchObject({ total: 60, sent: 60, failed: 0 });
    expect(smtp.messages).toHaveLength(60);
    expect(new Set(smtp.messages.map((m) => m.envelope.rcptTo[0])).size).toBe(60);
    const continued = await mr.app.temporal.workflow.getHandle(`${workflowId}:chunk-0-1`).describe();
    expect(continued.status.name).toBe('COMPLETED');
    await replayWorkflow(mr.app.temporal, workflowId);
    await replayWorkflow(mr.app.temporal, `${workflowId}:chunk-0`);
  });

  it("puts the second address in Cc of one message when the structure asks for it", async () => {
    const cc = (await org.admin.post('/api/v1/structures', { name: 'Résidence Cc', invoiceSecondAddressCc: true })).body;
    expect(cc.invoiceSecondAddressCc).toBe(true);
    const mm = (await org.staff.post('/api/v1/members', { firstName: 'Rose', lastName: 'Tuteur', structureId: cc.id, emails: [{ address: 'rose@example.org' }, { address: 'tuteur@example.org' }] })).body;
    await org.staff.post('/api/v1/invoices', { number: 'CC-1', period: '2025-04', memberId: mm.id, structureId: cc.id, amountExclTax: 1, amountInclTax: 1, pdfBase64: TINY_PDF.toString('base64') });
    const res = await org.staff.post('/api/v1/invoice-batches', { period: '2025-04', structureId: cc.id });
    expect(res.body.total).toBe(1);
    await waitBatch(res.body.id);
    const [msg] = await smtp.waitForMessages(1);
    expect(msg!.envelope.rcptTo.sort()).toEqual(['rose@example.org', 'tuteur@example.org']);
    expect(msg!.parsed.cc).toMatchObject({ value: [{ address: 'tuteur@example.org' }] });
    expect(smtp.messages).toHaveLength(1);
  });

  it('sends every invoice of the period but the unticked ones (select-all), refusing a period that changed since it was read', async () => {
    const [a, b, c] = [await resident('Alice', 'Tout', ['alice@example.org']), await resident('Bruno', 'Decoche', ['bruno@example.org']), await resident('Chloé', 'Tout', ['chloe@example.org'])];
    const invoices = [await invoice(a.id, '2023-06'), await invoice(b.id, '2023-06'), await invoice(c.id, '2023-06')];
    const base = { period: '2023-06', structureId: structure.id };
    const both = await org.staff.post('/api/v1/invoice-batches', { ...base, invoiceIds: [invoices[0].id], excludeInvoiceIds: [invoices[1].id] });
    expect(both.status).toBe(422);
    expect(both.body.errors[0].field).toBe('body.excludeInvoiceIds');
    // The console counted 3 selected, but one of them is unticked: the server sees 2 and refuses to guess.
    const changed = await org.staff.post('/api/v1/invoice-batches', { ...base, excludeInvoiceIds: [invoices[1].id], expectedCount: 3 });
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ reason: 'SELECTION_CHANGED', expectedCount: 3, actualCount: 2 });
    const res = await org.staff.post('/api/v1/invoice-batches', { ...base, excludeInvoiceIds: [invoices[1].id], expectedCount: 2 });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(2);
    await waitBatch(res.body.id);
    const msgs = await smtp.waitForMessages(2);
    expect(msgs.map((m) => m.envelope.rcptTo[0]).sort()).toEqual(['alice@example.org', 'chloe@example.org']);
  });

  it('keeps every invoice route to its own organisation', async () => {
    const b = await mr.db.prisma.invoiceBatch.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    const inv = await mr.db.prisma.invoice.findFirstOrThrow({ where: { organizationId: org.organizationId } });
    for (const [method, path, body] of [
      ['GET', `/api/v1/invoice-batches/${b.id}`],
      ['POST', `/api/v1/invoice-batches/${b.id}/cancel`],
      ['POST', `/api/v1/invoice-batches/${b.id}/resend-failed`],
      ['GET', `/api/v1/invoice-batches/candidates?period=2024-10&structureId=${structure.id}`],
      ['POST', '/api/v1/templates/invoice/preview', { invoiceId: inv.id }],
    ] as [string, string, unknown?][]) {
      expect({ path, status: (await other.admin.raw(method, path, body)).status }).toEqual({ path, status: 404 });
    }
    expect((await other.staff.get('/api/v1/invoices')).body.total).toBe(0);
    const theirMember = (await other.staff.post('/api/v1/members', { firstName: 'X', lastName: 'Y' })).body;
    const cross = await other.staff.post('/api/v1/invoices', { number: 'X1', period: '2024-10', memberId: theirMember.id, structureId: structure.id, amountExclTax: 1, amountInclTax: 1 });
    expect(cross.status).toBe(422);
    expect((await other.staff.post('/api/v1/invoice-batches', { period: '2024-10', structureId: structure.id })).status).toBe(422);
  });
});

describeIfServer('PostgreSQL (DATABASE_URL) and Temporal', Boolean(process.env.DATABASE_URL) && temporalAvailable())('an invoice batch whose worker is killed', () => {
  jest.setTimeout(120_000);

  it('completes after a restart: no message lost, none sent twice', async () => {
    const smtp = await startRecordingSmtpServer();
    const env = { SMTP_URL: smtp.url, INVOICE_BATCH_RATE_PER_MINUTE: '600', INVOICE_BATCH_CHUNK_SIZE: '10', INVOICE_BATCH_CONCURRENCY: '1', SEND_HEARTBEAT_SECONDS: '2' };
    const mr = await startTestMailroom({ roles: { api: true, worker: false }, env });
    let worker = spawnWorkerProcess(mr.env);
    try {
      const org = await mr.newOrganization();
      const structure = (await org.admin.post('/api/v1/structures', { name: 'Résidence' })).body;
      const members = await Promise.all(Array.from({ length: 30 }, (_, i) => mr.db.prisma.member.create({ data: { organizationId: org.organizationId, structureId: structure.id, firstName: `K${i}`, lastName: 'Kill', emails: { create: [{ organizationId: org.organizationId, address: `kill${i}@example.org`, normalized: `kill${i}@example.org` }] } } })));
      await org.staff.post('/api/v1/invoices', { invoices: members.map((mm, i) => ({ number: `K-${i}`, period: '2025-03', memberId: mm.id, structureId: structure.id, amountExclTax: 1, amountInclTax: 1, pdfBase64: TINY_PDF.toString('base64') })) });
      await worker.ready;
      const res = await org.staff.post('/api/v1/invoice-batches', { period: '2025-03', structureId: structure.id });
      await smtp.waitForMessages(8, 30_000);
      await worker.kill();
      const atKill = smtp.messages.length;
      expect(atKill).toBeLessThan(30);
      worker = spawnWorkerProcess(mr.env);
      await worker.ready;
      const done = await eventually(async () => {
        const r = await org.staff.get(`/api/v1/invoice-batches/${res.body.id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      }, 90_000);
      expect(done.progress).toMatchObject({ sent: 30, failed: 0 });
      const perAddress = new Map<string, Set<string>>();
      for (const m of smtp.messages) {
        const a = m.envelope.rcptTo[0]!;
        if (!perAddress.has(a)) perAddress.set(a, new Set());
        perAddress.get(a)!.add(m.parsed.messageId!);
      }
      expect(perAddress.size).toBe(30);
      // Each address has exactly one message (one Message-ID), whatever the crash timing.
      for (const ids of perAddress.values()) expect(ids.size).toBe(1);
      expect(smtp.messages.length).toBeLessThanOrEqual(31);
    } finally {
      await worker.kill();
      await mr.stop();
      await smtp.close();
    }
  });
});
