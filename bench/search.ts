/**
 * `npm run bench -- search --count 1000000 [--iterations 200]`: fills one
 * organisation with `count` received mails, sent emails, members and documents
 * (and a second organisation with a tenth of that beside them) by SQL, then
 * times every kind of list query through the HTTP API — first page, filters,
 * searches, a deep cursor — p50 / p99 / max, beside the same query's plain
 * indexed SQL (the page's ids alone, straight to the database) as the floor.
 * Run it on PostgreSQL (DATABASE_URL); PGlite works but is not the target.
 * `--reuse` keeps the filled schema (`bench_search_<count>`) for the next run
 * with `--reuse`, which skips the fill; `--only <text>[,<text>…]` times the kinds whose
 * name contains one of the texts. Invoices, bookings, validities and maintenance
 * periods are filled beside them (bench/_fill-more-lists.ts), once per schema.
 */
import os from 'node:os';
import { createApiKey, createOrganization } from '../src/auth/api-keys';
import { encodeCursor } from '../src/db/keyset';
import { searchMatches } from '../src/db/keyset';
import { searchable } from '../src/reception/classify';
import { fillLists, memberIdOf, settle, withoutIndexes } from './_fill-lists';
import { startBenchMailroom } from './_harness';
import { fillMoreOnce, moreKinds, type Kind } from './_more-kinds';


const FIRST = ['jeanne', 'paul', 'anais', 'josiane', 'eric', 'zoe', 'helene', 'jerome', 'noel', 'francois', 'celine', 'loic'];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1]! };
};
const fmt = (n: number) => n.toFixed(1).padStart(6);

export default async function search({ count, iterations = 200, reuse = false, only }: { count: number; iterations?: number; reuse?: boolean; only?: string }): Promise<void> {
  // --reuse: a named schema kept between runs, filled once (new migrations still apply to it).
  const schema = reuse && process.env.DATABASE_URL ? `bench_search_${count}` : undefined;
  // Thousands of requests a minute from one key: the rate limits (a guard, not the measured path) are off.
  const mr = await startBenchMailroom({ RATE_LIMIT_KEY_PER_MINUTE: '0', RATE_LIMIT_CLIENT_PER_MINUTE: '0' }, { api: true, worker: false }, { schema, keep: Boolean(schema) });
  try {
    const { sql } = mr.db;
    await sql.exec(`CREATE TABLE IF NOT EXISTS "BenchFill" (count INT PRIMARY KEY, org TEXT NOT NULL, other TEXT NOT NULL)`);
    const [filled] = await sql.query<{ org: string }>(`SELECT org FROM "BenchFill" WHERE count = $1`, [count]);
    let org = mr.organizationId;
    let apiKey = mr.apiKey;
    if (filled) {
      org = filled.org;
      apiKey = (await createApiKey(mr.db.prisma, { organizationId: org, role: 'admin', name: 'bench' })).key;
      process.stdout.write(`search: reusing the ${count} rows of schema ${schema}\n`);
    } else {
      const other = await createOrganization(mr.db.prisma, 'Other club');
      const t0 = Date.now();
      await withoutIndexes(sql, async (s) => {
        await fillLists(s, { organizationId: org, count });
        await fillLists(s, { organizationId: other.organizationId, count: Math.max(1, Math.floor(count / 10)) });
      }, (line) => process.stdout.write(`search: fill: ${line}\n`));
      await settle(sql);
      await sql.query(`INSERT INTO "BenchFill" (count, org, other) VALUES ($1, $2, $3)`, [count, org, other.organizationId]);
      process.stdout.write(`search: filled ${count} received mails, sent emails, members and documents (+ ${Math.floor(count / 10)} each in another organisation) in ${((Date.now() - t0) / 1000).toFixed(0)} s on ${mr.db.kind}\n`);
    }

    await fillMoreOnce(sql, count, (line) => process.stdout.write(`search: ${line}\n`));
    const members = count;
    const cursorAt = async (table: string, time: string, where: string, offset: number) => {
      const [row] = await sql.query<{ k0: string; k1: string }>(`SELECT floor(extract(epoch FROM "${time}") * 1000)::bigint::text AS k0, id AS k1 FROM "${table}" WHERE "organizationId" = $1 AND ${where} ORDER BY "${time}" DESC, id DESC OFFSET ${offset} LIMIT 1`, [org]);
      return row ? encodeCursor([row.k0, row.k1], [{ type: 'timestamp' }, { type: 'text' }]) : '';
    };
    const depths = [0.2, 0.4, 0.5, 0.7, 0.9].map((f) => Math.floor(f * count * 0.9));
    const mailCursors = await Promise.all(depths.map((d) => cursorAt('ReceivedMail', 'receivedAt', `category IN ('filed', 'unassigned')`, d)));
    const sentCursors = await Promise.all(depths.map((d) => cursorAt('SentEmail', 'queuedAt', 'true', d)));
    const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
    const member = (i: number) => memberIdOf(org, (i * 7919) % Math.min(members, 1000));
    const week = (i: number) => {
      const to = new Date(Date.now() - (((i * 37) % 300) + 10) * 24 * 3600_000 * Math.min(1, count / 1_000_000));
      return { from: new Date(to.getTime() - 7 * 24 * 3600_000).toISOString(), to: to.toISOString() };
    };
    const words = ['facture', 'convocation', 'assurance', 'inscription', 'meteo'];
    const parts = ['ertific', 'scripti', 'otisat', 'ecolla', 'revet th'];
    const accented = ['RELEVÉ DE VOL', 'Météo', 'DÉCOLLAGE', 'procès-verbal', 'Réservation'];
    const rare = (i: number) => `n° ${(i * 131) % 10007} `;
    const sender = (i: number) => { const n = (i * 613) % 5000; return `${FIRST[n % 12]}.${n}@`; };
    const recipient = (i: number) => { const n = (i * 7919) % members; return `${FIRST[n % 12]}.${n}@`; };

    const mailFloor = (extra: string, params: unknown[] = [], order = '"receivedAt" DESC, id DESC'): [string, unknown[]] => [
      `SELECT id FROM "ReceivedMail" WHERE "organizationId" = $1 AND ${extra} ORDER BY ${order} LIMIT 10`, [org, ...params],
    ];
    const sentFloor = (extra: string, params: unknown[] = []): [string, unknown[]] => [
      `SELECT id FROM "SentEmail" WHERE "organizationId" = $1 AND ${extra} ORDER BY "queuedAt" DESC, id DESC LIMIT 10`, [org, ...params],
    ];
    const inbox = `category IN ('filed', 'unassigned')`;
    const q = (s: string) => encodeURIComponent(s);
    const kinds: Kind[] = [
      { name: 'received: first page', path: () => '/received-mails', floor: () => mailFloor(inbox) },
      { name: 'received: page 5', path: () => '/received-mails?page=5', floor: () => [`${mailFloor(inbox)[0]} OFFSET 40`, [org]] },
      { name: 'received: deep cursor', path: (i) => `/received-mails?cursor=${pick(mailCursors, i)}`, floor: () => mailFloor(inbox) },
      { name: 'received: unassigned', path: () => '/received-mails?assigned=false', floor: () => mailFloor(`category = 'unassigned'`) },
      { name: 'received: filed', path: () => '/received-mails?assigned=true', floor: () => mailFloor(`category = 'filed'`) },
      { name: 'received: member', path: (i) => `/received-mails?memberId=${member(i)}`, floor: (i) => mailFloor(`${inbox} AND "memberId" = $2`, [member(i)]) },
      { name: 'received: period (a week)', path: (i) => `/received-mails?from=${week(i).from}&to=${week(i).to}`, floor: (i) => mailFloor(`${inbox} AND "receivedAt" >= $2::timestamptz AT TIME ZONE 'UTC' AND "receivedAt" < $3::timestamptz AT TIME ZONE 'UTC'`, [week(i).from, week(i).to]) },
      { name: 'received: search word', path: (i) => `/received-mails?q=${q(pick(words, i))}`, floor: (i) => mailFloor(`${inbox} AND ${searchMatches('$2', false)}`, [searchable(pick(words, i))]) },
      { name: 'received: search part of word', path: (i) => `/received-mails?q=${q(pick(parts, i))}`, floor: (i) => mailFloor(`${inbox} AND ${searchMatches('$2', false)}`, [searchable(pick(parts, i))]) },
      { name: 'received: search accents/case', path: (i) => `/received-mails?q=${q(pick(accented, i))}`, floor: (i) => mailFloor(`${inbox} AND ${searchMatches('$2', false)}`, [searchable(pick(accented, i))]) },
      { name: 'received: search rare subject', path: (i) => `/received-mails?q=${q(rare(i))}`, floor: (i) => mailFloor(`${inbox} AND ${searchMatches('$2', false)}`, [searchable(rare(i).trim())]) },
      { name: 'received: search sender address', path: (i) => `/received-mails?q=${q(sender(i))}`, floor: (i) => mailFloor(`${inbox} AND ${searchMatches('$2', false)}`, [searchable(sender(i))]) },
      { name: 'sent: first page', path: () => '/sent-emails', floor: () => sentFloor('true') },
      { name: 'sent: deep cursor', path: (i) => `/sent-emails?cursor=${pick(sentCursors, i)}`, floor: () => sentFloor('true') },
      { name: 'sent: status failed', path: () => '/sent-emails?status=failed', floor: () => sentFloor(`status = 'failed'`) },
      { name: 'sent: template', path: () => '/sent-emails?template=booking.reminder', floor: () => sentFloor(`"templateKey" = 'booking.reminder'`) },
      { name: 'sent: member', path: (i) => `/sent-emails?memberId=${member(i)}`, floor: (i) => sentFloor(`"memberId" = $2`, [member(i)]) },
      { name: 'sent: period (a week)', path: (i) => `/sent-emails?from=${week(i).from}&to=${week(i).to}`, floor: (i) => sentFloor(`"queuedAt" >= $2::timestamptz AT TIME ZONE 'UTC' AND "queuedAt" < $3::timestamptz AT TIME ZONE 'UTC'`, [week(i).from, week(i).to]) },
      { name: 'sent: search recipient address', path: (i) => `/sent-emails?q=${q(recipient(i))}`, floor: (i) => sentFloor(`${searchMatches('$2', true)}`, [recipient(i)]) },
      { name: 'sent: search subject word', path: (i) => `/sent-emails?q=${q(pick(accented, i))}`, floor: (i) => sentFloor(`${searchMatches('$2', true)}`, [pick(accented, i)]) },
      { name: 'members: first page', path: () => '/members', floor: () => [`SELECT id FROM "Member" WHERE "organizationId" = $1 ORDER BY "lastName", "firstName", id LIMIT 10`, [org]] },
      { name: 'members: search name', path: (i) => `/members?q=${q(`bréhat-${(i * 7) % 997}`)}`, floor: (i) => [`SELECT id FROM "Member" WHERE "organizationId" = $1 AND ${searchMatches('$2', true)} ORDER BY "lastName", "firstName", id LIMIT 10`, [org, `bréhat-${(i * 7) % 997}`]] },
      { name: 'members: search address', path: (i) => `/members?q=${q(recipient(i))}`, floor: (i) => [`SELECT id FROM "Member" WHERE "organizationId" = $1 AND ${searchMatches('$2', true)} ORDER BY "lastName", "firstName", id LIMIT 10`, [org, recipient(i)]] },
      { name: "documents: a member's", path: (i) => `/members/${member(i)}/documents`, floor: (i) => [`SELECT id FROM "Document" WHERE "organizationId" = $1 AND "memberId" = $2 ORDER BY "createdAt" DESC, id DESC LIMIT 10`, [org, member(i)]] },
      ...(await moreKinds(sql, org, count)),
    ];

    const headers = { Authorization: `Bearer ${apiKey}` };
    const base = `${mr.app.apiUrl}/api/v1`;
    process.stdout.write(`search: ${iterations} requests per kind, one at a time; machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    process.stdout.write(`search: ${'query'.padEnd(34)}  API p50    p99    max (ms) | SQL p50    p99    max (ms) | total\n`);
    const worst = { p99: 0, name: '' };
    for (const kind of kinds.filter((k) => !only || String(only).split(',').some((o) => k.name.includes(o)))) {
      const api: number[] = [];
      const floor: number[] = [];
      let total = '';
      for (let i = -5; i < iterations; i++) {
        const n = Math.abs(i);
        let t = performance.now();
        const res = await fetch(base + kind.path(n), { headers });
        const body = (await res.json()) as { total?: number; totalIsLowerBound?: boolean; detail?: string };
        if (!res.ok) throw new Error(`${kind.name}: ${res.status} ${body.detail ?? ''}`);
        if (i >= 0) api.push(performance.now() - t);
        if (i === 0) total = `${body.total}${body.totalIsLowerBound ? '+' : ''}`;
        const [text, params] = kind.floor(n);
        t = performance.now();
        await sql.query(text, params);
        if (i >= 0) floor.push(performance.now() - t);
      }
      const a = stats(api);
      const f = stats(floor);
      if (a.p99 > worst.p99) Object.assign(worst, { p99: a.p99, name: kind.name });
      process.stdout.write(`search: ${kind.name.padEnd(34)} ${fmt(a.p50)} ${fmt(a.p99)} ${fmt(a.max)}      | ${fmt(f.p50)} ${fmt(f.p99)} ${fmt(f.max)}      | ${total}\n`);
    }
    process.stdout.write(`search: worst API p99 ${worst.p99.toFixed(1)} ms (${worst.name}); load after ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  } finally {
    await mr.stop();
  }
}
