import type { SentEmail } from '../generated/prisma/client';
import type { SendResult } from '../mail/transports';
import { isAlertTemplate, raiseAlert, type AlertDeps } from '../alerts/raise-alert';
import { classifyReason } from './bounce/classify';
import { statusIn } from './bounce/text-readers';
import { bounceInvalidText, REASONS } from './reasons';
import { flagInvalidAddress, setRecipientStatus } from './recipients';

/** Refused at RCPT TO: the reply's words decide, as for a bounce — only a dead address is flagged. */
export const refusedReason = (words: string | null) => classifyReason({ action: 'failed', status: statusIn(words ?? ''), diagnostic: words });

/** The server's words for the recipients it refused in an accepted transaction, and what they mean. */
export function refusedReading(result: Pick<SendResult, 'rejected' | 'rejectedResponses'>) {
  const words = result.rejectedResponses?.filter(Boolean).join(' ; ') || null;
  return { words, bounceReason: result.rejected.length ? refusedReason(words) : null };
}

/**
 * What recipients refused at RCPT TO mean: each keeps the server's words, a
 * dead address is flagged on the member, and staff are alerted (never for an
 * alert's own message, which would alert about itself).
 */
export async function recordRefused(deps: AlertDeps, row: Pick<SentEmail, 'id' | 'organizationId' | 'templateKey'>, rejected: string[], reason: string | null): Promise<void> {
  const { prisma } = deps;
  const bounceReason = refusedReason(reason);
  for (const r of rejected) {
    await setRecipientStatus(prisma, row.id, r, 'rejected', reason, bounceReason);
    if (REASONS[bounceReason].deadAddress) await flagInvalidAddress(prisma, row.organizationId, r, bounceInvalidText(bounceReason, reason));
    const status = bounceReason === 'auth-failure' ? 'sending-setup' : 'bounced';
    if (!isAlertTemplate(row.templateKey)) await raiseAlert(deps, { organizationId: row.organizationId, sentEmailId: row.id, recipient: r, status, reason, bounceReason });
  }
}
