import { notFound, problem } from '../../shared/errors';
import type { Structure } from '../../generated/prisma/client';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { idParam, pagedSchema, pageQuery, paging, recipient, z } from '../zod';

const structureBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    senderName: z.string().max(200).nullish().openapi({ description: 'display name on mail sent for this structure' }),
    senderEmail: recipient().nullish().openapi({ description: 'From address for this structure' }),
    replyTo: recipient().nullish(),
    invoiceSecondAddressCc: z.boolean().optional().openapi({ description: 'invoice batches: one message with the second address in Cc instead of one message each' }),
  })
  .openapi('StructureInput');

export const structureSchema = z
  .object({ id: z.string(), name: z.string(), senderName: z.string().nullable(), senderEmail: z.string().nullable(), replyTo: z.string().nullable(), invoiceSecondAddressCc: z.boolean(), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Structure');

export const presentStructure = (s: Structure) => ({
  id: s.id, name: s.name, senderName: s.senderName, senderEmail: s.senderEmail, replyTo: s.replyTo, invoiceSecondAddressCc: s.invoiceSecondAddressCc,
  createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
});

export function registerStructureRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['structures'];
  r.add({
    method: 'post', path: '/structures', summary: 'Create a structure (establishment, section, site)', tags, role: 'admin',
    body: structureBody, response: structureSchema, status: 201,
    handler: async ({ auth, body }) => presentStructure(await ctx.prisma.structure.create({ data: { ...body, organizationId: auth.organizationId } })),
  });
  r.add({
    method: 'get', path: '/structures', summary: 'List structures', tags, query: pageQuery, response: pagedSchema(structureSchema),
    handler: async ({ auth, query }) => {
      const where = { organizationId: auth.organizationId };
      const [items, total] = await Promise.all([
        ctx.prisma.structure.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], ...paging(query) }),
        ctx.prisma.structure.count({ where }),
      ]);
      return { items: items.map(presentStructure), page: query.page, pageSize: query.pageSize, total };
    },
  });
  r.add({
    method: 'get', path: '/structures/:id', summary: 'Get a structure', tags, params: idParam, response: structureSchema,
    handler: async ({ auth, params }) => {
      const s = await ctx.prisma.structure.findFirst({ where: { id: params.id, organizationId: auth.organizationId } });
      if (!s) throw notFound(`Structure ${params.id}`);
      return presentStructure(s);
    },
  });
  r.add({
    method: 'patch', path: '/structures/:id', summary: 'Update a structure (sender name/address, reply-to)', tags, role: 'admin',
    params: idParam, body: structureBody.partial(), response: structureSchema,
    handler: async ({ auth, params, body }) => {
      const { count } = await ctx.prisma.structure.updateMany({ where: { id: params.id, organizationId: auth.organizationId }, data: body });
      if (!count) throw notFound(`Structure ${params.id}`);
      return presentStructure(await ctx.prisma.structure.findUniqueOrThrow({ where: { id: params.id } }));
    },
  });
  r.add({
    method: 'delete', path: '/structures/:id', tags, role: 'admin', params: idParam,
    summary: 'Delete a structure (its invoices, batch history, own sending account and templates go with it; members stay, without structure)',
    description: 'Refused with 409 while an invoice batch of the structure is running or paused: cancel it or let it finish first.',
    handler: async ({ auth, params }) => {
      const s = await ctx.prisma.structure.findFirst({ where: { id: params.id, organizationId: auth.organizationId }, select: { id: true, name: true } });
      if (!s) throw notFound(`Structure ${params.id}`);
      // A batch still sending reads the structure's invoices and sender: deleting them under it would fail its sends.
      const live = await ctx.prisma.invoiceBatch.findFirst({ where: { structureId: s.id, status: { in: ['running', 'paused'] } }, select: { id: true, period: true, status: true } });
      if (live) {
        throw problem('CONFLICT', 'BATCH_RUNNING', { period: live.period, structure: s.name, status: live.status }, { extra: { reason: 'BATCH_RUNNING', batchId: live.id, period: live.period } });
      }
      await ctx.prisma.structure.delete({ where: { id: s.id } });
    },
  });
}
