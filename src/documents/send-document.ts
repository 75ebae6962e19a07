import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { SentEmail } from '../generated/prisma/client';
import { queueEmail, type QueueDeps } from '../mail/queue-email';
import { startSendWorkflow } from '../mail/start-send';
import { notFound, problem } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';

export interface SendDocumentInput {
  organizationId: string;
  documentId: string;
  to?: string[];
  cc?: string[];
  templateKey?: string;
  data?: Record<string, unknown>;
  idempotencyKey?: string;
}

const KIND_TEMPLATES: Record<string, string> = { quote: 'document.quote', order: 'document.order', invoice: 'document.invoice' };

/**
 * Sends a member's document as an attachment, with the template of its kind,
 * to the member's working addresses (or the ones given). The send is linked to
 * the document and the member in the sent log.
 */
export async function sendDocument(deps: QueueDeps & { temporal: Client; config: Config }, input: SendDocumentInput): Promise<{ sentEmail: SentEmail; created: boolean; workflowId: string }> {
  const doc = await deps.prisma.document.findFirst({ where: { id: input.documentId, organizationId: input.organizationId }, include: { member: { include: { emails: { orderBy: { position: 'asc' } } } } } });
  if (!doc) throw notFound(`Document ${input.documentId}`);
  const member = doc.member;
  const to = input.to?.length ? input.to : (member?.emails.filter((e) => !e.invalidAt).map((e) => e.address) ?? []);
  if (!to.length) {
    throw problem('VALIDATION_FAILED', member ? 'MEMBER_HAS_NO_ADDRESS' : 'DOCUMENT_HAS_NO_MEMBER', {}, { errors: [fieldError('body.to', 'NO_RECIPIENT')] });
  }
  const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: input.organizationId } });
  const structure = member?.structureId ? await deps.prisma.structure.findUnique({ where: { id: member.structureId } }) : null;
  const { sentEmail, created } = await queueEmail(deps, {
    organizationId: input.organizationId,
    structureId: structure?.id ?? null,
    memberId: member?.id ?? null,
    documentId: doc.id,
    to,
    cc: input.cc,
    template: {
      key: input.templateKey ?? KIND_TEMPLATES[doc.kind] ?? 'document.other',
      data: { nom: member ? `${member.firstName} ${member.lastName.toUpperCase()}` : '', prenom: member?.firstName ?? '', document: doc.filename, organisation: structure?.name ?? org.name, ...input.data },
    },
    documentIds: [doc.id],
    idempotencyKey: input.idempotencyKey,
    relatedType: 'document',
    relatedId: doc.id,
  });
  const workflowId = await startSendWorkflow({ temporal: deps.temporal, prisma: deps.prisma, config: deps.config }, sentEmail);
  return { sentEmail, created, workflowId };
}
