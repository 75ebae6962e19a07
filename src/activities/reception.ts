import { Context } from '@temporalio/activity';
import { startDeliverySync } from '../delivery/schedule';
import { oauthProvider } from '../outgoing/oauth';
import { pollMailbox, type PollResult } from '../reception/poll-mailbox';
import { waitForMail, type WaitResult } from '../reception/wait-for-mail';
import { AppError, toActivityFailure } from '../shared/errors';
import type { ActivityDeps } from './deps';

export function createReceptionActivities(deps: ActivityDeps) {
  /** One bounded batch of the organisation's mailbox; bodies and attachments stay in storage. */
  async function pollMailboxBatch(mailboxId: string): Promise<PollResult> {
    try {
      const result = await pollMailbox(
        {
          prisma: deps.prisma,
          sql: deps.sql,
          storage: deps.storage,
          secrets: deps.secrets,
          maxBytes: deps.config.RECEPTION_MAX_MESSAGE_BYTES,
          batchSize: deps.config.RECEPTION_BATCH_SIZE,
          rejectUnauthorized: deps.config.IMAP_TLS_REJECT_UNAUTHORIZED,
          oauthProvider: (id) => oauthProvider(deps.config, id),
          heartbeat: (d) => Context.current().heartbeat(d),
        },
        mailboxId,
      );
      // Delivery reports just set aside: let delivery tracking read them now rather than at its next run.
      if ((result.outcomes.report ?? 0) > 0 && deps.temporal) {
        const box = await deps.prisma.mailboxAccount.findUnique({ where: { id: mailboxId }, select: { organizationId: true } });
        if (box) await startDeliverySync(deps.temporal, deps.config, box.organizationId);
      }
      return result;
    } catch (err) {
      throw err instanceof AppError ? toActivityFailure(err) : err;
    }
  }
  /** Holds an IMAP IDLE until new mail arrives (or the bound, a drop, a cancel): the workflow then polls. */
  async function waitForMailboxMail(mailboxId: string, maxSeconds: number): Promise<WaitResult> {
    const ctx = Context.current();
    try {
      return await waitForMail(
        {
          prisma: deps.prisma, secrets: deps.secrets, rejectUnauthorized: deps.config.IMAP_TLS_REJECT_UNAUTHORIZED, oauthProvider: (id) => oauthProvider(deps.config, id),
          heartbeat: (d) => ctx.heartbeat(d), cancelled: ctx.cancelled.catch(() => 'cancelled'),
        },
        mailboxId, maxSeconds,
      );
    } catch (err) {
      throw err instanceof AppError ? toActivityFailure(err) : err;
    }
  }
  return { pollMailboxBatch, waitForMailboxMail };
}
