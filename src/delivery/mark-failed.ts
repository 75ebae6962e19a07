import { isAlertTemplate, raiseAlert, type AlertDeps } from '../alerts/raise-alert';
import { finalFailureCode } from '../mail/failure-columns';
import type { AppError } from '../shared/errors';

/**
 * A message that will not be sent (a permanent refusal, or its retries exhausted): recorded
 * failed with its reason's code, and staff alerted (never for an alert's own message).
 */
export async function markSentEmailFailed(deps: AlertDeps, sentEmailId: string, reason: string, failure?: AppError): Promise<void> {
  const { prisma } = deps;
  const stored = await finalFailureCode(prisma, sentEmailId, reason, failure);
  await prisma.sentEmail.updateMany({
    where: { id: sentEmailId, status: { in: ['queued', 'sending'] } },
    data: { status: 'failed', failedAt: new Date(), lastError: reason, lastErrorCode: stored.code, lastErrorParams: stored.params },
  });
  const row = await prisma.sentEmail.findUnique({ where: { id: sentEmailId } });
  if (row?.status === 'failed' && !isAlertTemplate(row.templateKey)) {
    await raiseAlert(deps, { organizationId: row.organizationId, sentEmailId, status: 'failed', reason: row.lastError ?? reason });
  }
}
