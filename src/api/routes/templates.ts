import { invoiceTemplateData } from '../../invoices/list-candidates';
import { notFound, problem } from '../../shared/errors';
import { renderTemplate, requireTemplate, validateTemplate } from '../../templates/render';
import { templateRegistry } from '../../templates/registry';
import { PLACEHOLDER_KEYS, PLACEHOLDER_MEANINGS } from '../../templates/placeholders';
import { resolveTemplate } from '../../templates/resolve';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { templateData, templateKey, z, uuid } from '../zod';

const keyParam = z.object({ key: templateKey() });
const content = z.object({ subject: z.string().min(1).max(998), text: z.string().min(1).max(100_000), html: z.string().max(500_000).nullish() });

/** Templates of every feature: list, override per organisation or structure, preview. */
export function registerTemplateRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['templates'];
  const checkStructure = async (organizationId: string, structureId?: string) => {
    if (!structureId) return null;
    const s = await ctx.prisma.structure.findFirst({ where: { id: structureId, organizationId } });
    if (!s) throw notFound(`Structure ${structureId}`);
    return s;
  };

  r.add({
    method: 'get', path: '/templates', summary: 'Every template with its placeholders and the content in force', tags,
    query: z.object({ structureId: uuid().optional() }),
    response: z.array(z.object({ key: templateKey(), description: z.string(), placeholders: z.record(z.string(), z.string()).openapi({ description: 'placeholder name (without &) → what it stands for, in English' }), placeholderKeys: z.record(z.string(), z.enum(PLACEHOLDER_KEYS)).openapi({ description: 'placeholder name → the stable key of what it stands for, for a client to word it in its own language' }), source: z.string(), subject: z.string(), text: z.string(), html: z.string().nullable() })),
    handler: async ({ auth, query }) => {
      await checkStructure(auth.organizationId, query.structureId);
      return Promise.all(
        [...templateRegistry.values()].map(async (def) => {
          const t = await resolveTemplate(ctx.prisma, auth.organizationId, def.key, query.structureId);
          return { key: def.key, description: def.description, placeholders: Object.fromEntries(Object.entries(def.placeholders).map(([name, meaning]) => [name, PLACEHOLDER_MEANINGS[meaning]])), placeholderKeys: def.placeholders, source: t.source, subject: t.content.subject, text: t.content.text, html: t.content.html ?? null };
        }),
      );
    },
  });

  r.add({
    method: 'put', path: '/templates/:key', summary: 'Override a template for the organisation or one structure (unknown placeholders refused)', tags, role: 'admin',
    params: keyParam, body: content.extend({ structureId: uuid().optional() }),
    response: z.object({ key: z.string(), structureId: z.string().nullable(), subject: z.string(), text: z.string(), html: z.string().nullable() }),
    handler: async ({ auth, params, body }) => {
      const def = requireTemplate(templateRegistry, params.key);
      validateTemplate(def, body, 'body.');
      await checkStructure(auth.organizationId, body.structureId);
      const structureId = body.structureId ?? null;
      const existing = await ctx.prisma.template.findFirst({ where: { organizationId: auth.organizationId, key: def.key, structureId } });
      const data = { subject: body.subject, text: body.text, html: body.html ?? null };
      const t = existing
        ? await ctx.prisma.template.update({ where: { id: existing.id }, data })
        : await ctx.prisma.template.create({ data: { organizationId: auth.organizationId, key: def.key, structureId, ...data } });
      return { key: t.key, structureId: t.structureId, subject: t.subject, text: t.text, html: t.html };
    },
  });

  r.add({
    method: 'delete', path: '/templates/:key', summary: 'Back to the default (or the organisation’s) template', tags, role: 'admin', params: keyParam, query: z.object({ structureId: uuid().optional() }),
    handler: async ({ auth, params, query }) => {
      const { count } = await ctx.prisma.template.deleteMany({ where: { organizationId: auth.organizationId, key: params.key, structureId: query.structureId ?? null } });
      if (!count) throw problem('NOT_FOUND', 'NO_OVERRIDE');
    },
  });

  r.add({
    method: 'post', path: '/templates/:key/preview', summary: 'Render a template: the saved one, or a draft; for an invoice given by id', tags, params: keyParam,
    body: z.object({ structureId: uuid().optional(), invoiceId: uuid().optional(), data: templateData().optional(), draft: content.optional() }),
    response: z.object({ subject: z.string(), text: z.string(), html: z.string().nullable() }),
    handler: async ({ auth, params, body }) => {
      const def = requireTemplate(templateRegistry, params.key);
      if (body.draft) validateTemplate(def, body.draft, 'body.draft.');
      let data = body.data ?? {};
      let structureId = body.structureId;
      if (body.invoiceId) {
        const inv = await ctx.prisma.invoice.findFirst({ where: { id: body.invoiceId, organizationId: auth.organizationId }, include: { member: true, structure: true } });
        if (!inv) throw notFound(`Invoice ${body.invoiceId}`);
        const org = await ctx.prisma.organization.findUniqueOrThrow({ where: { id: auth.organizationId } });
        data = { ...invoiceTemplateData(inv, inv.member, inv.structure.name, org.locale), ...data };
        structureId ??= inv.structureId;
      }
      await checkStructure(auth.organizationId, structureId);
      const t = body.draft ? { content: body.draft } : await resolveTemplate(ctx.prisma, auth.organizationId, def.key, structureId);
      const out = renderTemplate(def, t.content, data);
      return { subject: out.subject, text: out.text, html: out.html ?? null };
    },
  });
}
