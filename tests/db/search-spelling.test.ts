import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Database } from '../../src/db/client';
import { applyMigrations, readMigrations } from '../../src/db/migrate';
import { listMembers } from '../../src/members/list-members';
import { listSentEmails } from '../../src/outgoing/list-sent-emails';
import { listReceivedMails } from '../../src/reception/list-mails';
import { searchable } from '../../src/reception/classify';

const SPELLING = '20261209110000_search_spelling';

/**
 * Upgrading a database whose rows were written before the search text spelled
 * punctuation (migration 20261209110000): the migration rewrites every row's
 * search text, so addresses and numbered names are found at once, by the same
 * searches as new rows. On PostgreSQL (DATABASE_URL) and on PGlite.
 */
describe('search spelling migration', () => {
  let db: Database;
  let schema: string | undefined;
  const page = { page: 1, pageSize: 10 };

  beforeAll(async () => {
    const base = process.env.DATABASE_URL;
    if (base) {
      schema = `t_${crypto.randomBytes(6).toString('hex')}`;
      const url = new URL(base);
      url.searchParams.set('schema', schema);
      db = await createDatabase({ url: url.toString(), poolSize: 2 });
      await db.sql.exec(`CREATE SCHEMA "${schema}"`);
    } else {
      db = await createDatabase({});
    }
    // Every migration before this one, as a database of the previous release has them.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-before-'));
    for (const m of readMigrations().filter((f) => f.name < SPELLING)) {
      fs.mkdirSync(path.join(dir, m.name));
      fs.writeFileSync(path.join(dir, m.name, 'migration.sql'), m.script);
    }
    await applyMigrations(db.sql, dir);
  }, 60_000);
  afterAll(async () => {
    if (schema) await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.close();
  });

  it('rewrites the rows already there, and the searches find them by address and numbered name', async () => {
    const org = await db.prisma.organization.create({ data: { name: 'Aéroclub' } });
    const member = await db.prisma.member.create({
      data: { organizationId: org.id, firstName: 'Anaïs', lastName: 'Le Bréhat-7', emails: { create: [{ organizationId: org.id, address: 'Anais.B-7@Vol-Libre.fr', normalized: 'anais.b-7@vol-libre.fr' }] } },
    });
    const sent = await db.prisma.sentEmail.create({
      data: { organizationId: org.id, idempotencyKey: 'k1', fromAddress: 'club@club.example', to: ['anais.b-7@vol-libre.fr'], subject: 'Reçu n°42', messageId: '<k1@test>' },
      // Only the id back: the schema here is the previous release's, without the columns added since.
      select: { id: true },
    });
    const mailbox = await db.prisma.mailboxAccount.create({ data: { organizationId: org.id, host: 'imap.example.org', port: 993, security: 'ssl', username: 'u', folder: 'INBOX' } });
    const mail = await db.prisma.receivedMail.create({
      data: {
        organizationId: org.id, mailboxId: mailbox.id, uidValidity: 1n, uid: 1n, messageKey: '<m1@test>', fromAddress: 'anais.b-7@vol-libre.fr', to: ['club@club.example'],
        subject: 'Carnet n°12', size: 10, rawStorageKey: 'raw/1', category: 'unassigned', searchText: searchable('Carnet n°12', 'anais.b-7@vol-libre.fr', 'club@club.example'),
      },
    });

    const applied = await applyMigrations(db.sql);
    expect(applied.applied).toEqual(readMigrations().filter((f) => f.name >= SPELLING).map((f) => f.name));

    const ids = (found: { items: { id: string }[] }) => found.items.map((i) => i.id);
    for (const q of ['ANAIS.B-7@', 'bréhat-7', 'b-7@vol-libre.fr']) {
      expect(ids(await listMembers(db, org.id, { q }, page))).toEqual([member.id]);
    }
    expect(ids(await listSentEmails(db, org.id, { q: 'Anaïs.b-7@vol' }, page))).toEqual([sent.id]);
    expect(ids(await listSentEmails(db, org.id, { q: 'n°42' }, page))).toEqual([sent.id]);
    expect(ids(await listReceivedMails(db, org.id, { q: 'S.B-7@VOL' }, page))).toEqual([mail.id]);
    expect(ids(await listReceivedMails(db, org.id, { q: 'carnet n°1' }, page))).toEqual([mail.id]);
    expect(ids(await listReceivedMails(db, org.id, { q: 'carnet n°2' }, page))).toEqual([]);
    // A row written after the upgrade is spelled by the same trigger.
    await db.prisma.receivedMail.update({ where: { id: mail.id }, data: { searchText: searchable('Autre sujet', 'x_y@exemple.fr') } });
    expect(ids(await listReceivedMails(db, org.id, { q: 'x_y@' }, page))).toEqual([mail.id]);
    expect(ids(await listReceivedMails(db, org.id, { q: 's.b-7' }, page))).toEqual([]);
  });
});
