import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import { Prisma, type AlertEvent } from '../generated/prisma/client';
import { queueEmail, type QueueDeps } from '../mail/queue-email';
import { startSendWorkflow } from '../mail/start-send';
import { REASONS, type Reason } from '../delivery/reasons';
import { workflowIds } from '../shared/names';
import { startAttributes } from '../temporal/search-attributes';

export interface AlertDeps extends QueueDeps {
  temporal?: Client;
  config: Config;
}

/**
 * failed: never left; bounced: refused by the recipient's server; complaint:
 * the member reported it as spam; sending-setup: our own SPF/DKIM/DMARC
 * failed at the receiving server — the organisation's set-up, not the member.
 */
export type AlertStatus = 'failed' | 'bounced' | 'complaint' | 'sending-setup';

export interface AlertInput {
  organizationId: string;
  sentEmailId: string;
  recipient?: string | null;
  status: AlertStatus;
  reason?: string | null;
  /** Reason key (src/delivery/reasons.ts) for bounces and complaints. */
  bounceReason?: Reason | null;
}

const STATUS_WORDS: Record<AlertStatus, string> = {
  failed: 'échec d’envoi',
  bounced: 'rejeté par le serveur du destinataire (bounce)',
  complaint: 'signalé comme indésirable (spam) par le destinataire',
  'sending-setup': 'refusé : l’authentification de nos envois (SPF/DKIM/DMARC) a échoué',
};

/** What staff should do, by what happened: only a dead address is the member's record to fix. */
function advice(input: AlertInput): string {
  if (input.status === 'sending-setup') return 'Le serveur destinataire n’a pas pu authentifier notre envoi : vérifiez les enregistrements SPF, DKIM et DMARC du domaine d’envoi de l’organisation (l’adresse du membre n’est pas en cause).';
  if (input.status === 'complaint') return 'Les envois non essentiels à ce membre sont arrêtés (préférences de notification).';
  if (input.bounceReason && REASONS[input.bounceReason].deadAddress) return 'L’adresse n’existe pas : elle est marquée invalide dans la fiche du membre. Corrigez-la puis renvoyez le message.';
  if (input.bounceReason) return `L’adresse du membre reste valide (${REASONS[input.bounceReason].label}) ; renvoyez le message plus tard si besoin.`;
  return 'Vérifiez l’adresse dans la fiche du membre puis renvoyez le message.';
}

/** Mail that tells staff about failures is never itself the subject of an alert (no loops). */
export const isAlertTemplate = (templateKey: string | null | undefined) => Boolean(templateKey?.startsWith('alert.'));

/**
 * Records that staff must hear about a failed or bounced message — once per
 * message, recipient and status — then mails the alert addresses at once (or
 * leaves it for the hourly digest) and starts the durable webhook delivery.
 */
export async function raiseAlert(deps: AlertDeps, input: AlertInput): Promise<AlertEvent | null> {
  const { prisma } = deps;
  const eventKey = `${input.status}:${input.sentEmailId}:${input.recipient ?? '*'}`;
  let event: AlertEvent;
  try {
    event = await prisma.alertEvent.create({
      data: { organizationId: input.organizationId, sentEmailId: input.sentEmailId, eventKey, recipient: input.recipient ?? null, status: input.status, reason: input.reason ?? null, bounceReason: input.bounceReason ?? null },
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return null; // already raised
    throw err;
  }
  const settings = await prisma.alertSettings.findUnique({ where: { organizationId: input.organizationId } });
  if (!settings) return event;

  if (settings.emails.length && settings.emailMode === 'immediate') {
    const sent = await prisma.sentEmail.findUnique({ where: { id: input.sentEmailId } });
    const { sentEmail, created } = await queueEmail(deps, {
      organizationId: input.organizationId,
      to: settings.emails,
      template: {
        key: 'alert.failure',
        data: {
          destinataire: input.recipient ?? sent?.to.join(', ') ?? '',
          statut: STATUS_WORDS[input.status],
          raison: [input.bounceReason ? REASONS[input.bounceReason].label : null, input.reason].filter(Boolean).join(' — '),
          conseil: advice(input),
          sujet: sent?.subject ?? '',
          date: (sent?.sentAt ?? sent?.queuedAt ?? new Date()).toISOString(),
          identifiant: input.sentEmailId,
          lien: `${deps.config.PUBLIC_URL ?? ''}/api/v1/sent-emails/${input.sentEmailId}`,
        },
      },
      idempotencyKey: `alert:${event.id}`,
      relatedType: 'alert',
      relatedId: event.id,
    });
    if (created && deps.temporal) await startSendWorkflow({ temporal: deps.temporal, prisma, config: deps.config }, sentEmail);
    await prisma.alertEvent.update({ where: { id: event.id }, data: { emailedAt: new Date() } });
  }
  if (settings.webhookUrl && deps.temporal) await startAlertWebhook(deps.temporal, deps.config, event);
  return event;
}

export async function startAlertWebhook(temporal: Client, config: Config, event: AlertEvent): Promise<void> {
  try {
    await temporal.workflow.start('alertWebhookWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIds.alertWebhook(event.id),
      args: [{ alertEventId: event.id, organizationId: event.organizationId, retry: { initialIntervalSeconds: config.ALERT_WEBHOOK_RETRY_INITIAL_SECONDS, maximumIntervalSeconds: config.ALERT_WEBHOOK_RETRY_MAX_SECONDS } }],
      typedSearchAttributes: startAttributes(config, event.organizationId),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
