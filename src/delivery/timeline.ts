import type { SqlRunner } from '../db/sql';

export interface TimelineDay {
  /** Calendar day in the organisation's time zone, YYYY-MM-DD. */
  day: string;
  total: number;
  byStatus: Record<string, number>;
}

const DAY_MS = 86_400_000;
/** A chart of more than a year of days says nothing more and costs a full scan. */
export const TIMELINE_MAX_DAYS = 366;

/**
 * Messages queued per day and status, days counted in the organisation's time
 * zone (queuedAt is stored as UTC without zone, Prisma's DateTime). Days with
 * nothing are left out; the chart fills them.
 */
export async function deliveryTimeline(sql: SqlRunner, organizationId: string, range: { from: Date; to: Date; timeZone: string }): Promise<TimelineDay[]> {
  const rows = await sql.query<{ day: string; status: string; n: number }>(
    `SELECT to_char(("queuedAt" AT TIME ZONE 'UTC') AT TIME ZONE $2, 'YYYY-MM-DD') AS day, status::text AS status, count(*)::int AS n
       FROM "SentEmail" WHERE "organizationId" = $1 AND "queuedAt" >= $3 AND "queuedAt" < $4
      GROUP BY 1, 2 ORDER BY 1`,
    [organizationId, range.timeZone, range.from, range.to],
  );
  const days = new Map<string, TimelineDay>();
  for (const r of rows) {
    const d = days.get(r.day) ?? { day: r.day, total: 0, byStatus: {} };
    d.total += Number(r.n);
    d.byStatus[r.status] = (d.byStatus[r.status] ?? 0) + Number(r.n);
    days.set(r.day, d);
  }
  return [...days.values()];
}

/** Default and bounded range: the last 30 days, at most TIMELINE_MAX_DAYS. */
export function timelineRange(from: Date | undefined, to: Date | undefined, now = new Date()): { from: Date; to: Date } {
  const end = to ?? now;
  let start = from ?? new Date(end.getTime() - 30 * DAY_MS);
  if (end.getTime() - start.getTime() > TIMELINE_MAX_DAYS * DAY_MS) start = new Date(end.getTime() - TIMELINE_MAX_DAYS * DAY_MS);
  return { from: start, to: end };
}
