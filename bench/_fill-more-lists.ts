import type { SqlRunner } from '../src/db/sql';

/**
 * Fills one organisation with `count` invoices, bookings and validities and
 * a hundredth of that in maintenance periods, by SQL (generate_series), for
 * the lists of invoices and notifications: 200 structures (a federation's
 * clubs), 500 resources, the members fillLists made (memberIdOf), 36 monthly
 * periods of invoices, bookings every 40 s over 13 months (the last month
 * still to come: 90 % confirmed, 6 % cancelled, 4 % waitlisted), validities
 * expiring from six months ago to a year ahead.
 */
export const MORE_TABLES = ['Structure', 'Resource', 'Invoice', 'Booking', 'Validity', 'MaintenancePeriod'];

export const structureIdOf = (org: string, n: number) => `md5('${org.replace(/'/g, "''")}-st-' || (${n}))::uuid::text`;

export async function fillMoreLists(sql: SqlRunner, opts: { organizationId: string; count: number; members: number }): Promise<void> {
  const org = opts.organizationId.replace(/'/g, "''");
  const n = opts.count;
  const member = (i: string) => `md5('${org}-m-' || ((${i}) % ${opts.members}))::uuid::text`;
  const structure = (i: string) => `md5('${org}-st-' || ((${i}) % 200))::uuid::text`;
  const resource = (i: string) => `md5('${org}-res-' || ((${i}) % 500))::uuid::text`;
  const now = `(now() AT TIME ZONE 'UTC')`;
  const perPeriod = Math.max(1, Math.ceil(n / 36));
  await sql.exec(`
    INSERT INTO "Structure" (id, "organizationId", name, "updatedAt")
    SELECT ${structure('i')}, '${org}', 'Club ' || i, now() FROM generate_series(0, 199) i;
    INSERT INTO "Resource" (id, "organizationId", "structureId", name)
    SELECT ${resource('i')}, '${org}', ${structure('i')}, 'F-' || upper(substr(md5('r' || i), 1, 4)) FROM generate_series(0, 499) i;

    INSERT INTO "Invoice" (id, "organizationId", "structureId", "memberId", number, period, "amountExclTaxCents", "amountInclTaxCents", "editedAt", "lastSentAt", "createdAt", "updatedAt")
    SELECT md5('${org}-inv-' || i)::uuid::text, '${org}', ${structure('i')}, ${member('i')}, 'F' || lpad(i::text, 8, '0'),
           to_char(date_trunc('month', ${now}) - ((i / ${perPeriod}) * interval '1 month'), 'YYYY-MM'),
           1000 + i % 90000, 1200 + i % 90000, ${now} - (i / ${perPeriod}) * interval '1 month',
           CASE WHEN i % 10 < 8 THEN ${now} - (i / ${perPeriod}) * interval '1 month' END, ${now}, ${now}
      FROM generate_series(0, ${n - 1}) i;

    INSERT INTO "Booking" (id, "organizationId", "structureId", "memberId", "resourceId", "startAt", "endAt", status, "createdAt", "updatedAt", "workflowStartedAt")
    SELECT md5('${org}-b-' || i)::uuid::text, '${org}', ${structure('i')}, ${member('i * 7')}, ${resource('i')},
           ${now} + interval '30 days' - i * interval '40 seconds', ${now} + interval '30 days' - i * interval '40 seconds' + (1 + i % 3) * interval '1 hour',
           CASE WHEN i % 100 < 90 THEN 'confirmed' WHEN i % 100 < 96 THEN 'cancelled' ELSE 'waitlisted' END,
           ${now} + interval '23 days' - i * interval '40 seconds', ${now}, ${now}
      FROM generate_series(0, ${n - 1}) i;

    INSERT INTO "Validity" (id, "organizationId", "memberId", kind, "expiresAt", "createdAt")
    SELECT md5('${org}-v-' || i)::uuid::text, '${org}', ${member('i')}, (ARRAY['licence', 'medical', 'insurance'])[1 + i % 3],
           ${now} - interval '180 days' + i * (interval '540 days' / ${n}), ${now}
      FROM generate_series(0, ${n - 1}) i;

    INSERT INTO "MaintenancePeriod" (id, "organizationId", "resourceId", "startAt", "endAt", reason)
    SELECT md5('${org}-mp-' || i)::uuid::text, '${org}', ${resource('i')}, ${now} + interval '7 days' - i * interval '1 hour', ${now} + interval '7 days' - i * interval '1 hour' + interval '4 hours', 'Visite ' || i
      FROM generate_series(0, ${Math.max(1, Math.floor(n / 100)) - 1}) i;
  `);
}
