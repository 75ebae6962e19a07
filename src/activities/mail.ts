import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AttachmentRef } from '../mail/compose';
import { composeMessage } from '../mail/compose';
import { parseAddress } from '../mail/addresses';
import { classifySmtpError } from '../mail/smtp-errors';
import { resolveSenderAccount } from '../mail/transports';
import { signMessage } from '../outgoing/dkim';
import { isAlertTemplate, raiseAlert } from '../alerts/raise-alert';
import { flagInvalidAddress, setRecipientStatus } from '../delivery/recipients';
import { AppError, toActivityFailure } from '../shared/errors';
import type { ActivityDeps } from './deps';

export const sentMessageKey = (sentEmailId: string) => `sent/${sentEmailId}.eml`;

export interface DeliveryOutcome {
  status: 'sent' | 'skipped';
  messageId: string;
  response?: string;
  rejected?: string[];
}

export function createMailActivities(deps: ActivityDeps) {
  const { prisma, storage } = deps;
  const alertDeps = { ...deps, messageIdDomain: deps.config.MESSAGE_ID_DOMAIN };

  /**
   * Sends one recorded message. Never sends a message already recorded as sent;
   * re-sends the stored bytes (same Message-ID) when an earlier attempt's outcome
   * is unknown, e.g. the worker died after the server accepted it.
   */
  async function deliverEmail(sentEmailId: string): Promise<DeliveryOutcome> {
    const row = await prisma.sentEmail.findUnique({ where: { id: sentEmailId } });
    if (!row) throw ApplicationFailure.nonRetryable(`sent email ${sentEmailId} does not exist`, 'NOT_FOUND');
    if (row.status === 'sent' || row.status === 'bounced' || row.status === 'cancelled' || row.status === 'failed') {
      return { status: 'skipped', messageId: row.messageId };
    }

    const number = row.attempts + 1;
    await prisma.$transaction([
      prisma.sentEmail.update({ where: { id: row.id }, data: { status: 'sending', attempts: number } }),
      prisma.sendAttempt.upsert({
        where: { sentEmailId_number: { sentEmailId: row.id, number } },
        create: { sentEmailId: row.id, number },
        update: { startedAt: new Date() },
      }),
    ]);

    const account = await resolveSenderAccount(deps, row.organizationId, row.structureId);
    const org = await prisma.organization.findUnique({ where: { id: row.organizationId }, select: { bounceDomain: true, dkimDomain: true, dkimSelector: true, dkimPrivateKeyEnc: true } });
    const key = sentMessageKey(row.id);
    if (!(await storage.exists(key))) {
      const tmpKey = `${key}.${process.pid}.partial`;
      await fs.promises.mkdir(path.dirname(storage.path(key)), { recursive: true });
      const composed = composeMessage({
          messageId: row.messageId,
          date: new Date(),
          from: row.fromAddress,
          replyTo: row.replyTo,
          to: row.to,
          cc: row.cc,
          bcc: row.bcc,
          subject: row.subject,
          text: row.textBody,
          html: row.htmlBody,
          headers: { ...(row.headers as Record<string, string>), 'X-Mailroom-Id': row.id },
          attachments: row.attachments as unknown as AttachmentRef[],
          storagePath: storage.path,
        });
      // Signed once, before storing: a re-send after an unknown outcome is byte-identical.
      const signed = org?.dkimDomain && org.dkimSelector && org.dkimPrivateKeyEnc
        ? signMessage(composed, { domainName: org.dkimDomain, keySelector: org.dkimSelector, privateKey: deps.secrets.decrypt(org.dkimPrivateKeyEnc) })
        : composed;
      await pipeline(signed, fs.createWriteStream(storage.path(tmpKey)));
      await fs.promises.rename(storage.path(tmpKey), storage.path(key));
    }

    // With a bounce domain, the envelope sender names the message (VERP), so a
    // bounce identifies it even when the returned headers are cut (RFC 5321 §4.5.5).
    const envelopeFrom = org?.bounceDomain ? `bounces+${row.id}@${org.bounceDomain}` : (parseAddress(row.fromAddress)?.address ?? row.fromAddress);
    const rcpt = [...row.to, ...row.cc, ...row.bcc].map((a) => parseAddress(a)?.address ?? a);
    // Heartbeat while the transfer runs, so a large message on a slow link is not
    // mistaken for a dead worker, and a dead worker is noticed quickly.
    const ctx = Context.current();
    ctx.heartbeat({ attempt: number });
    const beat = setInterval(() => ctx.heartbeat({ attempt: number }), Math.max(1000, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 3));
    try {
      const result = await deps.transports.get(account).send({ from: envelopeFrom, to: rcpt }, () => storage.get(key), row.id);
      clearInterval(beat);
      const rejectedNote = result.rejected.length ? `refused recipients: ${result.rejected.join(', ')}` : null;
      await prisma.$transaction([
        prisma.sentEmail.update({
          where: { id: row.id },
          data: { status: 'sent', sentAt: new Date(), smtpResponse: result.response, transport: account.label, lastError: rejectedNote },
        }),
        prisma.sendAttempt.update({
          where: { sentEmailId_number: { sentEmailId: row.id, number } },
          data: { finishedAt: new Date(), outcome: 'sent', smtpResponse: result.response },
        }),
      ]);
      await recordRecipients(row, result.accepted, result.rejected, rejectedNote);
      return { status: 'sent', messageId: row.messageId, response: result.response, rejected: result.rejected };
    } catch (err) {
      clearInterval(beat);
      const failure = err instanceof AppError ? err : classifySmtpError(err);
      if (failure.code === 'SMTP_CONNECTION') deps.transports.evict(account);
      const permanent = !failure.retryable;
      // Every recipient refused at RCPT TO (5xx): each address is a hard bounce.
      const refused = (err as { rejected?: string[] }).rejected;
      if (permanent && refused?.length) await recordRecipients(row, [], refused, failure.message);
      await prisma.$transaction([
        prisma.sentEmail.update({
          where: { id: row.id },
          data: permanent
            ? { status: 'failed', failedAt: new Date(), lastError: failure.message, transport: account.label }
            : { status: 'queued', lastError: failure.message, transport: account.label },
        }),
        prisma.sendAttempt.update({
          where: { sentEmailId_number: { sentEmailId: row.id, number } },
          data: { finishedAt: new Date(), outcome: permanent ? 'failed' : 'retry', error: failure.message },
        }),
      ]);
      throw toActivityFailure(failure);
    }
  }

  async function recordRecipients(row: { id: string; organizationId: string; templateKey: string | null }, accepted: string[], rejected: string[], reason: string | null) {
    for (const a of accepted) await setRecipientStatus(prisma, row.id, a, 'accepted');
    for (const r of rejected) {
      await setRecipientStatus(prisma, row.id, r, 'rejected', reason);
      await flagInvalidAddress(prisma, row.organizationId, r, reason ?? 'refused by the mail server');
      if (!isAlertTemplate(row.templateKey)) await raiseAlert(alertDeps, { organizationId: row.organizationId, sentEmailId: row.id, recipient: r, status: 'bounced', reason });
    }
  }

  /** Called by the workflow when the message will not be sent (permanent refusal or retries exhausted): record it and tell staff. */
  async function markEmailFailed(sentEmailId: string, reason: string): Promise<void> {
    await prisma.sentEmail.updateMany({
      where: { id: sentEmailId, status: { in: ['queued', 'sending'] } },
      data: { status: 'failed', failedAt: new Date(), lastError: reason },
    });
    const row = await prisma.sentEmail.findUnique({ where: { id: sentEmailId } });
    if (row?.status === 'failed' && !isAlertTemplate(row.templateKey)) {
      await raiseAlert(alertDeps, { organizationId: row.organizationId, sentEmailId, status: 'failed', reason: row.lastError ?? reason });
    }
  }

  return { deliverEmail, markEmailFailed };
}
