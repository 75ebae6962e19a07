import { ApplicationFailure, Context } from '@temporalio/activity';
import { sendAlertDigests } from '../alerts/digest';
import { postWebhook, type WebhookPayload } from '../alerts/webhook';
import { isReason, REASONS } from '../delivery/reasons';
import { syncDeliveryMailbox, type SyncResult } from '../delivery/sync-mailbox';
import { syncReceivedReports } from '../delivery/sync-received';
import { purgeExpiredSentEmails } from '../retention/purge';
import { AppError, toActivityFailure } from '../shared/errors';
import type { ActivityDeps } from './deps';

const WEBHOOK_TYPES: Record<string, WebhookPayload['type']> = {
  failed: 'message.failed',
  bounced: 'message.bounced',
  complaint: 'message.complaint',
  'sending-setup': 'sending.authentication-failed',
};

export function createDeliveryActivities(deps: ActivityDeps) {
  const alertDeps = { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN };

  /** One batch: reports set aside by reception, then the bounce mailbox; the workflow calls again while `more`. */
  async function syncDeliveryReports(organizationId: string): Promise<SyncResult> {
    try {
      const received = await syncReceivedReports(alertDeps, organizationId);
      const mailbox = await syncDeliveryMailbox({ ...alertDeps, rejectUnauthorized: deps.config.IMAP_TLS_REJECT_UNAUTHORIZED }, organizationId, {
        heartbeat: (n) => Context.current().heartbeat(n),
      });
      const outcomes = { ...mailbox.outcomes };
      for (const [k, v] of Object.entries(received.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
      return { processed: received.processed + mailbox.processed, more: mailbox.more || received.processed >= 200, outcomes };
    } catch (err) {
      throw err instanceof AppError ? toActivityFailure(err) : err;
    }
  }

  /** Posts one alert to the organisation's webhook; anything but 2xx is retried by Temporal. */
  async function postAlertWebhook(alertEventId: string): Promise<{ status: number } | { skipped: string }> {
    const event = await deps.prisma.alertEvent.findUnique({ where: { id: alertEventId }, include: { sentEmail: true } });
    if (!event) return { skipped: 'event deleted' };
    if (event.webhookDeliveredAt) return { skipped: 'already delivered' };
    const settings = await deps.prisma.alertSettings.findUnique({ where: { organizationId: event.organizationId } });
    if (!settings?.webhookUrl) return { skipped: 'no webhook configured' };
    await deps.prisma.alertEvent.update({ where: { id: event.id }, data: { webhookAttempts: { increment: 1 } } });
    const payload: WebhookPayload = {
      type: WEBHOOK_TYPES[event.status] ?? 'message.failed',
      organizationId: event.organizationId,
      messageId: event.sentEmailId,
      rfc822MessageId: event.sentEmail?.messageId ?? null,
      recipient: event.recipient ?? event.sentEmail?.to.join(', ') ?? null,
      status: event.status,
      reason: event.reason,
      bounceReason: event.bounceReason,
      deadAddress: isReason(event.bounceReason) ? REASONS[event.bounceReason].deadAddress : false,
      subject: event.sentEmail?.subject ?? null,
      related: event.sentEmail?.relatedType && event.sentEmail.relatedId ? { type: event.sentEmail.relatedType, id: event.sentEmail.relatedId } : null,
      occurredAt: event.createdAt.toISOString(),
    };
    const secret = settings.webhookSecretEnc ? deps.secrets.decrypt(settings.webhookSecretEnc) : null;
    const res = await postWebhook(settings.webhookUrl, secret, payload);
    if (res.status < 200 || res.status >= 300) {
      throw ApplicationFailure.retryable(`webhook answered ${res.status}: ${res.body}`, 'UPSTREAM_UNAVAILABLE');
    }
    await deps.prisma.alertEvent.update({ where: { id: event.id }, data: { webhookDeliveredAt: new Date() } });
    return { status: res.status };
  }

  async function sendHourlyAlertDigests(): Promise<{ digests: number; events: number }> {
    return sendAlertDigests(alertDeps);
  }

  async function purgeSentEmails(): Promise<{ deleted: number; organizations: number }> {
    return purgeExpiredSentEmails(deps, { heartbeat: (n) => Context.current().heartbeat(n) });
  }

  return { syncDeliveryReports, postAlertWebhook, sendHourlyAlertDigests, purgeSentEmails };
}
