import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { wellFormed } from '../../src/documents/safe-name';
import { commitGroup } from '../../src/reception/commit-group';
import { matchSender } from '../../src/reception/match-sender';
import { readInThread } from '../../src/reception/parse-thread';
import { prepareMessage, type PreparedMail } from '../../src/reception/store-message';
import { createStorage } from '../../src/storage';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/*
 * The storing code against hostile mail, on the real database: whatever a
 * sender writes, every message ends stored or quarantined, and the cursor
 * moves past it.
 */
// Parsed here and stored through Prisma's transaction; parsed on the parsing thread and stored by
// the driver's one statement per group (the polling activity's way).
describe.each([['through Prisma', false], ['parsed on the thread, one statement a group', true]] as const)('storing hostile mail (%s)', (_how, oneStatement) => {
  jest.setTimeout(120_000);
  let db: TestDatabase;
  const storage = createStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-hostile-')));
  let box: { id: string; organizationId: string };
  let nextUid = 1;

  beforeAll(async () => {
    db = await createTestDatabase();
    const org = await db.prisma.organization.create({ data: { name: 'Club' } });
    box = await db.prisma.mailboxAccount.create({ data: { organizationId: org.id, host: 'imap.example', port: 143, security: 'none', username: 'u', uidValidity: 1n } });
  });
  afterAll(async () => db?.drop());

  const prepare = (raw: Buffer, uid = nextUid++) =>
    prepareMessage({ storage, maxBytes: 1024 * 1024, match: (from) => matchSender(db.prisma, box.organizationId, from), read: oneStatement ? readInThread(storage) : undefined }, { mailbox: box, uidValidity: 1n, uid, body: raw, open: () => { throw new Error('inline'); } });
  const store = async (raws: Buffer[]) => {
    const prepared: PreparedMail[] = [];
    for (const raw of raws) prepared.push(await prepare(raw));
    const cursor = prepared[prepared.length - 1]!.uid;
    const outcomes = await commitGroup(db.prisma, box, prepared, cursor, oneStatement ? db.sql : undefined);
    return { prepared, outcomes, cursor };
  };
  const rowsOf = (uids: number[]) => db.prisma.receivedMail.findMany({ where: { mailboxId: box.id, uid: { in: uids.map(BigInt) } }, include: { attachments: { include: { document: true } } } });

  // Pieces senders really use to break parsers and databases.
  const nasty = fc.constantFrom(
    '=?UTF-8?Q?a=00b?=', '=?UTF-16BE?B?2AA=?=', '=?UTF-16LE?B?ANg=?=', '=?UTF-8?B?7aCA?=', '\u0000', '\uD800', '\uDFFF', '\u202E', '\u2028', '%00', "'; DROP TABLE x; --",
    'x'.repeat(3000), '=?utf-7?Q?+2D3-?=', '=?x-unknown?Q?abc?=', '=?UTF-8?Q?=FF=FE?=', '"\\', '<>', 'é', '\r\n\t', '../../', '=?',
  );
  const text = fc.array(fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 40 })), { maxLength: 4 }).map((a) => a.join('').replace(/\r?\n(?![ \t])/g, '\r\n '));
  const date = fc.constantFrom('Mon, 1 Jan 10000 00:00:00 +0000', 'Fri, 31 Dec 9999 23:59:59 -1400', 'not a date', '', 'Tue, 1 Jan 1901 00:00:00 +0000', 'Thu, 1 Jan 1970 00:00:00 +0000');
  const message = fc.record({ subject: text, name: text, messageId: text, date, filename: text, contentType: fc.constantFrom('application/pdf', 'application/日本語', 'x', 'text/plain; name="\u0000"'), body: text }).map((m) =>
    Buffer.from(
      [
        `From: "${m.name}" <sender@example.org>`, `Subject: ${m.subject}`, `Message-ID: <${m.messageId}@example.org>`, `Date: ${m.date}`, 'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="zz"', '', '--zz', 'Content-Type: text/plain; charset=utf-8', '', m.body, '--zz',
        `Content-Type: ${m.contentType}`, `Content-Disposition: attachment; filename="${m.filename}"`, '', 'PDF', '--zz--', '',
      ].join('\r\n'),
      'utf8',
    ),
  );

  it('stores or quarantines every message, whatever its headers and body, and moves the cursor past all of them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 4 }), async (raws) => {
        const { prepared, outcomes, cursor } = await store(raws);
        const rows = await rowsOf(prepared.map((p) => p.uid));
        const duplicates = await db.prisma.receivedDuplicate.count({ where: { mailboxId: box.id, uid: { in: prepared.map((p) => BigInt(p.uid)) } } });
        // Each message is a row (stored or quarantined) or a recorded true duplicate of one.
        expect(rows.length + duplicates).toBe(raws.length);
        // Made storable up front: the one-by-one quarantine is the last resort, not the rule.
        expect(rows.filter((r) => r.reason?.startsWith('could not be stored')).map((r) => r.reason)).toEqual([]);
        expect(outcomes.every((o) => ['filed', 'unassigned', 'report', 'quarantined', 'duplicate'].includes(o))).toBe(true);
        for (const r of rows) {
          for (const v of [r.subject, r.fromName, r.messageId, r.textBody, ...r.attachments.map((a) => a.document.filename)]) {
            expect(v ?? '').not.toContain('\u0000');
            expect(v ?? '').toBe(wellFormed(v ?? '')); // no lone surrogate
          }
          for (const a of r.attachments) expect(a.document.filename).not.toMatch(/[\\/\u202E\u2028]|\.\./);
          if (r.date) expect(r.date.getUTCFullYear()).toBeLessThanOrEqual(9999);
        }
        expect((await db.prisma.mailboxAccount.findUniqueOrThrow({ where: { id: box.id } })).lastUid).toBe(BigInt(cursor));
      }),
      { numRuns: 25 },
    );
  });

  it('keeps a Message-ID longer than an index holds, and a Date past year 9999 as unknown with its text', async () => {
    const id = `<${'a'.repeat(3000)}@example.org>`;
    const { outcomes } = await store([Buffer.from(`From: a@example.org\r\nMessage-ID: ${id}\r\nDate: Mon, 1 Jan 10000 00:00:00 +0000\r\nSubject: long id\r\n\r\nhi\r\n`)]);
    expect(outcomes).toEqual(['unassigned']);
    const row = await db.prisma.receivedMail.findFirstOrThrow({ where: { mailboxId: box.id, subject: 'long id' } });
    // The Message-ID is kept to the RFC 5322 line limit; its unique key is a hash that fits the index.
    expect(row).toMatchObject({ messageId: id.slice(0, 998), date: null, dateHeader: 'Mon, 1 Jan 10000 00:00:00 +0000' });
  });

  it('quarantines, with the reason and its UID, a message the database refuses even alone, and stores the rest of its group', async () => {
    // A refusal nothing in the code foresees, made by the database itself.
    await db.sql.exec(`CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN IF NEW.subject = 'poison' THEN RAISE EXCEPTION 'poison refused by a trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON "ReceivedMail" FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
    const mail = (subject: string, i: number) => Buffer.from(`From: a@example.org\r\nMessage-ID: <g${i}@example.org>\r\nSubject: ${subject}\r\n\r\nhi\r\n`);
    const { prepared, outcomes, cursor } = await store([mail('fine 1', 1), mail('poison', 2), mail('fine 2', 3)]);
    expect(outcomes).toEqual(['unassigned', 'quarantined', 'unassigned']);
    const poison = await db.prisma.receivedMail.findFirstOrThrow({ where: { mailboxId: box.id, uid: BigInt(prepared[1]!.uid) } });
    expect(poison).toMatchObject({ category: 'quarantined', messageId: '<g2@example.org>', rawStorageKey: prepared[1]!.row.rawStorageKey });
    expect(poison.reason).toContain('poison refused by a trigger');
    expect((await db.prisma.mailboxAccount.findUniqueOrThrow({ where: { id: box.id } })).lastUid).toBe(BigInt(cursor));
    await db.sql.exec('DROP TRIGGER refuse_poison ON "ReceivedMail"; DROP FUNCTION refuse_poison();');
  });

  it('stores a different mail reusing a Message-ID as its own mail, and counts a true duplicate with its twin', async () => {
    const mail = (body: string) => Buffer.from(`From: a@example.org\r\nMessage-ID: <reused@example.org>\r\nSubject: Certificat\r\n\r\n${body}\r\n`);
    const first = await store([mail('le vrai certificat')]);
    const other = await store([mail('un autre contenu')]);
    // The same mail again, as delivered a second time (another Received line).
    const again = await store([Buffer.concat([Buffer.from('Received: from relay.example.org\r\n'), mail('le vrai certificat')])]);
    expect([first.outcomes, other.outcomes, again.outcomes]).toEqual([['unassigned'], ['unassigned'], ['duplicate']]);
    const rows = await db.prisma.receivedMail.findMany({ where: { mailboxId: box.id, messageId: '<reused@example.org>' }, orderBy: { uid: 'asc' } });
    expect(rows.map((r) => r.textBody?.trim())).toEqual(['le vrai certificat', 'un autre contenu']);
    const dup = await db.prisma.receivedDuplicate.findFirstOrThrow({ where: { mailboxId: box.id, uid: BigInt(again.prepared[0]!.uid) } });
    expect(dup.twinId).toBe(rows[0]!.id);
    // Stored again under the same UID (a re-poll): nothing new.
    expect(await commitGroup(db.prisma, box, other.prepared, undefined, oneStatement ? db.sql : undefined)).toEqual(['reread']);
  });
});
