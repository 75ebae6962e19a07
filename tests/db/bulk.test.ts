import { bulkInsert, bulkInsertWithChildren, bulkWrite, withoutNul } from '../../src/db/bulk';
import { BOTH_DATABASES, type TestDatabase } from '../helpers/db';

// The same statements on the database CI uses (PostgreSQL when DATABASE_URL is set) and on embedded PGlite.
describe.each(BOTH_DATABASES)('bulk statements on %s', (_name, open) => {
  let db: TestDatabase;
  let organizationId: string;
  let mailboxId: string;
  beforeAll(async () => {
    db = await open();
    organizationId = (await db.prisma.organization.create({ data: { name: 'Club' } })).id;
    mailboxId = (await db.prisma.mailboxAccount.create({ data: { organizationId, host: 'imap.example', port: 143, security: 'none', username: 'u', pollIntervalSeconds: 60 } })).id;
  });
  afterAll(async () => db?.drop());

  const mail = (uid: number, messageKey: string) => ({
    id: `mail-${uid}-${messageKey}`, organizationId, mailboxId, uidValidity: 7n, uid: BigInt(uid), messageKey, size: 10, rawStorageKey: 'k',
    category: 'unassigned', to: ['a@example.org', 'b@example.org'], cc: [], candidates: [], searchText: 'x', receivedAt: new Date('2026-11-23T10:00:00.000Z'),
    subject: withoutNul('Sujet\u0000 accentué'),
  });

  it('inserts many rows at once, skips those that hit a unique index and returns only the inserted ones', async () => {
    const first = await bulkInsert<{ uid: bigint }>(db.prisma, 'ReceivedMail', [mail(1, '<a@x>'), mail(2, '<b@x>')], ['uid']);
    expect(first.map((r) => Number(r.uid)).sort()).toEqual([1, 2]);
    // Same UID again, and a new UID with an already stored Message-ID: both skipped.
    const second = await bulkInsert<{ uid: bigint }>(db.prisma, 'ReceivedMail', [mail(1, '<c@x>'), mail(3, '<a@x>'), mail(4, '<d@x>')], ['uid']);
    expect(second.map((r) => Number(r.uid))).toEqual([4]);
    const stored = await db.prisma.receivedMail.findFirstOrThrow({ where: { mailboxId, uid: 1n } });
    expect(stored).toMatchObject({ to: ['a@example.org', 'b@example.org'], subject: 'Sujet accentué', receivedAt: new Date('2026-11-23T10:00:00.000Z') });
  });

  it('updates rows each with its own values, and writes several tables in one statement', async () => {
    await bulkWrite(db.prisma, [{ update: 'ReceivedMail', key: ['id'], rows: [] }]);
    const member = await db.prisma.member.create({ data: { organizationId, firstName: 'Paul', lastName: 'Durand' } });
    await bulkWrite(db.prisma, [
      { update: 'ReceivedMail', key: ['id'], rows: [{ id: 'mail-1-<a@x>', category: 'filed', memberId: member.id }, { id: 'mail-2-<b@x>', category: 'report', memberId: null }] },
      { insert: 'Document', rows: [{ id: 'doc-1', organizationId, memberId: member.id, kind: 'other', filename: 'a.pdf', contentType: 'application/pdf', size: 1, sha256: 's', storageKey: 'k', source: 'received', createdAt: new Date() }] },
      { insert: 'ReceivedAttachment', rows: [] },
    ]);
    const rows = await db.prisma.receivedMail.findMany({ where: { mailboxId, uid: { in: [1n, 2n] } }, orderBy: { uid: 'asc' } });
    expect(rows.map((r) => [r.category, r.memberId])).toEqual([['filed', member.id], ['report', null]]);
    expect(await db.prisma.document.count({ where: { id: 'doc-1' } })).toBe(1);
  });

  it('runs the same statements through the driver (db.sql), as the sending path does', async () => {
    const inserted = await bulkInsert<{ id: string }>(db.sql, 'ReceivedMail', [mail(5, '<e@x>'), mail(1, '<f@x>')], ['id']);
    expect(inserted.map((r) => r.id)).toEqual(['mail-5-<e@x>']);
    await bulkWrite(db.sql, [
      { update: 'ReceivedMail', key: ['id'], rows: [{ id: 'mail-5-<e@x>', category: 'report', subject: 'Réponse', receivedAt: new Date('2026-12-01T08:30:00.000Z') }] },
      { insert: 'Document', rows: [{ id: 'doc-2', organizationId, memberId: null, kind: 'other', filename: 'b.pdf', contentType: 'application/pdf', size: 2, sha256: 't', storageKey: 'k2', source: 'received', createdAt: new Date() }] },
    ]);
    const row = await db.prisma.receivedMail.findUniqueOrThrow({ where: { id: 'mail-5-<e@x>' } });
    expect(row).toMatchObject({ category: 'report', subject: 'Réponse', receivedAt: new Date('2026-12-01T08:30:00.000Z'), to: ['a@example.org', 'b@example.org'] });
    expect(await db.prisma.document.count({ where: { id: 'doc-2' } })).toBe(1);
  });

  it('inserts parents and, in the same statement, the children of those really inserted only', async () => {
    const doc = (id: string, storageKey: string) => ({ id, organizationId, memberId: null, kind: 'other', filename: 'c.pdf', contentType: 'application/pdf', size: 3, sha256: id, storageKey, source: 'received', createdAt: new Date() });
    const attachment = (id: string, documentId: string) => ({ id, receivedMailId: 'mail-1-<a@x>', documentId, contentId: null, inline: false });
    // doc-1 exists already: it and its child are skipped; doc-3 and its child are written.
    const inserted = await bulkInsertWithChildren(db.sql, 'Document', [doc('doc-1', 'k'), doc('doc-3', 'k3')], { table: 'ReceivedAttachment', fk: 'documentId', rows: [attachment('att-1', 'doc-1'), attachment('att-3', 'doc-3')] });
    expect(inserted).toEqual(['doc-3']);
    const attachments = await db.prisma.receivedAttachment.findMany({ where: { id: { in: ['att-1', 'att-3'] } } });
    expect(attachments.map((a) => a.id)).toEqual(['att-3']);
  });

  it('writes over the row with the same unique key (only the named columns), and inserts a missing one whole', async () => {
    const sentEmail = await db.prisma.sentEmail.create({ data: { organizationId, idempotencyKey: 'k-upsert', fromAddress: 'a@example.org', to: ['b@example.org'], subject: 'S', messageId: '<upsert@example.org>' } });
    const started = new Date('2026-12-01T08:00:00.000Z');
    await db.prisma.sendAttempt.create({ data: { id: 'attempt-1', sentEmailId: sentEmail.id, number: 1, startedAt: started } });
    const at = new Date('2026-12-01T08:00:05.000Z');
    const attempt = (id: string, number: number) => ({ id, sentEmailId: sentEmail.id, number, startedAt: at, finishedAt: at, outcome: 'sent', error: null, smtpResponse: '250 ok' });
    await bulkWrite(db.sql, [{ upsert: 'SendAttempt', conflict: ['sentEmailId', 'number'], set: ['finishedAt', 'outcome', 'smtpResponse'], rows: [attempt('other-id', 1), attempt('attempt-2', 2)] }]);
    const rows = await db.prisma.sendAttempt.findMany({ where: { sentEmailId: sentEmail.id }, orderBy: { number: 'asc' } });
    expect(rows.map((r) => [r.id, r.number, r.startedAt, r.outcome, r.smtpResponse])).toEqual([['attempt-1', 1, started, 'sent', '250 ok'], ['attempt-2', 2, at, 'sent', '250 ok']]);
  });
});
