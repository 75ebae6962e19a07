import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { NotificationPreference, PrismaClient, SentEmail } from '../generated/prisma/client';
import type { AttachmentRef } from '../mail/compose';
import { queueEmail, queueEmails, type QueueDeps, type QueueEmailInput } from '../mail/queue-email';
import type { AppError } from '../shared/errors';
import { startSendWorkflow } from '../mail/start-send';

export type NoticeKind = 'bookings' | 'reminders' | 'maintenance' | 'validity' | 'balance' | 'password';

export interface NotifyDeps extends QueueDeps {
  temporal?: Client;
  config: Config;
}

export const DEFAULT_PREFERENCES = { bookings: true, reminders: true, maintenance: true, validity: true, balance: true, reminderLeadMinutes: null as number | null, subscribeBookings: 'none', subscribeMaintenance: false, subscribeValidities: 'none' };

export async function preferencesOf(prisma: PrismaClient, memberId: string): Promise<Omit<NotificationPreference, 'id' | 'organizationId' | 'memberId'>> {
  return (await prisma.notificationPreference.findUnique({ where: { memberId } })) ?? DEFAULT_PREFERENCES;
}

/**
 * Mails one member about one event, unless they switched that kind off
 * (password resets cannot be) or have no working address: then nothing is
 * queued and the sent log shows nothing. The idempotency key makes a repeated
 * event send nothing new.
 */
export interface NotifyInput {
  organizationId: string;
  memberId: string;
  kind: NoticeKind;
  templateKey: string;
  data: Record<string, unknown>;
  idempotencyKey: string;
  attachments?: AttachmentRef[];
  relatedType: string;
  relatedId: string;
  secrets?: string[];
}

export async function notifyMember(deps: NotifyDeps, input: NotifyInput): Promise<SentEmail | null> {
  const { prisma } = deps;
  const member = await prisma.member.findFirst({ where: { id: input.memberId, organizationId: input.organizationId }, include: { emails: { orderBy: { position: 'asc' } } } });
  if (!member) return null;
  if (input.kind !== 'password') {
    const prefs = await preferencesOf(prisma, member.id);
    if (!prefs[input.kind]) return null;
  }
  const address = member.emails.find((e) => !e.invalidAt)?.address;
  if (!address) return null;
  const { sentEmail, created } = await queueEmail(deps, {
    organizationId: input.organizationId,
    structureId: member.structureId,
    memberId: member.id,
    to: [address],
    template: { key: input.templateKey, data: { membre: `${member.firstName} ${member.lastName}`, ...input.data } },
    attachments: input.attachments,
    idempotencyKey: input.idempotencyKey,
    secrets: input.secrets,
    relatedType: input.relatedType,
    relatedId: input.relatedId,
  });
  if (deps.temporal && (created || sentEmail.status === 'queued')) await startSendWorkflow({ temporal: deps.temporal, prisma, config: deps.config }, sentEmail);
  return sentEmail;
}

/** Managers (members of the structure) who asked for every notice of a kind. */
export async function subscribedManagers(prisma: PrismaClient, organizationId: string, structureId: string | null, field: 'subscribeBookings' | 'subscribeMaintenance' | 'subscribeValidities', mode: 'immediate' | 'digest' = 'immediate') {
  const rows = await prisma.notificationPreference.findMany({
    where: { organizationId, ...(field === 'subscribeMaintenance' ? { subscribeMaintenance: true } : { [field]: mode }), member: structureId ? { structureId } : {} },
    select: { memberId: true },
  });
  return rows.map((r) => r.memberId);
}

/**
 * The same rule for many notices at once (the confirmations of a bulk import):
 * members, addresses and preferences are read in one query each and the
 * messages recorded in one statement. Nothing is started: the caller delivers
 * them. A notice that cannot be recorded (e.g. its template is broken) is
 * returned with its error and the others go on.
 */
export async function queueNotices(deps: QueueDeps, inputs: NotifyInput[]): Promise<{ queued: SentEmail[]; errors: { idempotencyKey: string; error: AppError }[] }> {
  const { prisma } = deps;
  const memberIds = [...new Set(inputs.map((i) => i.memberId))];
  const [members, prefs] = await Promise.all([
    prisma.member.findMany({ where: { id: { in: memberIds } }, include: { emails: { orderBy: { position: 'asc' } } } }),
    prisma.notificationPreference.findMany({ where: { memberId: { in: memberIds } } }),
  ]);
  const memberById = new Map(members.map((m) => [m.id, m]));
  const prefsOf = new Map(prefs.map((p) => [p.memberId, p]));
  const wanted: QueueEmailInput[] = [];
  for (const input of inputs) {
    const member = memberById.get(input.memberId);
    if (!member || member.organizationId !== input.organizationId) continue;
    if (input.kind !== 'password' && !(prefsOf.get(member.id) ?? DEFAULT_PREFERENCES)[input.kind]) continue;
    const address = member.emails.find((e) => !e.invalidAt)?.address;
    if (!address) continue;
    wanted.push({
      organizationId: input.organizationId, structureId: member.structureId, memberId: member.id, to: [address],
      template: { key: input.templateKey, data: { membre: `${member.firstName} ${member.lastName}`, ...input.data } },
      attachments: input.attachments, idempotencyKey: input.idempotencyKey, secrets: input.secrets, relatedType: input.relatedType, relatedId: input.relatedId,
    });
  }
  const results = wanted.length ? await queueEmails(deps, wanted) : [];
  const queued: SentEmail[] = [];
  const errors: { idempotencyKey: string; error: AppError }[] = [];
  results.forEach((r, k) => ('error' in r ? errors.push({ idempotencyKey: wanted[k]!.idempotencyKey!, error: r.error }) : queued.push(r.sentEmail)));
  return { queued, errors };
}
