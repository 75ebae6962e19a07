import { createOrganization } from './auth/api-keys';
import type { PrismaClient } from './generated/prisma/client';
import { updateCredentials } from './operators/credentials-file';

/**
 * First start of the embedded default: create an organisation and its admin
 * key, print the key once and keep it in <data>/credentials.json (mode 600).
 */
export async function bootstrapFirstOrganization(
  prisma: PrismaClient,
  opts: { dataDir: string; name: string; apiUrl?: string },
): Promise<{ organizationId: string; apiKey: string; file: string } | null> {
  if ((await prisma.organization.count()) > 0) return null;
  const { organizationId, key } = await createOrganization(prisma, opts.name);
  const file = updateCredentials(opts.dataDir, { organizationId, organizationName: opts.name, adminApiKey: key, apiUrl: opts.apiUrl, createdAt: new Date().toISOString() });
  return { organizationId, apiKey: key, file };
}
