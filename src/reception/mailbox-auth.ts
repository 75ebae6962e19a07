import type { MailboxAccount, PrismaClient } from '../generated/prisma/client';
import type { ImapSecret } from '../mail/imap';
import { refreshAccessToken, type OAuthProvider, type OAuthProviderId } from '../outgoing/oauth';
import type { SecretBox } from '../secrets';
import { problem } from '../shared/errors';

export interface MailboxAuthDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  /** The configured OAuth2 provider (Google, Microsoft), for mailboxes signed in with one. */
  oauthProvider?: (id: OAuthProviderId) => OAuthProvider;
}

// Refreshed a minute before it expires, so a long IDLE or batch does not start with a dying token.
const EARLY_REFRESH_MS = 60_000;

/**
 * How to log in to the mailbox: its password, or for an OAuth2 mailbox
 * (Gmail, Microsoft 365) a valid access token for SASL XOAUTH2/OAUTHBEARER,
 * refreshed with the stored refresh token when it is about to expire.
 */
export async function mailboxSecret(deps: MailboxAuthDeps, box: MailboxAccount): Promise<ImapSecret> {
  if (!box.oauthProvider) return box.passwordEnc ? deps.secrets.decrypt(box.passwordEnc) : undefined;
  if (box.oauthAccessTokenEnc && box.oauthAccessExpiresAt && box.oauthAccessExpiresAt.getTime() - EARLY_REFRESH_MS > Date.now()) {
    return { accessToken: deps.secrets.decrypt(box.oauthAccessTokenEnc) };
  }
  if (!box.oauthRefreshTokenEnc || !deps.oauthProvider) throw problem('IMAP_AUTH_FAILED', 'MAILBOX_SIGN_IN_REVOKED');
  const tokens = await refreshAccessToken(deps.oauthProvider(box.oauthProvider as OAuthProviderId), deps.secrets.decrypt(box.oauthRefreshTokenEnc));
  await deps.prisma.mailboxAccount.update({
    where: { id: box.id },
    data: {
      oauthAccessTokenEnc: deps.secrets.encrypt(tokens.accessToken), oauthAccessExpiresAt: tokens.expiresAt,
      // Some providers rotate the refresh token (Microsoft does): keep the newest.
      ...(tokens.refreshToken ? { oauthRefreshTokenEnc: deps.secrets.encrypt(tokens.refreshToken) } : {}),
    },
  });
  return { accessToken: tokens.accessToken };
}
