import fc from 'fast-check';
import { fillLists, memberIdOf } from '../../bench/_fill-lists';
import { fillMoreLists } from '../../bench/_fill-more-lists';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

/**
 * Invoices, bookings, maintenance periods and validities keyset-paged like the
 * big lists: page numbers and cursors agree, a walk sees every row once in the
 * list's order, totals are bounded, every cursor of the documented shape is a
 * position, and another organisation's rows never show.
 */
describeIfServer('Temporal dev server', temporalAvailable())('invoices and notification lists at scale', () => {
  let mr: TestMailroom;
  let a: TestOrg;
  let b: TestOrg;
  const COUNT = 2_500;
  const MEMBERS = 300;
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

  /** Every page of a list through `next`, checking nothing repeats and every page is of this organisation. */
  const walk = async (path: string) => {
    const seen: { id: string }[] = [];
    let url = path;
    for (let i = 0; i < 500; i++) {
      const res = await a.staff.get(url);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      if (!res.body.next) break;
      url = `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(res.body.next)}`;
    }
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    return seen.map((s) => s.id);
  };

  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false } });
    a = await mr.newOrganization('Fédération A');
    b = await mr.newOrganization('Club B');
    await fillLists(mr.db.sql, { organizationId: a.organizationId, count: 1, members: MEMBERS });
    await fillLists(mr.db.sql, { organizationId: b.organizationId, count: 1, members: 50 });
    await fillMoreLists(mr.db.sql, { organizationId: a.organizationId, count: COUNT, members: MEMBERS });
    await fillMoreLists(mr.db.sql, { organizationId: b.organizationId, count: 300, members: 50 });
  }, 180_000);
  afterAll(() => mr?.stop());

  const inA = async (table: 'invoice' | 'booking' | 'validity' | 'maintenancePeriod', where: object, orderBy: object[]) =>
    ((await (mr.db.prisma[table] as any).findMany({ where: { organizationId: a.organizationId, ...where }, orderBy, select: { id: true } })) as { id: string }[]).map((r) => r.id);

  it('pages invoices newest period first, numbers ascending, by number and by cursor alike, with a bounded total', async () => {
    const first = (await a.staff.get('/api/v1/invoices')).body;
    expect(first).toMatchObject({ page: 1, pageSize: 10, total: 1_000, totalIsLowerBound: true });
    const byNumber = (await a.staff.get('/api/v1/invoices?page=2')).body;
    const byCursor = (await a.staff.get(`/api/v1/invoices?cursor=${first.next}`)).body;
    expect(byCursor.page).toBeNull();
    expect(ids(byCursor)).toEqual(ids(byNumber));
    const order = [{ period: 'desc' }, { number: 'asc' }, { id: 'asc' }];
    expect([...ids(first), ...ids(byNumber)]).toEqual((await inA('invoice', {}, order)).slice(0, 20));
    // Across periods: a walk of the whole list meets every invoice once, in order (periods change every ~70 invoices).
    expect(await walk('/api/v1/invoices?pageSize=100')).toEqual(await inA('invoice', {}, order));
    // A structure's invoices, with an exact total below the bound.
    const structureId = (await mr.db.prisma.structure.findFirstOrThrow({ where: { organizationId: a.organizationId } })).id;
    const ofStructure = await inA('invoice', { structureId }, order);
    expect(await walk(`/api/v1/invoices?structureId=${structureId}&pageSize=3`)).toEqual(ofStructure);
    expect((await a.staff.get(`/api/v1/invoices?structureId=${structureId}`)).body).toMatchObject({ total: ofStructure.length, totalIsLowerBound: false });
    const period = (await a.staff.get('/api/v1/invoices?pageSize=1')).body.items[0].period as string;
    const member = memberIdOf(a.organizationId, 4);
    expect(await walk(`/api/v1/invoices?period=${period}&pageSize=25`)).toEqual(await inA('invoice', { period }, order));
    expect(await walk(`/api/v1/invoices?memberId=${member}&pageSize=2`)).toEqual(await inA('invoice', { memberId: member }, order));
    expect((await a.staff.get(`/api/v1/invoices?page=1002`)).status).toBe(422);
  });

  it('pages bookings by start, the upcoming ones including those already running, and the waiting list by request time', async () => {
    const startOrder = [{ startAt: 'asc' }, { id: 'asc' }];
    expect(await walk('/api/v1/bookings?pageSize=100')).toEqual(await inA('booking', {}, startOrder));
    // A booking started before `from` and still running is upcoming too, first of the list.
    const resource = await mr.db.prisma.resource.findFirstOrThrow({ where: { organizationId: a.organizationId } });
    const from = new Date();
    const running = await mr.db.prisma.booking.create({
      data: { organizationId: a.organizationId, memberId: memberIdOf(a.organizationId, 1), resourceId: resource.id, startAt: new Date(from.getTime() - 30 * 86_400_000), endAt: new Date(from.getTime() + 3_600_000), status: 'confirmed' },
    });
    const upcoming = await inA('booking', { status: 'confirmed', endAt: { gt: from } }, startOrder);
    expect(upcoming[0]).toBe(running.id);
    expect(upcoming.length).toBeGreaterThan(100);
    const q = `status=confirmed&from=${from.toISOString()}`;
    expect(await walk(`/api/v1/bookings?${q}&pageSize=17`)).toEqual(upcoming);
    expect(upcoming.length).toBeGreaterThan(1_000);
    expect((await a.staff.get(`/api/v1/bookings?${q}`)).body).toMatchObject({ total: 1_000, totalIsLowerBound: true });
    expect(ids((await a.staff.get(`/api/v1/bookings?${q}&page=3`)).body)).toEqual(upcoming.slice(20, 30));
    const ofResource = await inA('booking', { status: 'confirmed', endAt: { gt: from }, resourceId: resource.id }, startOrder);
    expect(await walk(`/api/v1/bookings?${q}&resourceId=${resource.id}&pageSize=2`)).toEqual(ofResource);
    expect((await a.staff.get(`/api/v1/bookings?${q}&resourceId=${resource.id}`)).body).toMatchObject({ total: ofResource.length, totalIsLowerBound: false });
    const to = new Date(from.getTime() + 10 * 86_400_000);
    expect(await walk(`/api/v1/bookings?from=${from.toISOString()}&to=${to.toISOString()}&pageSize=50`)).toEqual(await inA('booking', { endAt: { gt: from }, startAt: { lt: to } }, startOrder));
    expect(await walk('/api/v1/bookings?status=waitlisted&pageSize=30')).toEqual(await inA('booking', { status: 'waitlisted' }, [{ createdAt: 'asc' }, { id: 'asc' }]));
    const member = memberIdOf(a.organizationId, 8);
    expect(await walk(`/api/v1/bookings?memberId=${member}&pageSize=3`)).toEqual(await inA('booking', { memberId: member }, startOrder));
  });

  it('pages validities soonest first and maintenance latest first', async () => {
    const expiryOrder = [{ expiresAt: 'asc' }, { id: 'asc' }];
    expect(await walk('/api/v1/validities?pageSize=100')).toEqual(await inA('validity', {}, expiryOrder));
    const before = new Date();
    const expired = await inA('validity', { expiresAt: { lt: before } }, expiryOrder);
    expect((await a.staff.get(`/api/v1/validities?expiresBefore=${before.toISOString()}`)).body).toMatchObject({ total: expired.length, totalIsLowerBound: false });
    const member = memberIdOf(a.organizationId, 9);
    expect(await walk(`/api/v1/validities?memberId=${member}&pageSize=2`)).toEqual(await inA('validity', { memberId: member }, expiryOrder));
    // A validity as the list shows it: its member's name and the alert stages sent, latest first.
    const v = await mr.db.prisma.validity.findFirstOrThrow({ where: { organizationId: a.organizationId, memberId: member }, orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }], include: { member: true } });
    await mr.db.prisma.validityAlert.createMany({ data: [{ validityId: v.id, stage: 1, sentAt: new Date('2026-03-01T10:00:00.123Z') }, { validityId: v.id, stage: 2, sentAt: new Date('2026-03-20T10:00:00Z') }] });
    const shown = (await a.staff.get(`/api/v1/validities?memberId=${member}&pageSize=1`)).body.items[0];
    expect(shown).toEqual({
      id: v.id, member: { id: member, name: `${v.member.lastName.toLocaleUpperCase('fr-FR')} ${v.member.firstName}` }, kind: v.kind, expiresAt: v.expiresAt.toISOString(),
      alertsSent: [{ stage: 2, sentAt: '2026-03-20T10:00:00.000Z' }, { stage: 1, sentAt: '2026-03-01T10:00:00.123Z' }],
    });
    expect(await walk('/api/v1/maintenance-periods?pageSize=4')).toEqual(await inA('maintenancePeriod', {}, [{ startAt: 'desc' }, { id: 'desc' }]));
  });

  it('pages the invoice batch history newest first by number and by cursor, a structure\'s alone', async () => {
    const structures = await mr.db.prisma.structure.findMany({ where: { organizationId: a.organizationId }, take: 2, orderBy: { id: 'asc' } });
    // Batches started in the same millisecond in pairs: the id breaks the tie the same way in both pagings.
    await mr.db.sql.query(
      `INSERT INTO "InvoiceBatch" (id, "organizationId", "structureId", period, status, total, "createdAt")
       SELECT gen_random_uuid()::text, $1, CASE WHEN j % 3 = 0 THEN $2 ELSE $3 END, '2026-0' || (1 + j % 9), 'completed', 1, timestamp '2026-01-01' + (j / 2) * interval '1 hour'
         FROM generate_series(0, 44) j`,
      [a.organizationId, structures[0]!.id, structures[1]!.id],
    );
    const order = [{ createdAt: 'desc' }, { id: 'desc' }];
    const all = ((await mr.db.prisma.invoiceBatch.findMany({ where: { organizationId: a.organizationId }, orderBy: order as never, select: { id: true } })) as { id: string }[]).map((r) => r.id);
    expect(await walk('/api/v1/invoice-batches?pageSize=4')).toEqual(all);
    const second = (await a.staff.get('/api/v1/invoice-batches?pageSize=4&page=2')).body;
    expect(ids(second)).toEqual(all.slice(4, 8));
    expect(second).toMatchObject({ total: 45, totalIsLowerBound: false, page: 2 });
    const ofFirst = ((await mr.db.prisma.invoiceBatch.findMany({ where: { organizationId: a.organizationId, structureId: structures[0]!.id }, orderBy: order as never, select: { id: true } })) as { id: string }[]).map((r) => r.id);
    expect(await walk(`/api/v1/invoice-batches?structureId=${structures[0]!.id}&pageSize=4`)).toEqual(ofFirst);
    expect((await b.staff.get('/api/v1/invoice-batches')).body.total).toBe(0);
  });

  it('never shows another organisation\'s rows, and answers every cursor of the documented shape', async () => {
    const doc = (await a.staff.get('/api/openapi.json')).body as { paths: Record<string, { get: { parameters: { name: string; schema: { pattern: string; maxLength: number } }[]; responses: object } }> };
    const ofB = new Set([
      ...(await mr.db.prisma.invoice.findMany({ where: { organizationId: b.organizationId }, select: { id: true } })),
      ...(await mr.db.prisma.booking.findMany({ where: { organizationId: b.organizationId }, select: { id: true } })),
      ...(await mr.db.prisma.validity.findMany({ where: { organizationId: b.organizationId }, select: { id: true } })),
    ].map((r) => r.id));
    // Invoices' cursor is three texts; the others an instant then the id.
    expect(new RegExp(doc.paths['/api/v1/invoices']!.get.parameters.find((p) => p.name === 'cursor')!.schema.pattern).test('MjAyNi0wMQ.RjAx.aWQ')).toBe(true);
    expect(new RegExp(doc.paths['/api/v1/bookings']!.get.parameters.find((p) => p.name === 'cursor')!.schema.pattern).test('MjAyNi0wMQ.RjAx.aWQ')).toBe(false);
    for (const path of ['/api/v1/invoices', '/api/v1/bookings', '/api/v1/validities', '/api/v1/maintenance-periods', '/api/v1/invoice-batches', '/api/v1/mailbox/duplicates']) {
      const { schema } = doc.paths[path]!.get.parameters.find((p) => p.name === 'cursor')!;
      expect(JSON.stringify(doc.paths[path]!.get.responses)).toContain('totalIsLowerBound');
      await fc.assert(fc.asyncProperty(fc.stringMatching(new RegExp(schema.pattern)).filter((c) => c.length <= schema.maxLength), async (cursor) => {
        const res = await a.staff.get(`${path}?pageSize=20&cursor=${encodeURIComponent(cursor)}`);
        expect(res.status).toBe(200);
        expect(res.body.items.some((i: { id: string }) => ofB.has(i.id))).toBe(false);
      }), { numRuns: 15 });
      const bad = await a.staff.get(`${path}?cursor=nope`);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'query.cursor', code: 'NOT_A_CURSOR' })]);
    }
    // B sees its own, exactly counted.
    expect((await b.staff.get('/api/v1/invoices')).body).toMatchObject({ total: 300, totalIsLowerBound: false });
    expect((await b.staff.get('/api/v1/bookings?pageSize=100')).body.items.every((i: { id: string }) => ofB.has(i.id))).toBe(true);
  });
});
