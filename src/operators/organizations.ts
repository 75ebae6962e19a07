import type { Client } from '@temporalio/client';
import { createApiKey, createOrganization, revokeApiKey } from '../auth/api-keys';
import { createInvitation, inviteUser } from '../auth/invitations';
import type { StaffDeps } from '../auth/staff-mail';
import type { ApiKey, Organization, PrismaClient } from '../generated/prisma/client';
import type { ApiKeyRole } from '../generated/prisma/enums';
import { invalid, notFound } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
import { pauseOrganizationWork, resumeOrganizationWork } from './suspension';

/** Platform operators' domain: organisations and their keys, across tenants (never reachable with a tenant's key). */
export interface OperatorDeps extends StaffDeps {
  prisma: PrismaClient;
  temporal: Client;
}

export async function requireOrganization(prisma: PrismaClient, id: string): Promise<Organization> {
  const org = await prisma.organization.findUnique({ where: { id } });
  if (!org) throw notFound(`Organization ${id}`);
  return org;
}

/**
 * A new club: the organisation, its first admin API key (for integrations and
 * the CLI) and its first admin's invitation to the console — mailed to
 * `adminEmail` when given, else a setup link whoever opens first claims.
 */
export async function onboardOrganization(
  deps: OperatorDeps,
  input: { name: string; timeZone?: string; locale?: string; adminEmail?: string; adminName?: string },
): Promise<{ organization: Organization; adminApiKey: string; adminApiKeyId: string; adminInvitationUrl: string }> {
  const { prisma } = deps;
  const { organizationId, key, keyId } = await createOrganization(prisma, input.name);
  const organization = input.timeZone || input.locale
    ? await prisma.organization.update({ where: { id: organizationId }, data: { timeZone: input.timeZone, locale: input.locale } })
    : await requireOrganization(prisma, organizationId);
  const adminInvitationUrl = input.adminEmail
    ? (await inviteUser(deps, { organizationId, email: input.adminEmail, role: 'admin', name: input.adminName })).invitationUrl
    : (await createInvitation(prisma, deps.config, { organizationId, role: 'admin' })).url;
  return { organization, adminApiKey: key, adminApiKeyId: keyId, adminInvitationUrl };
}

export async function updateOrganization(
  deps: OperatorDeps,
  id: string,
  patch: { name?: string; timeZone?: string; suspended?: boolean },
): Promise<Organization> {
  const before = await requireOrganization(deps.prisma, id);
  const wasSuspended = before.suspendedAt !== null;
  const suspend = patch.suspended === true && !wasSuspended;
  const unsuspend = patch.suspended === false && wasSuspended;
  const org = await deps.prisma.organization.update({
    where: { id },
    data: { name: patch.name, timeZone: patch.timeZone, ...(suspend ? { suspendedAt: new Date() } : unsuspend ? { suspendedAt: null } : {}) },
  });
  // Keys are refused from the moment the row changes; the periodic work follows. Repeated on
  // every request that says so (pausing twice is harmless), so a PATCH retried after Temporal
  // was unreachable finishes the job.
  if (patch.suspended === true) await pauseOrganizationWork(deps.prisma, deps.temporal, id);
  if (patch.suspended === false) await resumeOrganizationWork(deps.prisma, deps.temporal, deps.config, id);
  return org;
}

export async function createOrganizationKey(
  { prisma }: OperatorDeps,
  organizationId: string,
  input: { role: ApiKeyRole; name: string; memberId?: string },
): Promise<{ key: string; record: ApiKey }> {
  await requireOrganization(prisma, organizationId);
  if (input.memberId && !(await prisma.member.findFirst({ where: { id: input.memberId, organizationId }, select: { id: true } }))) {
    throw invalid([fieldError('body.memberId', 'NO_SUCH_MEMBER')], `memberId: no member ${input.memberId} in this organisation`);
  }
  return createApiKey(prisma, { organizationId, ...input });
}

export async function revokeOrganizationKey({ prisma }: OperatorDeps, organizationId: string, keyId: string): Promise<void> {
  await requireOrganization(prisma, organizationId);
  if (!(await revokeApiKey(prisma, organizationId, keyId))) throw notFound(`Active API key ${keyId} of organization ${organizationId}`);
}
