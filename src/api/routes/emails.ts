import { queueEmail } from '../../mail/queue-email';
import { startSendWorkflow } from '../../mail/start-send';
import { emailsQueued } from '../../metrics';
import { validationError } from '../../shared/errors';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { recipient, templateData, uuid, z, templateKey } from '../zod';

const recipients = z.union([recipient(), z.array(recipient()).max(100)]).transform((v) => (Array.isArray(v) ? v : [v]));

const sendBody = z
  .object({
    to: recipients.openapi({ example: ['jeanne.martin@example.org'] }),
    cc: recipients.optional(),
    bcc: recipients.optional(),
    replyTo: recipient().optional(),
    subject: z.string().min(1).max(998).optional().openapi({ description: 'required unless the template gives one' }),
    text: z.string().max(1_000_000).optional(),
    html: z.string().max(2_000_000).optional(),
    template: z.object({ key: templateKey(), data: templateData().default({}) }).optional(),
    documentIds: z.array(uuid()).max(20).optional().openapi({ description: 'documents of the organisation to attach' }),
    structureId: uuid().optional().openapi({ description: "send through this structure's account and sender" }),
    memberId: uuid().optional(),
    idempotencyKey: z.string().min(1).max(200).optional().openapi({ description: 'same key again returns the first message and sends nothing new; also read from the Idempotency-Key header' }),
  })
  .refine((b) => b.template || b.text || b.html, { message: 'give text, html or a template', path: ['text'] })
  .openapi('SendEmail');

const accepted = z.object({ id: z.string(), workflowId: z.string(), status: z.string(), duplicate: z.boolean() }).openapi('EmailAccepted');

export function registerEmailRoutes(r: ApiRouter, ctx: AppContext): void {
  r.add({
    method: 'post', path: '/emails', summary: 'Send an email (queued, then sent durably by a workflow)', tags: ['sending'],
    body: sendBody, response: accepted, status: 202,
    handler: async ({ auth, body, req }) => {
      const headerKey = req.get('Idempotency-Key');
      if (body.memberId) {
        const m = await ctx.prisma.member.findFirst({ where: { id: body.memberId, organizationId: auth.organizationId }, select: { id: true } });
        if (!m) throw validationError('body.memberId', 'NO_SUCH_MEMBER');
      }
      const { sentEmail, created } = await queueEmail(
        { prisma: ctx.prisma, secrets: ctx.secrets, platform: ctx.platform, messageIdDomain: ctx.config.MESSAGE_ID_DOMAIN },
        {
          organizationId: auth.organizationId,
          structureId: body.structureId,
          memberId: body.memberId,
          to: body.to,
          cc: body.cc,
          bcc: body.bcc,
          replyTo: body.replyTo,
          subject: body.subject,
          text: body.text,
          html: body.html,
          template: body.template,
          documentIds: body.documentIds,
          idempotencyKey: body.idempotencyKey ?? headerKey,
          relatedType: body.memberId ? 'member' : undefined,
          relatedId: body.memberId,
        },
      );
      if (created) emailsQueued.inc({ template: sentEmail.templateKey ?? 'none' });
      // Started again on a duplicate too: harmless if it runs, and it heals a crash between insert and start.
      const workflowId = await startSendWorkflow({ temporal: ctx.temporal, prisma: ctx.prisma, config: ctx.config }, sentEmail);
      return { id: sentEmail.id, workflowId, status: sentEmail.status, duplicate: !created };
    },
  });
}
