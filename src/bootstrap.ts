import fs from 'node:fs';
import path from 'node:path';
import { createOrganization } from './auth/api-keys';
import type { PrismaClient } from './generated/prisma/client';

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
  const file = path.join(opts.dataDir, 'credentials.json');
  const body = { organizationId, organizationName: opts.name, adminApiKey: key, apiUrl: opts.apiUrl, createdAt: new Date().toISOString() };
  fs.writeFileSync(file, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { organizationId, apiKey: key, file };
}
