import { keysetPage, utc, type Branch, type KeysetPage, type PageRequest } from '../db/keyset';
import type { SqlRunner } from '../db/sql';
import { personName } from '../invoices/format';

/**
 * The notification lists that grow with the seasons (bookings, maintenance,
 * validities), keyset-paged like the sent log: each order and filter is a
 * range of an index (organisation[, filter], key, id), counts are bounded.
 */
type Db = { sql: SqlRunner };
interface Ref { id: string; name: string }
const MEMBER = (alias: string) => `(SELECT json_build_object('id', m."id", 'firstName', m."firstName", 'lastName', m."lastName") FROM "Member" m WHERE m."id" = ${alias}."memberId") AS "member"`;
const RESOURCE = (alias: string) => `(SELECT json_build_object('id', r."id", 'name', r."name") FROM "Resource" r WHERE r."id" = ${alias}."resourceId") AS "resource"`;
const memberRef = (m: { id: string; firstName: string; lastName: string }): Ref => ({ id: m.id, name: personName(m) });

/** Filters that add `"column" <op> $n` with the value as the next parameter. */
function conditions(organizationId: string) {
  const params: unknown[] = [organizationId];
  const where = ['"organizationId" = $1'];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
    return `$${params.length}`;
  };
  return { params, where, add };
}
const instant = (p: string) => `${p}::timestamptz AT TIME ZONE 'UTC'`;

/** Bookings by start; the waiting list (status=waitlisted) by request time, the order it moves up. */
export const BOOKING_ORDER = [{ column: '"startAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;
export const WAITLIST_ORDER = [{ column: '"createdAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

export interface BookingQuery {
  resourceId?: string;
  memberId?: string;
  status?: 'confirmed' | 'waitlisted' | 'cancelled';
  /** Bookings still running at or after this instant (default: all). */
  from?: Date;
  to?: Date;
}

export interface BookingItem { id: string; member: Ref; resource: Ref; start: string; end: string; status: string; sequence: number; createdAt: string }

/**
 * `from` (still running at that instant) is not a range of the start order, and
 * walking starts from the first booking ever to find the running ones would read
 * every past booking. It is two ranges instead: bookings starting at or after
 * `from` (the start index), and those started before and not yet ended (few;
 * the GiST index over organisation, status, start and end finds them), merged.
 */
export async function listBookings(db: Db, organizationId: string, q: BookingQuery, page: PageRequest): Promise<KeysetPage<BookingItem>> {
  const { params, where, add } = conditions(organizationId);
  if (q.resourceId) add((p) => `"resourceId" = ${p}`, q.resourceId);
  if (q.memberId) add((p) => `"memberId" = ${p}`, q.memberId);
  if (q.status) add((p) => `"status" = ${p}`, q.status);
  if (q.to) add((p) => `"startAt" < ${instant(p)}`, q.to.toISOString());
  let branches: Branch[] | undefined;
  if (q.from) {
    params.push(q.from.toISOString());
    const p = instant(`$${params.length}`);
    // The first branch's end is a filter (IS TRUE: no index condition): with it, the GiST index
    // looked cheaper to the planner, which misjudges how few rows match two ranges, and read every
    // upcoming booking of the resource then sorted them (130 heap rows for a page of 10, 138
    // buffers); without it, the start index gives the page in order (11 rows, 16 buffers).
    branches = [{ condition: `"startAt" >= ${p} AND ("endAt" > ${p}) IS TRUE` }, { condition: `"startAt" < ${p} AND "endAt" > ${p}`, unordered: true }];
  }
  const found = await keysetPage(db.sql, {
    table: '"Booking"', where, params, branches, descending: false,
    order: q.status === 'waitlisted' ? WAITLIST_ORDER : BOOKING_ORDER,
    columns: ['"id"', '"memberId"', '"resourceId"', '"status"', '"sequence"', utc('"startAt"', 'start'), utc('"endAt"', 'end'), utc('"createdAt"', 'createdAt')],
    related: [MEMBER('p'), RESOURCE('p')],
  }, page);
  return {
    ...found,
    items: found.items.map((b) => ({
      id: b.id as string, member: memberRef(b.member as { id: string; firstName: string; lastName: string }), resource: b.resource as Ref,
      start: (b.start as Date).toISOString(), end: (b.end as Date).toISOString(), status: b.status as string, sequence: b.sequence as number, createdAt: (b.createdAt as Date).toISOString(),
    })),
  };
}

/** Maintenance periods, latest start first (the id, descending too, breaking ties). */
export const MAINTENANCE_ORDER = [{ column: '"startAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

export interface MaintenanceItem { id: string; resource: Ref; start: string; end: string; reason: string }

export async function listMaintenance(db: Db, organizationId: string, q: { resourceId?: string; from?: Date }, page: PageRequest): Promise<KeysetPage<MaintenanceItem>> {
  const { params, where, add } = conditions(organizationId);
  if (q.resourceId) add((p) => `"resourceId" = ${p}`, q.resourceId);
  if (q.from) add((p) => `"endAt" > ${instant(p)}`, q.from.toISOString());
  const found = await keysetPage(db.sql, {
    table: '"MaintenancePeriod"', where, params, descending: true, order: MAINTENANCE_ORDER,
    columns: ['"id"', '"resourceId"', '"reason"', utc('"startAt"', 'start'), utc('"endAt"', 'end')],
    related: [RESOURCE('p')],
  }, page);
  return {
    ...found,
    items: found.items.map((m) => ({ id: m.id as string, resource: m.resource as Ref, start: (m.start as Date).toISOString(), end: (m.end as Date).toISOString(), reason: m.reason as string })),
  };
}

/** Validities soonest to expire first, the id breaking ties. */
export const VALIDITY_ORDER = [{ column: '"expiresAt"', type: 'timestamp' }, { column: '"id"', type: 'text' }] as const;

export interface ValidityItem { id: string; member: Ref; kind: string; expiresAt: string; alertsSent: { stage: number; sentAt: string }[] }

/** With the alert stages already sent (latest stage first), read for the page's rows only. */
export async function listValidities(db: Db, organizationId: string, q: { memberId?: string; expiresBefore?: Date }, page: PageRequest): Promise<KeysetPage<ValidityItem>> {
  const { params, where, add } = conditions(organizationId);
  if (q.memberId) add((p) => `"memberId" = ${p}`, q.memberId);
  if (q.expiresBefore) add((p) => `"expiresAt" < ${instant(p)}`, q.expiresBefore.toISOString());
  const found = await keysetPage(db.sql, {
    table: '"Validity"', where, params, descending: false, order: VALIDITY_ORDER,
    columns: ['"id"', '"memberId"', '"kind"', utc('"expiresAt"', 'expiresAt')],
    related: [
      MEMBER('p'),
      // sentAt is timestamp(3) in UTC: written as an ISO instant here, as toISOString() would.
      `(SELECT coalesce(json_agg(json_build_object('stage', a."stage", 'sentAt', to_char(a."sentAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY a."stage" DESC), '[]')
          FROM "ValidityAlert" a WHERE a."validityId" = p."id") AS "alertsSent"`,
    ],
  }, page);
  return {
    ...found,
    items: found.items.map((v) => ({
      id: v.id as string, member: memberRef(v.member as { id: string; firstName: string; lastName: string }), kind: v.kind as string,
      expiresAt: (v.expiresAt as Date).toISOString(), alertsSent: v.alertsSent as { stage: number; sentAt: string }[],
    })),
  };
}
