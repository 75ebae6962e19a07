import crypto from 'node:crypto';
import type { ApiKey, PrismaClient } from '../generated/prisma/client';
import type { ApiKeyRole } from '../generated/prisma/enums';
import type { SqlRunner } from '../db/sql';

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

export interface ActiveApiKey {
  id: string;
  organizationId: string;
  role: ApiKeyRole;
  memberId: string | null;
  /** The organisation is suspended: the key is known but refused. */
  suspended: boolean;
}

/**
 * The key with its organisation's suspension, or null when unknown or revoked:
 * one indexed statement per request, read fresh each time, so a revocation or
 * a suspension holds from the next request on in every process (no cache to
 * expire). Plain SQL, as the key is looked up on every API call.
 */
export async function findActiveApiKey(sql: SqlRunner, key: string): Promise<ActiveApiKey | null> {
  if (!key.startsWith(PREFIX) || key.length > 200) return null;
  const [row] = await sql.query<ActiveApiKey>(
    `SELECT k."id", k."organizationId", k."role"::text AS "role", k."memberId", o."suspendedAt" IS NOT NULL AS "suspended"
       FROM "ApiKey" k JOIN "Organization" o ON o."id" = k."organizationId" WHERE k."hash" = $1 AND k."revokedAt" IS NULL`,
    [hashApiKey(key)],
  );
  return row ?? null;
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
