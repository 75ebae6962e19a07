import fc from 'fast-check';
import { fillLists, memberIdOf } from '../../bench/_fill-lists';
import { searchable } from '../../src/reception/classify';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

/**
 * The big lists (received mail, sent log, members, documents): search with
 * accents, case and literal wildcards, filters, keyset cursors through every
 * page, bounded totals, and never another organisation's rows.
 */
describeIfServer('Temporal dev server', temporalAvailable())('lists and search at scale', () => {
  let mr: TestMailroom;
  let a: TestOrg;
  let b: TestOrg;
  let mailboxA: string;
  const COUNT = 2_500;

  const mail = async (org: TestOrg, mailboxId: string, uid: number, subject: string, from: string, fromName: string | null = null) =>
    mr.db.prisma.receivedMail.create({
      data: {
        organizationId: org.organizationId, mailboxId, uidValidity: 7n, uid: BigInt(uid), messageKey: `<t${uid}@test>`, fromAddress: from, fromName, to: ['accueil@club.example'],
        subject, size: 100, rawStorageKey: `raw/t${uid}`, category: 'unassigned', searchText: searchable(subject, fromName, from, 'accueil@club.example'),
      },
    });
  const sent = (org: TestOrg, key: string, subject: string, to: string[], extra: object = {}) =>
    mr.db.prisma.sentEmail.create({ data: { organizationId: org.organizationId, idempotencyKey: key, fromAddress: 'club@club.example', to, subject, messageId: `<${key}@test>`, ...extra } });

  /** Every page of a list through `next`, checking nothing repeats. */
  const walk = async (client: TestOrg['staff'], path: string) => {
    const seen: { id: string }[] = [];
    let url = path;
    for (let i = 0; i < 100; i++) {
      const res = await client.get(url);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      if (!res.body.next) break;
      url = `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(res.body.next)}`;
    }
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    return seen;
  };

  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false } });
    a = await mr.newOrganization('Fédération A');
    b = await mr.newOrganization('Club B');
    ({ mailboxId: mailboxA } = await fillLists(mr.db.sql, { organizationId: a.organizationId, count: COUNT, members: 500 }));
    const { mailboxId: mailboxB } = await fillLists(mr.db.sql, { organizationId: b.organizationId, count: 300, members: 50 });
    await mail(a, mailboxA, 1, 'Taux 100% atteint', 'zoe.martin@exemple.fr', 'Zoé Martin');
    await mail(a, mailboxA, 2, 'Taux 1000 atteint', 'paul@exemple.fr');
    await mail(a, mailboxA, 3, 'snake_case ok', 'paul@exemple.fr');
    await mail(a, mailboxA, 4, 'snakeXcase ok', 'paul@exemple.fr');
    await mail(a, mailboxA, 6, 'snakeucase ok', 'paul@exemple.fr');
    await mail(a, mailboxA, 5, 'chemin C:\\dossier', 'paul@exemple.fr');
    await mail(b, mailboxB, 1, 'Taux 100% atteint', 'zoe.martin@exemple.fr', 'Zoé Martin');
  }, 180_000);
  afterAll(() => mr?.stop());

  it('pages received mail newest first, by page number and by cursor, with a bounded total', async () => {
    const first = (await a.staff.get('/api/v1/received-mails')).body;
    expect(first).toMatchObject({ page: 1, pageSize: 10, total: 1_000, totalIsLowerBound: true, previous: null });
    expect(first.items).toHaveLength(10);
    const dates = first.items.map((i: { receivedAt: string }) => i.receivedAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    // The cursor continues exactly where page 1 ended: page 2 by number and by cursor agree.
    const byNumber = (await a.staff.get('/api/v1/received-mails?page=2')).body;
    const byCursor = (await a.staff.get(`/api/v1/received-mails?cursor=${first.next}`)).body;
    expect(byCursor.items.map((i: { id: string }) => i.id)).toEqual(byNumber.items.map((i: { id: string }) => i.id));
    expect(byCursor.page).toBeNull();
    // Unassigned alone is fewer than the bound: an exact count.
    const unassigned = (await a.staff.get('/api/v1/received-mails?assigned=false')).body;
    expect(unassigned.totalIsLowerBound).toBe(false);
    expect(unassigned.total).toBe(await mr.db.prisma.receivedMail.count({ where: { organizationId: a.organizationId, category: 'unassigned' } }));
  });

  it('sends deep page numbers to the cursor and refuses a cursor not of the list\'s shape, with the field in the problem', async () => {
    const deep = await a.staff.get('/api/v1/received-mails?page=1002');
    expect(deep.status).toBe(422);
    expect(deep.body.errors).toEqual([expect.objectContaining({ field: 'query.page' })]);
    // The shape is the document's pattern: an instant then the id for received mail, three texts for members.
    const doc = (await a.staff.get('/api/openapi.json')).body as { paths: Record<string, { get: { parameters: { name: string; schema: { pattern: string } }[] } }> };
    const pattern = (path: string) => new RegExp(doc.paths[path]!.get.parameters.find((p) => p.name === 'cursor')!.schema.pattern);
    for (const bad of ['nope', Buffer.from('["2026-01-01 00:00:00"]').toString('base64url'), '2026-01-01.abc', '1.a.b', '1.a=']) {
      expect(pattern('/api/v1/received-mails').test(bad)).toBe(false);
      const res = await a.staff.get(`/api/v1/received-mails?cursor=${encodeURIComponent(bad)}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.cursor', code: 'NOT_A_CURSOR' })]);
    }
    expect(pattern('/api/v1/members').test('a.b')).toBe(false);
  });

  it('answers every cursor the document admits with the page after that position, never another organisation\'s rows', async () => {
    const pageOf = async (path: string, cursor: string) => {
      const res = await a.staff.get(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(200);
      return res.body as { items: { id: string; organizationId?: string }[]; next: string | null };
    };
    const all = (await a.staff.get('/api/v1/received-mails?pageSize=3')).body;
    // After an instant later than every mail: the newest mails, as page 1.
    expect((await pageOf('/api/v1/received-mails?pageSize=3', '999999999999999.')).items.map((i) => i.id)).toEqual(all.items.map((i: { id: string }) => i.id));
    // Before the first instant there can be: nothing, and no next page.
    expect(await pageOf('/api/v1/received-mails', '-999999999999999.AAAA')).toMatchObject({ items: [], next: null });
    // Text keys of any bytes (not UTF-8, a NUL): a position in the names like any other.
    const members = await pageOf('/api/v1/members?pageSize=5', `${Buffer.from([0xff, 0x00, 0x41]).toString('base64url')}..`);
    expect(members.items.length).toBeLessThanOrEqual(5);
    const inA = new Set((await mr.db.prisma.member.findMany({ where: { organizationId: a.organizationId }, select: { id: true } })).map((m) => m.id));
    expect(members.items.every((m) => inA.has(m.id))).toBe(true);
    // Any string of the documented shape, for each list.
    for (const path of ['/api/v1/received-mails', '/api/v1/sent-emails', '/api/v1/members', `/api/v1/members/${memberIdOf(a.organizationId, 5)}/documents`]) {
      const doc = (await a.staff.get('/api/openapi.json')).body as { paths: Record<string, { get: { parameters: { name: string; schema: { pattern: string; maxLength: number } }[] } }> };
      const schema = doc.paths[path.replace(/members\/[^/]+\//, 'members/{id}/')]!.get.parameters.find((p) => p.name === 'cursor')!.schema;
      await fc.assert(fc.asyncProperty(fc.stringMatching(new RegExp(schema.pattern)).filter((c) => c.length <= schema.maxLength), async (cursor) => {
        await pageOf(path, cursor);
      }), { numRuns: 15 });
    }
    // A cursor made from the next link is the same as one written by hand from the row's keys.
    const last = all.items[2] as { id: string; receivedAt: string };
    const handMade = `${Date.parse(last.receivedAt)}.${Buffer.from(last.id).toString('base64url')}`;
    expect(handMade).toBe(all.next);
  });

  it('walks a filtered list to its end through cursors: every row once, in order', async () => {
    const member = memberIdOf(a.organizationId, 7);
    const rows = await walk(a.staff, `/api/v1/received-mails?memberId=${member}&pageSize=2`);
    const expected = await mr.db.prisma.receivedMail.findMany({
      where: { organizationId: a.organizationId, memberId: member, category: 'filed' }, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], select: { id: true },
    });
    expect(expected.length).toBeGreaterThan(2);
    expect(rows.map((r) => r.id)).toEqual(expected.map((e) => e.id));
  });

  it('searches any part of subject, sender or recipients, without case or accents, wildcards taken literally', async () => {
    const subjects = async (q: string, org = a) =>
      (await org.staff.get(`/api/v1/received-mails?q=${encodeURIComponent(q)}&pageSize=100`)).body.items.map((i: { subject: string }) => i.subject).sort();
    expect(await subjects('100%')).toEqual(['Taux 100% atteint']);
    expect(await subjects('e_c')).toEqual(['snake_case ok']);
    expect(await subjects('EUC')).toEqual(['snakeucase ok']);
    expect(await subjects('C:\\dos')).toEqual(['chemin C:\\dossier']);
    expect(await subjects('C:')).toEqual(['chemin C:\\dossier']); // no trigram in it: read row by row
    expect(await subjects('ZOÉ.mart')).toEqual(['Taux 100% atteint']);
    expect(await subjects('zoe martin')).toEqual(['Taux 100% atteint']);
    const accents = (await a.staff.get(`/api/v1/received-mails?q=${encodeURIComponent('CERTIFICAT MÉDICAL')}`)).body;
    const plain = (await a.staff.get('/api/v1/received-mails?q=ertificat%20medi')).body;
    expect(accents.total).toBeGreaterThan(20);
    expect(plain.total).toBe(accents.total);
    expect(plain.items.every((i: { subject: string }) => i.subject.startsWith('Certificat médical'))).toBe(true);
    // The other organisation's identical mail is never found from here, nor ours from there.
    expect(await subjects('100%', b)).toEqual(['Taux 100% atteint']);
    expect((await b.staff.get('/api/v1/received-mails?q=snake')).body.total).toBe(0);
  });

  it('pages a search through every match: those a walk of the newest rows finds and those only the index finds', async () => {
    // fillLists: received mail n is n × 30 s old with the subject '… n° <n>'. 'n° 24' matches n = 24,
    // 240–249 and 2400–2499: a search walks the newest 2,000 rows, then asks the trigram index.
    const q = encodeURIComponent('N° 24');
    const expected = await mr.db.prisma.receivedMail.findMany({
      where: { organizationId: a.organizationId, category: { in: ['filed', 'unassigned'] }, subject: { contains: 'n° 24' } },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], select: { id: true },
    });
    expect(expected.length).toBeGreaterThan(100);
    const rows = await walk(a.staff, `/api/v1/received-mails?q=${q}&pageSize=10`);
    expect(rows.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    const byNumber = (await a.staff.get(`/api/v1/received-mails?q=${q}&page=3`)).body;
    expect(byNumber.items.map((i: { id: string }) => i.id)).toEqual(expected.slice(20, 30).map((e) => e.id));
    expect(byNumber).toMatchObject({ total: 100, totalIsLowerBound: true });
    // Only older mail matches: the walk finds nothing, the index finds them all, counted exactly.
    const old = (await a.staff.get(`/api/v1/received-mails?q=${encodeURIComponent('n° 245')}&pageSize=100`)).body;
    const only245 = await mr.db.prisma.receivedMail.findMany({
      where: { organizationId: a.organizationId, category: { in: ['filed', 'unassigned'] }, subject: { contains: 'n° 245' } },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], select: { id: true },
    });
    expect(only245.length).toBeGreaterThan(10);
    expect(old.items.map((i: { id: string }) => i.id)).toEqual(only245.map((e) => e.id));
    expect(old).toMatchObject({ total: only245.length, totalIsLowerBound: false });
  });

  it('gives the same pages whether a search walks on past its first quarter or turns to the index', async () => {
    // The walk reads the newest 500 rows first (mail n ≈ row n): 'n° 55' matches n = 55 there and
    // 550–559 after, too few there to walk on (the index sorts them all); 'n° 51' matches 51 and a
    // few of 510–519 there, enough to walk on, the rest after; 'n° 12' fills a page there, its
    // last cursor page walks on; 'n° 245' matches once there, then 2450–2459 far after.
    for (const words of ['n° 55', 'n° 51', 'n° 12', 'n° 245']) {
      const expected = await mr.db.prisma.receivedMail.findMany({
        where: { organizationId: a.organizationId, category: { in: ['filed', 'unassigned'] }, subject: { contains: words } },
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], select: { id: true },
      });
      expect(expected.length).toBeGreaterThan(10);
      const q = encodeURIComponent(words);
      expect((await walk(a.staff, `/api/v1/received-mails?q=${q}&pageSize=10`)).map((r) => r.id)).toEqual(expected.map((e) => e.id));
      const second = (await a.staff.get(`/api/v1/received-mails?q=${q}&page=2`)).body;
      expect(second.items.map((i: { id: string }) => i.id)).toEqual(expected.slice(10, 20).map((e) => e.id));
      expect(second).toMatchObject({ total: Math.min(expected.length, 100), totalIsLowerBound: expected.length > 100 });
    }
  });

  it('filters and searches the sent log (status, template, member, period, recipients) with cursors', async () => {
    await sent(a, 'recu-42', 'Reçu n°42 — 50% réglé', ['Anaïs.Lefèvre@exemple.fr']);
    await sent(a, 'recu-43', 'Reçu n°43 — 500 réglé', ['autre@exemple.fr'], { status: 'failed' });
    const q = async (query: string) => (await a.staff.get(`/api/v1/sent-emails?${query}`)).body;
    expect((await q('q=50%25')).items.map((i: { subject: string }) => i.subject)).toEqual(['Reçu n°42 — 50% réglé']);
    expect((await q('q=ANAIS.LEFEVRE')).items.map((i: { subject: string }) => i.subject)).toEqual(['Reçu n°42 — 50% réglé']);
    expect((await q('q=recu%20n%C2%B04')).total).toBe(2);
    const failed = await q('status=failed');
    expect(failed.total).toBe(await mr.db.prisma.sentEmail.count({ where: { organizationId: a.organizationId, status: 'failed' } }));
    expect(failed.items.every((i: { status: string }) => i.status === 'failed')).toBe(true);
    const template = await walk(a.staff, '/api/v1/sent-emails?template=booking.reminder&pageSize=30');
    const expected = await mr.db.prisma.sentEmail.findMany({
      where: { organizationId: a.organizationId, templateKey: 'booking.reminder' }, orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }], select: { id: true },
    });
    expect(expected.length).toBeGreaterThan(60);
    expect(template.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    const member = memberIdOf(a.organizationId, 3);
    const ofMember = (await q(`memberId=${member}`)).items;
    expect(ofMember.length).toBeGreaterThan(0);
    expect(ofMember.every((i: { memberId: string }) => i.memberId === member)).toBe(true);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const lastHour = await q(`from=${from}&pageSize=100`);
    expect(lastHour.total).toBe(await mr.db.prisma.sentEmail.count({ where: { organizationId: a.organizationId, queuedAt: { gte: new Date(from) } } }));
    expect((await b.staff.get('/api/v1/sent-emails?q=anais.lefevre')).body.total).toBe(0);
  });

  it('finds members by any part of a name or address, and follows address changes', async () => {
    const created = (await a.staff.post('/api/v1/members', { firstName: 'Hélène', lastName: 'Bréhatine', emails: [{ address: 'h.brehatine@vol-libre.fr' }] })).body;
    const find = async (q: string) => (await a.staff.get(`/api/v1/members?q=${encodeURIComponent(q)}`)).body.items.map((m: { id: string }) => m.id);
    expect(await find('BREHATIN')).toEqual([created.id]);
    expect(await find('helene bréhatin')).toEqual([created.id]);
    expect(await find('vol-libre')).toEqual([created.id]);
    expect((await a.staff.patch(`/api/v1/members/${created.id}`, { emails: [{ address: 'helene_b@planeur-club.fr' }] })).status).toBe(200);
    expect(await find('vol-libre')).toEqual([]);
    expect(await find('e_b@planeur')).toEqual([created.id]);
    expect(await find('%b@planeur')).toEqual([]);
    // By name (the database's collation), with an exact total below the bound.
    const all = (await a.staff.get('/api/v1/members?pageSize=100')).body;
    expect(all).toMatchObject({ total: 501, totalIsLowerBound: false });
    const byName = await mr.db.prisma.member.findMany({ where: { organizationId: a.organizationId }, orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }], take: 100, select: { id: true } });
    expect(all.items.map((m: { id: string }) => m.id)).toEqual(byName.map((m) => m.id));
    expect((await b.staff.get('/api/v1/members?q=planeur')).body.total).toBe(0);
  });

  it('finds an address fragment or a numbered name exactly, punctuation and all, in every list', async () => {
    // fillLists: member n is FIRST[n % 12] with the address <first>.<n>@<domain>; member 12 is jeanne.12@orange.fr.
    const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();
    const members = async (q: string) => (await a.staff.get(`/api/v1/members?q=${encodeURIComponent(q)}&pageSize=100`)).body;
    expect(ids(await members('JEANNE.12@'))).toEqual([memberIdOf(a.organizationId, 12)]);
    expect(ids(await members('jeanne.12@orange.fr'))).toEqual([memberIdOf(a.organizationId, 12)]);
    // A hyphenated name with a number: every member whose last name contains it, by name, and no other.
    const numbered = await mr.db.prisma.member.findMany({
      where: { organizationId: a.organizationId, lastName: { startsWith: 'Bréhat-9' } }, orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }], select: { id: true },
    });
    expect(numbered.length).toBeGreaterThan(3);
    const byName = await members('BREHAT-9');
    expect(byName.items.map((m: { id: string }) => m.id)).toEqual(numbered.map((m) => m.id));
    expect(byName).toMatchObject({ total: numbered.length, totalIsLowerBound: false });
    expect((await members('bréhat-9 ')).total).toBe(numbered.length);
    // The same matches through cursors, two at a time: the index's pages follow the name order across equal last names.
    expect((await walk(a.staff, '/api/v1/members?q=BREHAT-9&pageSize=2')).map((m) => m.id)).toEqual(numbered.map((m) => m.id));
    // The spelled punctuation never matches the letter that spells it, nor the other way round.
    const lookalike = (await a.staff.post('/api/v1/members', { firstName: 'Jeanned12aorange', lastName: 'Sosie', emails: [{ address: 'sosie@example.org' }] })).body;
    expect(ids(await members('jeanned12'))).toEqual([lookalike.id]);
    expect(ids(await members('jeanne.12'))).toEqual([memberIdOf(a.organizationId, 12), memberIdOf(a.organizationId, 120)].sort()); // jeanne.120@ too
    expect(ids(await members('e.12@o'))).toEqual([memberIdOf(a.organizationId, 12)]);
    expect((await members('2aor')).items.map((m: { id: string }) => m.id)).toEqual([lookalike.id]);
    expect((await b.staff.get('/api/v1/members?q=jeanned12')).body.total).toBe(0);

    // The sent log's recipients and received mail's senders, with the same address.
    const sentTo = await mr.db.prisma.sentEmail.findMany({ where: { organizationId: a.organizationId, to: { has: 'jeanne.12@orange.fr' } }, select: { id: true } });
    expect(sentTo.length).toBeGreaterThan(1);
    expect(ids((await a.staff.get('/api/v1/sent-emails?q=Jeanne.12%40&pageSize=100')).body)).toEqual(sentTo.map((s) => s.id).sort());
    const from = await mr.db.prisma.receivedMail.findMany({
      where: { organizationId: a.organizationId, fromAddress: 'jeanne.12@orange.fr', category: { in: ['filed', 'unassigned'] } }, select: { id: true },
    });
    expect(from.length).toBeGreaterThan(0);
    expect(ids((await a.staff.get('/api/v1/received-mails?q=jeanne.12%40&pageSize=100')).body)).toEqual(from.map((m) => m.id).sort());
    // The other organisation has its own jeanne.12@orange.fr: each sees only its own mail.
    const fromB = await mr.db.prisma.receivedMail.findMany({
      where: { organizationId: b.organizationId, fromAddress: 'jeanne.12@orange.fr', category: { in: ['filed', 'unassigned'] } }, select: { id: true },
    });
    expect(ids((await b.staff.get('/api/v1/received-mails?q=jeanne.12%40orange&pageSize=100')).body)).toEqual(fromB.map((m) => m.id).sort());
  });

  it("pages a member's documents by cursor", async () => {
    const member = memberIdOf(a.organizationId, 5);
    const docs = await walk(a.staff, `/api/v1/members/${member}/documents?pageSize=1`);
    expect(docs.length).toBe(await mr.db.prisma.document.count({ where: { memberId: member } }));
    expect(docs.length).toBeGreaterThan(1);
  });

  it('shows each row in a list as its own route shows it (dates, addresses, counts)', async () => {
    // The lists read their rows by SQL, the single routes through Prisma: both must agree, in any time zone.
    const mail = (await a.staff.get('/api/v1/received-mails?pageSize=1')).body.items[0];
    const { cc: _cc, replyTo: _r, messageId: _m, text: _t, html: _h, blockedImages: _b, htmlTooLarge: _l, attachmentList: _a, rawUrl: _u, assignedAt: _s, ...mailSummary } = (await a.staff.get(`/api/v1/received-mails/${mail.id}`)).body;
    expect(mail).toEqual(mailSummary);
    const sentRow = (await a.staff.get('/api/v1/sent-emails?pageSize=1')).body.items[0];
    const detail = (await a.staff.get(`/api/v1/sent-emails/${sentRow.id}`)).body;
    expect(detail).toMatchObject(sentRow);
    const member = (await a.staff.get('/api/v1/members?q=planeur')).body.items[0];
    expect(member).toEqual((await a.staff.get(`/api/v1/members/${member.id}`)).body);
    const doc = (await a.staff.get(`/api/v1/members/${memberIdOf(a.organizationId, 5)}/documents?pageSize=1`)).body.items[0];
    expect(doc).toEqual((await a.staff.get(`/api/v1/documents/${doc.id}`)).body);
  });

  it('documents cursors and bounded totals in the OpenAPI document', async () => {
    const doc = (await a.staff.get('/api/openapi.json')).body;
    const params = doc.paths['/api/v1/sent-emails'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['cursor', 'page', 'q', 'status', 'template', 'from', 'to']));
    const schema = JSON.stringify(doc.paths['/api/v1/received-mails'].get.responses['200']);
    expect(schema).toContain('totalIsLowerBound');
    expect(schema).toContain('next');
    // An upload says both bodies it takes: JSON with base64, or the raw bytes.
    expect(Object.keys(doc.paths['/api/v1/members/{id}/documents'].post.requestBody.content)).toEqual(['application/json', 'application/octet-stream']);
  });
});
