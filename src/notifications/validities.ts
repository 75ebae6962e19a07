import { Prisma } from '../generated/prisma/client';
import { notifyMember, subscribedManagers, type NotifyDeps } from './notify';
import { utcDay } from '../shared/utc-day';

const DAY = 24 * 3600 * 1000;

/** Whole days from the start of `now`'s day to the start of the expiry day, in the organisation's time zone. */
export function daysUntil(expiresAt: Date, now: Date, timeZone: string): number {
  const day = (d: Date) => {
    const [y, m, dd] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d).split('-').map(Number);
    return utcDay(y!, m! - 1, dd!);
  };
  return Math.round((day(expiresAt) - day(now)) / DAY);
}

/**
 * The daily scan: each validity reaching a stage (default 30, 7 and 0 days
 * before expiry) gets that stage's alert once — to the member, to managers
 * alerted for all validities of the structure, or into their daily digest.
 * A stage is claimed in the database before the mail is queued, so a re-run
 * of the same day sends nothing twice.
 */
export async function scanValidities(deps: NotifyDeps, now: Date): Promise<{ alerts: number; digests: number }> {
  const { prisma } = deps;
  let alerts = 0;
  let digests = 0;
  for (const org of await prisma.organization.findMany({ select: { id: true, timeZone: true, validityStages: true, name: true } })) {
    const stages = [...(org.validityStages.length ? org.validityStages : [30, 7, 0])].sort((a, b) => b - a);
    const horizon = new Date(now.getTime() + (stages[0]! + 1) * DAY);
    const validities = await prisma.validity.findMany({ where: { organizationId: org.id, expiresAt: { lte: horizon, gte: new Date(now.getTime() - DAY) } }, include: { member: true, alerts: true } });
    const digest = new Map<string, string[]>();
    for (const v of validities) {
      const days = daysUntil(v.expiresAt, now, org.timeZone);
      if (days < 0) continue;
      // The current stage is the smallest one not below the days left; earlier stages missed are not sent late.
      const stage = [...stages].reverse().find((s) => s >= days);
      if (stage === undefined || v.alerts.some((a) => a.stage <= stage)) continue;
      try {
        await prisma.validityAlert.create({ data: { validityId: v.id, stage } });
      } catch (err) {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') continue;
        throw err;
      }
      const data = { validite: v.kind, echeance: new Intl.DateTimeFormat('fr-FR', { timeZone: org.timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(v.expiresAt), jours: days, membre: `${v.member.firstName} ${v.member.lastName}` };
      if (await notifyMember(deps, { organizationId: org.id, memberId: v.memberId, kind: 'validity', templateKey: 'validity.expiring', data, idempotencyKey: `validity:${v.id}:${stage}`, relatedType: 'validity', relatedId: v.id })) alerts += 1;
      for (const managerId of await subscribedManagers(prisma, org.id, v.member.structureId, 'subscribeValidities', 'immediate')) {
        if (managerId === v.memberId) continue;
        await notifyMember(deps, { organizationId: org.id, memberId: managerId, kind: 'validity', templateKey: 'validity.manager', data, idempotencyKey: `validity:${v.id}:${stage}:manager:${managerId}`, relatedType: 'validity', relatedId: v.id });
      }
      for (const managerId of await subscribedManagers(prisma, org.id, v.member.structureId, 'subscribeValidities', 'digest')) {
        if (!digest.has(managerId)) digest.set(managerId, []);
        digest.get(managerId)!.push(`- ${data.membre} : ${v.kind}, le ${data.echeance} (dans ${days} jours)`);
      }
    }
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: org.timeZone }).format(now);
    for (const [managerId, lines] of digest) {
      if (await notifyMember(deps, { organizationId: org.id, memberId: managerId, kind: 'validity', templateKey: 'validity.digest', data: { liste: lines.join('\n'), nombre: lines.length }, idempotencyKey: `validity-digest:${managerId}:${today}`, relatedType: 'validity-digest', relatedId: managerId })) digests += 1;
    }
  }
  return { alerts, digests };
}
