import crypto from 'node:crypto';
import type { ApiKey, PrismaClient } from '../generated/prisma/client';
import type { ApiKeyRole } from '../generated/prisma/enums';

/**
 * API keys: `mr_` + 32 random bytes. Only their sha256 is stored; the key is
 * shown once at creation. A keyed hash is not needed: 256 random bits cannot
 * be brute-forced from a leaked hash.
 */
const PREFIX = 'mr_';

export const hashApiKey = (key: string) => crypto.createHash('sha256').update(key).digest('hex');

export async function createApiKey(
  prisma: PrismaClient,
  input: { organizationId: string; role: ApiKeyRole; name: string; memberId?: string },
): Promise<{ key: string; record: ApiKey }> {
  const key = PREFIX + crypto.randomBytes(32).toString('base64url');
  const record = await prisma.apiKey.create({
    data: { organizationId: input.organizationId, role: input.role, name: input.name, memberId: input.memberId, prefix: key.slice(0, 10), hash: hashApiKey(key) },
  });
  return { key, record };
}

/** The key's record with its organisation's suspension (one query per request), or null when unknown or revoked. */
export async function findActiveApiKey(prisma: PrismaClient, key: string): Promise<(ApiKey & { organization: { suspendedAt: Date | null } }) | null> {
  if (!key.startsWith(PREFIX) || key.length > 200) return null;
  const record = await prisma.apiKey.findUnique({ where: { hash: hashApiKey(key) }, include: { organization: { select: { suspendedAt: true } } } });
  if (!record || record.revokedAt) return null;
  return record;
}

export async function revokeApiKey(prisma: PrismaClient, organizationId: string, id: string): Promise<boolean> {
  const result = await prisma.apiKey.updateMany({ where: { id, organizationId, revokedAt: null }, data: { revokedAt: new Date() } });
  return result.count > 0;
}

export async function createOrganization(prisma: PrismaClient, name: string): Promise<{ organizationId: string; key: string; keyId: string }> {
  const org = await prisma.organization.create({ data: { name } });
  const { key, record } = await createApiKey(prisma, { organizationId: org.id, role: 'admin', name: 'initial admin key' });
  return { organizationId: org.id, key, keyId: record.id };
}
