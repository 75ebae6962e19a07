import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { MailboxAccount, PrismaClient } from '../generated/prisma/client';
import type { OAuthProvider, TokenSet } from '../outgoing/oauth';
import type { SecretBox } from '../secrets';
import { ensureMailboxWorkflow } from './mailbox-workflow';

/**
 * Connects the organisation's mailbox with an OAuth2 sign-in (Gmail /
 * Google Workspace, Microsoft 365 / Outlook.com): the provider's IMAP server,
 * the address that signed in, the tokens encrypted, no password. A different
 * account or folder than before starts its cursor again. Polling starts.
 */
export async function connectOAuthMailbox(
  deps: { prisma: PrismaClient; secrets: SecretBox; temporal: Client; config: Config },
  organizationId: string,
  p: OAuthProvider,
  tokens: TokenSet & { refreshToken: string; email: string },
  folder = 'INBOX',
): Promise<MailboxAccount> {
  const { prisma, secrets } = deps;
  const data = {
    host: p.imap.host, port: p.imap.port, security: p.imap.security, username: tokens.email, folder, passwordEnc: null, disconnectedAt: null,
    oauthProvider: p.id, oauthRefreshTokenEnc: secrets.encrypt(tokens.refreshToken), oauthAccessTokenEnc: secrets.encrypt(tokens.accessToken), oauthAccessExpiresAt: tokens.expiresAt,
  };
  const before = await prisma.mailboxAccount.findUnique({ where: { organizationId } });
  const moved = before && (before.host !== data.host || before.username !== data.username || before.folder !== data.folder);
  const box = await prisma.mailboxAccount.upsert({
    where: { organizationId },
    create: { organizationId, ...data },
    update: { ...data, ...(moved ? { uidValidity: null, lastUid: null } : {}) },
  });
  await ensureMailboxWorkflow(deps.temporal, deps.config, box, { settingsChanged: true });
  return box;
}
