import { createDatabase } from '../../src/db/client';
import { upkeepPass } from '../../src/db/upkeep';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

const ROWS = 10_000;

/**
 * A page of the lists behind the sent-mail, invoice and notification screens
 * costs the same whether 10,000 or 20,000 rows lie behind it, on the embedded
 * default (PGlite), whatever DATABASE_URL says. Work is counted, not timed: the
 * database pages each statement of the request touches (EXPLAIN ANALYZE,
 * BUFFERS), which no machine load moves. A list that scans, sorts or counts
 * all its rows doubles them; a list read from an index in its order does not.
 */
describeIfServer('Temporal dev server', temporalAvailable())('console lists read the same pages at 10,000 and 20,000 rows (PGlite)', () => {
  jest.setTimeout(240_000);
  let mr: TestMailroom;
  let org: TestOrg;
  let fill: (rows: number, tag: string, base: string) => Promise<void>;
  const statements: { sql: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    const pglite = await createDatabase({});
    await pglite.migrate();
    // Every statement the API sends is noted, to be explained afterwards.
    const runner = pglite.sql;
    pglite.sql = {
      ...runner,
      query: (sql, params, opts) => {
        statements.push({ sql, params: params ?? [] });
        return runner.query(sql, params, opts);
      },
    };
    mr = await startTestMailroom({ roles: { api: true, worker: false }, db: Object.assign(pglite, { url: undefined, drop: () => pglite.close() }) });
    org = await mr.newOrganization('Grand club');
    const p = mr.db.prisma;
    const organizationId = org.organizationId;
    const structure = await p.structure.create({ data: { organizationId, name: 'Club' } });
    const member = await p.member.create({ data: { organizationId, firstName: 'Paul', lastName: 'Pilote' } });
    const resource = await p.resource.create({ data: { organizationId, name: 'F-GABC' } });
    const invoice = await p.invoice.create({ data: { organizationId, structureId: structure.id, memberId: member.id, number: 'F-1', period: '2026-01', amountExclTaxCents: 100, amountInclTaxCents: 120 } });
    // generate_series: thousands of rows in a few statements instead of minutes of createMany.
    fill = async (rows, tag, base) => {
      const q = (sql: string) => runner.query(sql, [organizationId]);
      const t = (col: string) => `timestamp '${base}' + ${col}`;
      await q(`INSERT INTO "SentEmail" (id, "organizationId", "idempotencyKey", "fromAddress", "to", subject, "messageId", status, "queuedAt", "updatedAt")
        SELECT gen_random_uuid()::text, $1, '${tag}' || j, 'club@example.org', ARRAY['m' || j || '@example.org'], 'Facture ${tag}' || j, '<${tag}' || j || '@example.org>',
               (CASE WHEN j % 7 = 0 THEN 'failed' ELSE 'sent' END)::"SentEmailStatus", ${t("j * interval '1 minute'")}, now() FROM generate_series(0, ${rows - 1}) j`);
      await q(`INSERT INTO "Booking" (id, "organizationId", "memberId", "resourceId", "startAt", "endAt", status, "updatedAt")
        SELECT gen_random_uuid()::text, $1, '${member.id}', '${resource.id}', ${t("j * interval '1 hour'")}, ${t("j * interval '1 hour' + interval '30 minutes'")},
               CASE WHEN j % 5 = 0 THEN 'waitlisted' ELSE 'confirmed' END, now() FROM generate_series(0, ${rows - 1}) j`);
      await q(`INSERT INTO "Validity" (id, "organizationId", "memberId", kind, "expiresAt") SELECT gen_random_uuid()::text, $1, '${member.id}', 'Validité ' || j, ${t("j * interval '1 day'")} FROM generate_series(0, ${rows - 1}) j`);
      await q(`INSERT INTO "InvoiceBatch" (id, "organizationId", "structureId", period, status, total, "createdAt") SELECT '${tag}' || j, $1, '${structure.id}', '2026-01', 'completed', 1, ${t("j * interval '1 minute'")} FROM generate_series(0, ${rows - 1}) j`);
      await q(`INSERT INTO "InvoiceBatchItem" (id, "batchId", "invoiceId", position, address, status, "updatedAt") SELECT gen_random_uuid()::text, '${tag}' || j, '${invoice.id}', 0, 'paul@example.org', 'sent', now() FROM generate_series(0, ${rows - 1}) j WHERE $1::text IS NOT NULL`);
    };
    await fill(ROWS, 'k', '2026-01-01');
    // What the embedded upkeep does a minute after start and after growth (src/db/upkeep.ts).
    expect(await upkeepPass(runner)).toEqual(expect.arrayContaining(['public."SentEmail"', 'public."Booking"', 'public."Validity"']));
    expect(await p.sentEmail.count({ where: { organizationId } })).toBe(ROWS);
  });
  afterAll(() => mr?.stop());

  /** The pages every statement of one request touches (shared buffers hit or read, the plan's root holding its children's). */
  async function pagesRead(path: string): Promise<{ pages: number; body: unknown }> {
    await org.staff.get(path); // the route's first call may prepare what later calls reuse
    statements.length = 0;
    const res = await org.staff.get(path);
    expect(res.status).toBe(200);
    const sent = statements.filter((s) => /^\s*(WITH|SELECT)\b/i.test(s.sql));
    expect(sent.length).toBeGreaterThan(0);
    let pages = 0;
    for (const s of sent) {
      const [row] = await mr.db.sql.query<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.sql}`, s.params);
      const plan = row!['QUERY PLAN'][0].Plan;
      pages += (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
    }
    return { pages, body: res.body };
  }

  const pages = [
    '/api/v1/sent-emails?page=1',
    '/api/v1/sent-emails?page=500&status=sent',
    '/api/v1/sent-emails?q=facture%20k9999',
    // A day of the fill's first week: the chart's rows are the period's, read from the date index
    // (over a whole fill, a table scan is the right plan and would double with the table).
    '/api/v1/sent-emails/stats/timeline?from=2026-01-03T00:00:00Z&to=2026-01-04T00:00:00Z',
    '/api/v1/invoice-batches?page=1',
    '/api/v1/invoice-batches?page=999',
    '/api/v1/bookings?page=1',
    '/api/v1/bookings?status=waitlisted&page=100',
    '/api/v1/validities?page=1',
  ];

  it('reads as many pages for each list once the rows have doubled, and shows the same newest rows', async () => {
    const before = new Map<string, { pages: number; body: unknown }>();
    for (const path of pages) before.set(path, await pagesRead(path));
    // 10,000 more rows of each kind, older than the first ones: the newest-first pages keep their rows.
    await fill(ROWS, 'o', '2025-01-01');
    await upkeepPass(mr.db.sql);
    // PGlite runs in this process: the fill held the event loop for seconds, past the server's
    // keep-alive timeout. Let it close the idle connections before the next request reuses one.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const grown: { path: string; before: number; after: number }[] = [];
    for (const path of pages) {
      const after = await pagesRead(path);
      const was = before.get(path)!;
      // An index one level deeper costs a page a statement; a scan or a full sort costs thousands.
      if (after.pages > was.pages * 1.2 + 8) grown.push({ path, before: was.pages, after: after.pages });
      if (process.env.MAILROOM_PRINT_TIMINGS) process.stdout.write(`${path}: ${was.pages} → ${after.pages} pages\n`);
    }
    expect(grown).toEqual([]);
    // The sent log's newest page is the same rows, and its total still says how many there are (bounded).
    const first = (await org.staff.get('/api/v1/sent-emails?page=1')).body as { items: { id: string }[] };
    expect(first.items.map((i) => i.id)).toEqual((before.get('/api/v1/sent-emails?page=1')!.body as { items: { id: string }[] }).items.map((i) => i.id));
  });
});
