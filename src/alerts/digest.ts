import { queueEmail } from '../mail/queue-email';
import { startSendWorkflow } from '../mail/start-send';
import { isReason, REASONS } from '../delivery/reasons';
import type { AlertDeps } from './raise-alert';

/** One mail per organisation (in hourly mode) listing the failures not yet announced. */
export async function sendAlertDigests(deps: AlertDeps, now = new Date()): Promise<{ digests: number; events: number }> {
  const { prisma } = deps;
  const settings = await prisma.alertSettings.findMany({ where: { emailMode: 'hourly' } });
  let digests = 0;
  let events = 0;
  for (const s of settings) {
    if (!s.emails.length) continue;
    const pending = await prisma.alertEvent.findMany({ where: { organizationId: s.organizationId, emailedAt: null }, orderBy: { createdAt: 'asc' }, include: { sentEmail: true }, take: 500 });
    if (!pending.length) continue;
    const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    const lines = pending.map((e) => `- ${e.createdAt.toISOString()} · ${e.recipient ?? e.sentEmail?.to.join(', ') ?? '?'} · « ${e.sentEmail?.subject ?? ''} » · ${e.status}${isReason(e.bounceReason) ? ` (${REASONS[e.bounceReason].label})` : ''} · ${e.reason ?? ''}`);
    const { sentEmail, created } = await queueEmail(deps, {
      organizationId: s.organizationId,
      to: s.emails,
      template: { key: 'alert.digest', data: { nombre: pending.length, liste: lines.join('\n'), periode: `${hour.toISOString().slice(0, 13)}h UTC` } },
      // One digest per organisation and batch of events: a retried activity re-finds the same mail.
      idempotencyKey: `alert-digest:${s.organizationId}:${pending[0]!.id}:${pending.length}`,
      relatedType: 'alert-digest',
    });
    if (created && deps.temporal) await startSendWorkflow({ temporal: deps.temporal, prisma, config: deps.config }, sentEmail);
    await prisma.alertEvent.updateMany({ where: { id: { in: pending.map((e) => e.id) } }, data: { emailedAt: now } });
    digests += 1;
    events += pending.length;
  }
  return { digests, events };
}
