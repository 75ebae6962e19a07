import type { Request } from 'express';
import { authorizationUrl, OAUTH_PROVIDER_IDS, oauthProvider, revokeToken, signState, type OAuthProviderId } from '../../outgoing/oauth';
import { stopMailboxWorkflow } from '../../reception/mailbox-workflow';
import { problem } from '../../shared/errors';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { z } from '../zod';

/**
 * Gmail / Google Workspace and Microsoft 365 / Outlook.com mailboxes, which
 * take no password for IMAP: the same consent flow as the outgoing accounts
 * (the provider sends the user back to GET /settings/{provider}/callback),
 * with the IMAP scopes; `alsoSend` makes the one consent connect the sending
 * account too. DELETE revokes the sign-in and disconnects the mailbox.
 */
export function registerMailboxOAuthRoutes(r: ApiRouter, ctx: AppContext): void {
  const stateKey = ctx.secrets.deriveKey('oauth-state');
  const redirectUri = (req: Request, provider: OAuthProviderId) => `${ctx.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`}/api/v1/settings/${provider}/callback`;
  for (const provider of OAUTH_PROVIDER_IDS) {
    const label = provider === 'gmail' ? 'Google' : 'Microsoft 365';
    r.add({
      method: 'post', path: `/settings/mailbox/${provider}/authorize`, summary: `Start connecting a ${label} mailbox (returns the consent URL)`, tags: ['mailbox'], role: 'admin',
      body: z.object({
        folder: z.string().min(1).max(200).default('INBOX'),
        alsoSend: z.boolean().default(false).openapi({ description: 'the same consent also connects this account for sending' }),
      }),
      response: z.object({ authorizationUrl: z.string() }),
      handler: async ({ auth, body, req }) => {
        const p = oauthProvider(ctx.config, provider);
        const state = signState(stateKey, { organizationId: auth.organizationId, provider, structureId: null, fromName: null, folder: body.folder, uses: body.alsoSend ? ['receive', 'send'] : ['receive'] });
        return { authorizationUrl: authorizationUrl(p, redirectUri(req, provider), state) };
      },
    });
    r.add({
      method: 'delete', path: `/settings/mailbox/${provider}`, summary: `Disconnect the ${label} mailbox (sign-in revoked at the provider; received mail is kept)`, tags: ['mailbox'], role: 'admin',
      handler: async ({ auth }) => {
        const box = await ctx.prisma.mailboxAccount.findUnique({ where: { organizationId: auth.organizationId } });
        if (!box || box.disconnectedAt || box.oauthProvider !== provider) throw problem('NOT_FOUND', 'OAUTH_NO_MAILBOX', { provider: label });
        await stopMailboxWorkflow(ctx.temporal, box.id);
        if (box.oauthRefreshTokenEnc) await revokeToken(oauthProvider(ctx.config, provider), ctx.secrets.decrypt(box.oauthRefreshTokenEnc));
        await ctx.prisma.mailboxAccount.update({ where: { id: box.id }, data: { disconnectedAt: new Date(), oauthRefreshTokenEnc: null, oauthAccessTokenEnc: null, oauthAccessExpiresAt: null } });
      },
    });
  }
}
