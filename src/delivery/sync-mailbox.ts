import crypto from 'node:crypto';
import type { AlertDeps } from '../alerts/raise-alert';
import type { SecretBox } from '../secrets';
import { applyDeliveryReport, type AppliedReport } from './apply-report';
import { imapFailure, imapOptions, withImap } from '../mail/imap';
import { Prisma } from '../generated/prisma/client';
import { explainMailboxError } from '../reception/verify-mailbox';

export interface SyncResult {
  processed: number;
  more: boolean;
  outcomes: Record<string, number>;
}

/**
 * Reads the next batch of delivery reports from the organisation's bounce
 * mailbox (read-only: flags untouched, nothing deleted) and applies each once.
 * The UID cursor advances after each report is applied; a report is keyed by
 * its own Message-ID (or content hash), so a UIDVALIDITY change that makes us
 * re-read the folder never applies a report twice.
 */
export async function syncDeliveryMailbox(
  deps: AlertDeps & { secrets: SecretBox; rejectUnauthorized?: boolean },
  organizationId: string,
  opts: { batchSize?: number; heartbeat?: (n: number) => void } = {},
): Promise<SyncResult> {
  const { prisma } = deps;
  const box = await prisma.deliveryMailbox.findUnique({ where: { organizationId } });
  if (!box) return { processed: 0, more: false, outcomes: {} };
  const batchSize = opts.batchSize ?? 50;
  const outcomes: Record<string, number> = {};
  try {
    const result = await withImap(imapOptions(box, box.passwordEnc ? deps.secrets.decrypt(box.passwordEnc) : undefined, deps.rejectUnauthorized ?? true), async (client) => {
      const mailbox = await client.mailboxOpen(box.folder, { readOnly: true });
      let lastUid = box.uidValidity === mailbox.uidValidity ? Number(box.lastUid ?? 0) : 0;
      if (box.uidValidity !== mailbox.uidValidity) {
        await prisma.deliveryMailbox.update({ where: { id: box.id }, data: { uidValidity: mailbox.uidValidity, lastUid: 0 } });
      }
      const uids = ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || []).filter((u) => u > lastUid).sort((a, b) => a - b);
      const batch = uids.slice(0, batchSize);
      let processed = 0;
      for (const uid of batch) {
        const msg = await client.fetchOne(String(uid), { source: true, envelope: true }, { uid: true });
        if (msg && msg.source) {
          const key = msg.envelope?.messageId ?? `sha256:${crypto.createHash('sha256').update(msg.source).digest('hex')}`;
          const applied: AppliedReport = await applyDeliveryReport(deps, organizationId, `bounce-mailbox:${key}`, msg.source);
          outcomes[applied.kind] = (outcomes[applied.kind] ?? 0) + 1;
        }
        lastUid = uid;
        processed += 1;
        await prisma.deliveryMailbox.update({ where: { id: box.id }, data: { lastUid } });
        opts.heartbeat?.(processed);
      }
      return { processed, more: uids.length > batch.length };
    });
    await prisma.deliveryMailbox.update({ where: { id: box.id }, data: { lastSyncAt: new Date(), lastError: null, lastErrorCode: null, lastErrorParams: Prisma.DbNull } });
    return { ...result, outcomes };
  } catch (err) {
    const failure = imapFailure(err);
    // Also as a connection-test code and values, for the console to word in the reader's language.
    const explained = explainMailboxError(err, box);
    await prisma.deliveryMailbox.update({ where: { id: box.id }, data: { lastError: failure.message, lastErrorCode: explained.code, lastErrorParams: explained.params } });
    throw failure;
  }
}
