import crypto from 'node:crypto';
import type { SqlRunner } from '../src/db/sql';
import { searchable } from '../src/reception/classify';

/**
 * Fills one organisation with `count` received mails, sent emails, members
 * (one address each) and documents, by SQL (generate_series), in a realistic
 * mix: French subjects with accents, a few thousand correspondents, filed /
 * unassigned / reports, sent / failed / bounced, templates, a year of dates.
 * Ids are deterministic per organisation (`<prefix>-<n>` hashed into a UUID) so
 * mails and documents point at real members. The search triggers are turned
 * off during the fill and their result put together from pieces folded here
 * once (searchable(), what mailroom_fold gives for these Latin texts) and
 * spelled by mailroom_spell as the triggers do, since a
 * million row-by-row trigger updates would dominate the fill.
 */
export interface FillOptions {
  organizationId: string;
  count: number;
  /** Members get their own count (default: count). */
  members?: number;
  /** A mailbox id of the organisation for the received mails (created when absent). */
  mailboxId?: string;
  /** Seconds between two consecutive rows' dates (default 30: a million rows span a year). */
  spacingSeconds?: number;
}

export const SUBJECTS = [
  'Certificat médical', 'Relevé de vol', 'Facture', 'Carnet de sauts', 'Inscription', 'Cotisation annuelle',
  'Réservation avion', 'Météo du week-end', 'Licence fédérale', 'Assurance', 'Brevet théorique', 'Rappel échéance',
  'Procès-verbal assemblée', 'Demande de renseignements', 'Convocation', 'Décollage annulé',
] as const;
export const DOMAINS = ['club-aero.fr', 'orange.fr', 'gmail.com', 'laposte.net', 'free.fr', 'example.org'] as const;
const FIRST = ['Jeanne', 'Paul', 'Anaïs', 'Josiane', 'Éric', 'Zoé', 'Hélène', 'Jérôme', 'Noël', 'François', 'Céline', 'Loïc'];
const LAST = ['Martin', 'Mailly', 'Bernard', 'Lefèvre', 'Dubois', 'Gaël', 'Moreau', 'Bréhat', 'Girard', 'Roché', 'Faure', 'Müller'];

const fold = (values: readonly string[]) => values.map((v) => searchable(v));
const arr = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;
const pick = (values: readonly string[], expr: string) => `(${arr(values)})[1 + ((${expr}) % ${values.length})]`;

export function memberIdOf(organizationId: string, n: number): string {
  // Mirrors the SQL below: md5('<org>-m-<n>') read as a UUID.
  const hex = crypto.createHash('md5').update(`${organizationId}-m-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function fillLists(sql: SqlRunner, opts: FillOptions): Promise<{ mailboxId: string }> {
  const org = opts.organizationId.replace(/'/g, "''");
  const n = opts.count;
  const members = opts.members ?? n;
  const spacing = opts.spacingSeconds ?? 30;
  const memberExpr = (i: string) => `md5('${org}-m-' || (${i}))::uuid::text`;
  const at = (i: string) => `(now() AT TIME ZONE 'UTC') - ((${i}) * interval '${spacing} seconds')`;
  // Addresses are ASCII, as most are: the folded first name.
  const address = (i: string) => `${pick(fold(FIRST), i)} || '.' || (${i}) || '@' || ${pick(DOMAINS, `(${i}) / 7`)}`;

  let mailboxId = opts.mailboxId;
  if (!mailboxId) {
    mailboxId = `${opts.organizationId}-mailbox`;
    await sql.query(
      `INSERT INTO "MailboxAccount" (id, "organizationId", host, port, security, username, folder, "disconnectedAt", "updatedAt") VALUES ($1, $2, 'imap.example.org', 993, 'ssl', 'club', 'INBOX', now(), now())
       ON CONFLICT DO NOTHING`,
      [mailboxId, opts.organizationId],
    );
  }

  await sql.exec(`ALTER TABLE "Member" DISABLE TRIGGER "Member_searchText"; ALTER TABLE "MemberEmail" DISABLE TRIGGER "MemberEmail_searchText"; ALTER TABLE "SentEmail" DISABLE TRIGGER "SentEmail_searchText"; ALTER TABLE "ReceivedMail" DISABLE TRIGGER "ReceivedMail_searchText";`);
  try {
    await sql.exec(`
      INSERT INTO "Member" (id, "organizationId", "firstName", "lastName", "licenceNumber", "searchText", "updatedAt")
      SELECT ${memberExpr('i')}, '${org}', ${pick(FIRST, 'i')}, ${pick(LAST, 'i / 12')} || '-' || (i % 997), 'LIC' || i,
             mailroom_spell(concat_ws(' ', ${pick(fold(FIRST), 'i')}, ${pick(fold(LAST), 'i / 12')} || '-' || (i % 997), 'lic' || i, ${address('i')})), now()
        FROM generate_series(0, ${members - 1}) i;
      INSERT INTO "MemberEmail" (id, "organizationId", "memberId", address, normalized)
      SELECT md5('${org}-e-' || i)::uuid::text, '${org}', ${memberExpr('i')}, ${address('i')}, ${address('i')}
        FROM generate_series(0, ${members - 1}) i;

      INSERT INTO "ReceivedMail" (id, "organizationId", "mailboxId", "uidValidity", uid, "messageKey", "fromAddress", "fromName", "to", subject, date, size,
                                  "rawStorageKey", category, "memberId", "searchText", "receivedAt")
      SELECT md5('${org}-r-' || i)::uuid::text, '${org}', '${mailboxId.replace(/'/g, "''")}', 1, i, '<r' || i || '@${org}>',
             ${address('i % 5000')}, ${pick(FIRST, 'i % 5000')}, ARRAY['secretariat@club-aero.fr'],
             ${pick(SUBJECTS, 'i / 3')} || ' n° ' || (i % 10007), ${at('i')}, 2000 + i % 50000, 'raw/' || i,
             CASE WHEN i % 100 < 70 THEN 'filed' WHEN i % 100 < 95 THEN 'unassigned' WHEN i % 100 < 98 THEN 'report' ELSE 'quarantined' END,
             CASE WHEN i % 100 < 70 THEN ${memberExpr(`i % ${members}`)} END,
             mailroom_spell(concat_ws(' ', ${pick(fold(SUBJECTS), 'i / 3')} || ' n° ' || (i % 10007), ${pick(fold(FIRST), 'i % 5000')}, ${address('i % 5000')}, 'secretariat@club-aero.fr')),
             ${at('i')}
        FROM generate_series(0, ${n - 1}) i;

      INSERT INTO "SentEmail" (id, "organizationId", "memberId", "templateKey", "idempotencyKey", "fromAddress", "to", subject, "messageId", status,
                               attempts, "searchText", "queuedAt", "sentAt", "createdAt", "updatedAt")
      SELECT md5('${org}-s-' || i)::uuid::text, '${org}', ${memberExpr(`i % ${members}`)},
             (ARRAY['invoice', 'booking.confirmation', 'booking.reminder', 'validity.expiring', NULL, NULL])[1 + i % 6],
             'bench:' || i, 'Club <secretariat@club-aero.fr>', ARRAY[${address(`i % ${members}`)}], ${pick(SUBJECTS, 'i / 5')} || ' ' || (i % 10007),
             '<s' || i || '@${org}>',
             (CASE WHEN i % 100 < 92 THEN 'sent' WHEN i % 100 < 96 THEN 'failed' WHEN i % 100 < 98 THEN 'bounced' ELSE 'queued' END)::"SentEmailStatus", 1,
             mailroom_spell(concat_ws(' ', ${pick(fold(SUBJECTS), 'i / 5')} || ' ' || (i % 10007), 'club <secretariat@club-aero.fr>', ${address(`i % ${members}`)})),
             ${at('i')}, ${at('i')}, ${at('i')}, now()
        FROM generate_series(0, ${n - 1}) i;

      INSERT INTO "Document" (id, "organizationId", "memberId", kind, filename, "contentType", size, sha256, "storageKey", source, "createdAt")
      SELECT md5('${org}-d-' || i)::uuid::text, '${org}', ${memberExpr(`i % ${Math.max(1, Math.min(members, 1000))}`)}, 'other', 'piece-' || i || '.pdf', 'application/pdf',
             1000 + i % 90000, md5('d' || i) || md5('d' || i), 'docs/' || i, 'upload', ${at('i')}
        FROM generate_series(0, ${n - 1}) i;
    `);
  } finally {
    await sql.exec(`ALTER TABLE "Member" ENABLE TRIGGER "Member_searchText"; ALTER TABLE "MemberEmail" ENABLE TRIGGER "MemberEmail_searchText"; ALTER TABLE "SentEmail" ENABLE TRIGGER "SentEmail_searchText"; ALTER TABLE "ReceivedMail" ENABLE TRIGGER "ReceivedMail_searchText";`);
  }
  return { mailboxId };
}

/** Fresh statistics and visibility map after a bulk fill, as autovacuum would give a settled database. */
export async function settle(sql: SqlRunner): Promise<void> {
  for (const t of ['Member', 'MemberEmail', 'ReceivedMail', 'SentEmail', 'Document']) await sql.exec(`VACUUM ANALYZE "${t}"`);
}

const LIST_TABLES = ['Member', 'MemberEmail', 'ReceivedMail', 'SentEmail', 'Document'];

/**
 * Runs a bulk fill with the list tables' secondary indexes dropped and builds
 * them again afterwards, in one session with room to sort: building an index
 * over a million rows is far cheaper than maintaining it row by row.
 */
export async function withoutIndexes(sql: SqlRunner, fill: (session: SqlRunner) => Promise<void>, log?: (line: string) => void, tables: string[] = LIST_TABLES): Promise<void> {
  await sql.withSession(async (s) => {
    const session: SqlRunner = { ...s, withSession: (fn) => fn(s) };
    const indexes = await s.query<{ name: string; def: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(ix.indexrelid) AS def FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND t.relname = ANY($1) AND NOT ix.indisprimary`,
      [tables],
    );
    for (const i of indexes) await s.exec(`DROP INDEX "${i.name}"`);
    // Foreign keys are checked by per-row triggers; a superuser's session can skip them
    // (the fill's references are right by construction). Elsewhere the checks just run.
    const replica = await s.exec(`SET session_replication_role = replica`).then(() => true, () => false);
    const t0 = Date.now();
    try {
      await fill(session);
    } finally {
      if (replica) await s.exec('RESET session_replication_role');
      const t1 = Date.now();
      await s.exec(`SET maintenance_work_mem = '512MB'`);
      for (const i of indexes) await s.exec(i.def);
      await s.exec('RESET maintenance_work_mem');
      log?.(`rows in ${((t1 - t0) / 1000).toFixed(0)} s, ${indexes.length} indexes in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    }
  });
}
