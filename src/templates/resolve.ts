import type { PrismaClient } from '../generated/prisma/client';
import { requireTemplate } from './render';
import { templateRegistry } from './registry';
import type { TemplateContent, TemplateDefinition } from './types';

/**
 * The template in force for an organisation and structure: the structure's
 * override, else the organisation's, else the built-in default.
 */
export async function resolveTemplate(
  prisma: PrismaClient,
  organizationId: string,
  key: string,
  structureId?: string | null,
): Promise<{ definition: TemplateDefinition; content: TemplateContent; source: 'structure' | 'organization' | 'default' }> {
  const definition = requireTemplate(templateRegistry, key);
  const rows = await prisma.template.findMany({
    where: { organizationId, key, OR: [{ structureId: null }, ...(structureId ? [{ structureId }] : [])] },
  });
  const own = structureId ? rows.find((r) => r.structureId === structureId) : undefined;
  const org = rows.find((r) => r.structureId === null);
  const row = own ?? org;
  if (row) return { definition, content: { subject: row.subject, text: row.text, html: row.html }, source: own ? 'structure' : 'organization' };
  return { definition, content: definition.defaults, source: 'default' };
}
