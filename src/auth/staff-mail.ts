import { queueEmail } from '../mail/queue-email';
import { startSendWorkflow } from '../mail/start-send';
import type { NotifyDeps } from '../notifications/notify';

export type StaffDeps = NotifyDeps;

/**
 * Mails a staff user (invitation, password reset) through the normal sending
 * path: rendered from the organisation's template, recorded in the sent log
 * under an idempotency key, delivered by the `send:<id>` workflow.
 */
export async function mailStaff(
  deps: StaffDeps,
  input: {
    organizationId: string; to: string; templateKey: string; data: Record<string, unknown>; idempotencyKey: string; relatedType: string; relatedId: string;
    /** The link's token: masked in what staff can read of the sent log, sent as is. */
    secrets: string[];
  },
): Promise<void> {
  const { sentEmail, created } = await queueEmail(deps, {
    organizationId: input.organizationId,
    to: [input.to],
    template: { key: input.templateKey, data: input.data },
    idempotencyKey: input.idempotencyKey,
    relatedType: input.relatedType,
    relatedId: input.relatedId,
    secrets: input.secrets,
  });
  if (deps.temporal && (created || sentEmail.status === 'queued')) await startSendWorkflow({ temporal: deps.temporal, prisma: deps.prisma, config: deps.config }, sentEmail);
}
