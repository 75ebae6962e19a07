import { encodeCursor, type OrderKey } from '../src/db/keyset';
import type { SqlRunner } from '../src/db/sql';
import { INVOICE_ORDER } from '../src/invoices/list-invoices';
import { BOOKING_ORDER, VALIDITY_ORDER } from '../src/notifications/list-keyset';
import { memberIdOf, withoutIndexes } from './_fill-lists';
import { fillMoreLists, MORE_TABLES } from './_fill-more-lists';

/** A list query the search bench times: its API path and its floor (the page's ids by plain SQL). */
export interface Kind {
  name: string;
  path: (i: number) => string;
  floor: (i: number) => [string, unknown[]];
}

/** Fills the invoices, bookings, validities and maintenance of the bench's two organisations once per schema. */
export async function fillMoreOnce(sql: SqlRunner, count: number, log: (line: string) => void): Promise<void> {
  await sql.exec(`CREATE TABLE IF NOT EXISTS "BenchFillMore" (count INT PRIMARY KEY)`);
  if ((await sql.query(`SELECT 1 FROM "BenchFillMore" WHERE count = $1`, [count])).length) return;
  const [f] = await sql.query<{ org: string; other: string }>(`SELECT org, other FROM "BenchFill" WHERE count = $1`, [count]);
  const t0 = Date.now();
  const tenth = Math.max(1, Math.floor(count / 10));
  await withoutIndexes(sql, async (s) => {
    await fillMoreLists(s, { organizationId: f!.org, count, members: count });
    await fillMoreLists(s, { organizationId: f!.other, count: tenth, members: tenth });
  }, (line) => log(`fill (invoices, bookings, validities): ${line}`), MORE_TABLES);
  for (const t of MORE_TABLES) await sql.exec(`VACUUM ANALYZE "${t}"`);
  await sql.query(`INSERT INTO "BenchFillMore" (count) VALUES ($1)`, [count]);
  log(`filled ${count} invoices, bookings and validities, ${count / 100} maintenance periods (+ a tenth in another organisation) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

export async function moreKinds(sql: SqlRunner, org: string, count: number): Promise<Kind[]> {
  const depths = [0.2, 0.4, 0.5, 0.7, 0.9].map((f) => Math.floor(f * count * 0.8));
  const at = async (order: readonly OrderKey[], select: string, from: string, orderBy: string, offset: number) => {
    const [row] = await sql.query<Record<string, string>>(`SELECT ${select} FROM ${from} AND "organizationId" = $1 ORDER BY ${orderBy} OFFSET ${offset} LIMIT 1`, [org]);
    return row ? encodeCursor(Object.values(row), order) : '';
  };
  const ms = (c: string) => `floor(extract(epoch FROM "${c}") * 1000)::bigint::text`;
  const invoiceCursors = await Promise.all(depths.map((d) => at(INVOICE_ORDER, 'period, number, id', '"Invoice" WHERE true', 'period DESC, number, id', d)));
  const bookingCursors = await Promise.all(depths.map((d) => at(BOOKING_ORDER, `${ms('startAt')}, id`, '"Booking" WHERE true', '"startAt", id', d)));
  const validityCursors = await Promise.all(depths.map((d) => at(VALIDITY_ORDER, `${ms('expiresAt')}, id`, '"Validity" WHERE true', '"expiresAt", id', d)));
  const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
  const structures = (await sql.query<{ id: string }>(`SELECT id FROM "Structure" WHERE "organizationId" = $1 ORDER BY id LIMIT 200`, [org])).map((r) => r.id);
  const resources = (await sql.query<{ id: string }>(`SELECT id FROM "Resource" WHERE "organizationId" = $1 ORDER BY id LIMIT 500`, [org])).map((r) => r.id);
  const periods = (await sql.query<{ period: string }>(`SELECT DISTINCT period FROM "Invoice" WHERE "organizationId" = $1 ORDER BY period DESC LIMIT 36`, [org])).map((r) => r.period);
  const member = (i: number) => memberIdOf(org, (i * 7919) % Math.min(count, 100_000));
  const now = new Date().toISOString();
  const inv = (extra: string, params: unknown[] = [], after = ''): [string, unknown[]] => [`SELECT id FROM "Invoice" WHERE "organizationId" = $1 AND ${extra} ORDER BY period DESC, number, id ${after} LIMIT 10`, [org, ...params]];
  const book = (extra: string, params: unknown[] = [], order = '"startAt", id'): [string, unknown[]] => [`SELECT id FROM "Booking" WHERE "organizationId" = $1 AND ${extra} ORDER BY ${order} LIMIT 10`, [org, ...params]];
  const val = (extra: string, params: unknown[] = []): [string, unknown[]] => [`SELECT id FROM "Validity" WHERE "organizationId" = $1 AND ${extra} ORDER BY "expiresAt", id LIMIT 10`, [org, ...params]];
  return [
    { name: 'invoices: first page', path: () => '/invoices', floor: () => inv('true') },
    { name: 'invoices: page 5', path: () => '/invoices?page=5', floor: () => inv('true', [], 'OFFSET 40') },
    { name: 'invoices: deep cursor', path: (i) => `/invoices?cursor=${pick(invoiceCursors, i)}`, floor: () => inv('true') },
    { name: 'invoices: period', path: (i) => `/invoices?period=${pick(periods, i)}`, floor: (i) => inv('period = $2', [pick(periods, i)]) },
    { name: 'invoices: structure', path: (i) => `/invoices?structureId=${pick(structures, i)}`, floor: (i) => inv('"structureId" = $2', [pick(structures, i)]) },
    { name: 'invoices: structure and period', path: (i) => `/invoices?structureId=${pick(structures, i)}&period=${pick(periods, i * 7)}`, floor: (i) => inv('"structureId" = $2 AND period = $3', [pick(structures, i), pick(periods, i * 7)]) },
    { name: 'invoices: member', path: (i) => `/invoices?memberId=${member(i)}`, floor: (i) => inv('"memberId" = $2', [member(i)]) },
    { name: 'bookings: first page', path: () => '/bookings', floor: () => book('true') },
    { name: 'bookings: deep cursor', path: (i) => `/bookings?cursor=${pick(bookingCursors, i)}`, floor: () => book('true') },
    { name: 'bookings: upcoming (console)', path: () => `/bookings?status=confirmed&from=${now}`, floor: () => book(`status = 'confirmed' AND "endAt" > $2::timestamptz AT TIME ZONE 'UTC' AND "startAt" >= $2::timestamptz AT TIME ZONE 'UTC' - interval '3 hours'`, [now]) },
    { name: 'bookings: waiting list', path: () => '/bookings?status=waitlisted', floor: () => book(`status = 'waitlisted'`, [], '"createdAt", id') },
    { name: 'bookings: cancelled', path: () => '/bookings?status=cancelled', floor: () => book(`status = 'cancelled'`) },
    { name: 'bookings: resource upcoming', path: (i) => `/bookings?resourceId=${pick(resources, i)}&status=confirmed&from=${now}`, floor: (i) => book(`"resourceId" = $2 AND status = 'confirmed' AND "endAt" > $3::timestamptz AT TIME ZONE 'UTC' AND "startAt" >= $3::timestamptz AT TIME ZONE 'UTC' - interval '3 hours'`, [pick(resources, i), now]) },
    { name: 'bookings: member', path: (i) => `/bookings?memberId=${member(i)}`, floor: (i) => book('"memberId" = $2', [member(i)]) },
    { name: 'validities: first page', path: () => '/validities', floor: () => val('true') },
    { name: 'validities: deep cursor', path: (i) => `/validities?cursor=${pick(validityCursors, i)}`, floor: () => val('true') },
    { name: 'validities: expiring before', path: () => `/validities?expiresBefore=${now}`, floor: () => val(`"expiresAt" < $2::timestamptz AT TIME ZONE 'UTC'`, [now]) },
    { name: 'validities: member', path: (i) => `/validities?memberId=${member(i)}`, floor: (i) => val('"memberId" = $2', [member(i)]) },
    { name: 'maintenance: first page', path: () => '/maintenance-periods', floor: () => [`SELECT id FROM "MaintenancePeriod" WHERE "organizationId" = $1 ORDER BY "startAt" DESC, id DESC LIMIT 10`, [org]] },
    { name: 'maintenance: resource', path: (i) => `/maintenance-periods?resourceId=${pick(resources, i)}`, floor: (i) => [`SELECT id FROM "MaintenancePeriod" WHERE "organizationId" = $1 AND "resourceId" = $2 ORDER BY "startAt" DESC, id DESC LIMIT 10`, [org, pick(resources, i)]] },
  ];
}
