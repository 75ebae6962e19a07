import { createOrganization } from './auth/api-keys';
import { createInvitation } from './auth/invitations';
import type { Config } from './config';
import type { PrismaClient } from './generated/prisma/client';
import { updateCredentials } from './operators/credentials-file';

/**
 * First start of the embedded default: create an organisation, its admin key
 * and a one-time link that lets the first admin set a password; print both
 * once and keep them in <data>/credentials.json (mode 600).
 */
export async function bootstrapFirstOrganization(
  prisma: PrismaClient,
  opts: { dataDir: string; name: string; apiUrl?: string; config: Pick<Config, 'PUBLIC_URL' | 'PORT' | 'INVITATION_TTL_HOURS'> },
): Promise<{ organizationId: string; apiKey: string; setupUrl: string; file: string } | null> {
  if ((await prisma.organization.count()) > 0) return null;
  const { organizationId, key } = await createOrganization(prisma, opts.name);
  const setup = await createInvitation(prisma, opts.config, { organizationId, role: 'admin' });
  const file = updateCredentials(opts.dataDir, {
    organizationId, organizationName: opts.name, adminApiKey: key, adminSetupUrl: setup.url, adminSetupExpiresAt: setup.expiresAt.toISOString(), apiUrl: opts.apiUrl, createdAt: new Date().toISOString(),
  });
  return { organizationId, apiKey: key, setupUrl: setup.url, file };
}
