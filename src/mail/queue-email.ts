import crypto from 'node:crypto';
import type { PrismaClient, SentEmail } from '../generated/prisma/client';
import { Prisma } from '../generated/prisma/client';
import type { SecretBox } from '../secrets';
import { AppError, notFound } from '../shared/errors';
import { renderTemplate } from '../templates/render';
import { resolveTemplate } from '../templates/resolve';
import { formatAddress, parseAddress } from './addresses';
import type { AttachmentRef } from './compose';
import { resolveSenderAccount, type PlatformTransportConfig } from './transports';

export interface QueueEmailInput {
  organizationId: string;
  structureId?: string | null;
  memberId?: string | null;
  documentId?: string | null;
  to: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string | null;
  subject?: string;
  text?: string;
  html?: string;
  template?: { key: string; data: Record<string, unknown> };
  /** Documents of the organisation to attach. */
  documentIds?: string[];
  /** Already stored parts (e.g. a generated .ics) to attach. */
  attachments?: AttachmentRef[];
  headers?: Record<string, string>;
  idempotencyKey?: string;
  relatedType?: string;
  relatedId?: string;
}

export interface QueueDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  platform: PlatformTransportConfig;
  messageIdDomain: string;
}

function checkRecipients(field: string, list: string[] = []): string[] {
  const errors: { field: string; reason: string }[] = [];
  const out = list.map((raw, i) => {
    const parsed = parseAddress(raw);
    if (!parsed) errors.push({ field: `${field}.${i}`, reason: `"${raw}" is not a valid email address` });
    return parsed ? formatAddress(parsed) : raw;
  });
  if (errors.length) throw new AppError('VALIDATION_FAILED', errors.map((e) => e.reason).join('; '), { errors });
  return out;
}

/**
 * Records one outgoing message as `queued`, rendered and ready to send, under
 * its idempotency key. Asking again with the same key returns the first record
 * (`created: false`) and queues nothing new. Starting the send workflow is the
 * caller's job, so the same function serves the API, batches and notifications.
 */
export async function queueEmail(deps: QueueDeps, input: QueueEmailInput): Promise<{ sentEmail: SentEmail; created: boolean }> {
  const { prisma } = deps;
  const idempotencyKey = input.idempotencyKey ?? `api:${crypto.randomUUID()}`;
  const existing = await prisma.sentEmail.findUnique({
    where: { organizationId_idempotencyKey: { organizationId: input.organizationId, idempotencyKey } },
  });
  if (existing) return { sentEmail: existing, created: false };

  const to = checkRecipients('to', input.to);
  const cc = checkRecipients('cc', input.cc);
  const bcc = checkRecipients('bcc', input.bcc);
  if (to.length + cc.length + bcc.length === 0) throw new AppError('VALIDATION_FAILED', 'at least one recipient is required', { errors: [{ field: 'to', reason: 'at least one recipient is required' }] });
  const replyTo = input.replyTo ? checkRecipients('replyTo', [input.replyTo])[0] : undefined;

  let subject = input.subject;
  let text = input.text;
  let html = input.html;
  if (input.template) {
    const { definition, content } = await resolveTemplate(prisma, input.organizationId, input.template.key, input.structureId);
    const rendered = renderTemplate(definition, content, input.template.data);
    subject = input.subject ?? rendered.subject;
    text = rendered.text;
    html = rendered.html;
  }
  if (!subject) throw new AppError('VALIDATION_FAILED', 'subject is required', { errors: [{ field: 'subject', reason: 'required unless a template gives one' }] });
  if (!text && !html) throw new AppError('VALIDATION_FAILED', 'text or html is required', { errors: [{ field: 'text', reason: 'give text, html or a template' }] });

  const attachments: AttachmentRef[] = [...(input.attachments ?? [])];
  if (input.documentIds?.length) {
    const docs = await prisma.document.findMany({ where: { id: { in: input.documentIds }, organizationId: input.organizationId } });
    for (const id of input.documentIds) {
      const doc = docs.find((d) => d.id === id);
      if (!doc) throw notFound(`Document ${id}`);
      attachments.push({ documentId: doc.id, storageKey: doc.storageKey, filename: doc.filename, contentType: doc.contentType, size: doc.size });
    }
  }

  const sender = await resolveSenderAccount(deps, input.organizationId, input.structureId);
  const structure = input.structureId
    ? await prisma.structure.findFirst({ where: { id: input.structureId, organizationId: input.organizationId } })
    : null;
  if (input.structureId && !structure) throw notFound(`Structure ${input.structureId}`);
  // A structure's own sender name/address applies unless its own SMTP account says otherwise.
  const fromAddress = sender.kind === 'account' ? sender.from : (structure?.senderEmail ?? sender.from);
  const fromName = sender.kind === 'account' ? sender.fromName : (structure?.senderName ?? sender.fromName);
  const from = fromName ? formatAddress({ name: fromName, address: parseAddress(fromAddress)?.address ?? fromAddress }) : fromAddress;
  const domain = (parseAddress(fromAddress)?.address.split('@')[1] ?? deps.messageIdDomain).toLowerCase();

  try {
    const sentEmail = await prisma.sentEmail.create({
      data: {
        organizationId: input.organizationId,
        structureId: input.structureId ?? null,
        memberId: input.memberId ?? null,
        documentId: input.documentId ?? null,
        templateKey: input.template?.key ?? null,
        idempotencyKey,
        fromAddress: from,
        replyTo: replyTo ?? sender.replyTo ?? structure?.replyTo ?? null,
        to,
        cc,
        bcc,
        subject,
        textBody: text ?? null,
        htmlBody: html ?? null,
        attachments: attachments as unknown as Prisma.InputJsonValue,
        headers: (input.headers ?? {}) as Prisma.InputJsonValue,
        messageId: `<${crypto.randomUUID()}@${domain}>`,
        relatedType: input.relatedType ?? null,
        relatedId: input.relatedId ?? null,
      },
    });
    return { sentEmail, created: true };
  } catch (err) {
    // Two identical requests raced: the loser returns the winner's record.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      const winner = await prisma.sentEmail.findUnique({
        where: { organizationId_idempotencyKey: { organizationId: input.organizationId, idempotencyKey } },
      });
      if (winner) return { sentEmail: winner, created: false };
    }
    throw err;
  }
}
