import { Context } from '@temporalio/activity';
import { pollMailbox, type PollResult } from '../reception/poll-mailbox';
import { AppError, toActivityFailure } from '../shared/errors';
import type { ActivityDeps } from './deps';

export function createReceptionActivities(deps: ActivityDeps) {
  /** One bounded batch of the organisation's mailbox; bodies and attachments stay in storage. */
  async function pollMailboxBatch(mailboxId: string): Promise<PollResult> {
    try {
      return await pollMailbox(
        {
          prisma: deps.prisma,
          storage: deps.storage,
          secrets: deps.secrets,
          maxBytes: deps.config.RECEPTION_MAX_MESSAGE_BYTES,
          batchSize: deps.config.RECEPTION_BATCH_SIZE,
          rejectUnauthorized: deps.config.IMAP_TLS_REJECT_UNAUTHORIZED,
          heartbeat: (d) => Context.current().heartbeat(d),
        },
        mailboxId,
      );
    } catch (err) {
      throw err instanceof AppError ? toActivityFailure(err) : err;
    }
  }
  return { pollMailboxBatch };
}
