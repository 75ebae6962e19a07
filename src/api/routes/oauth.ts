import type { Request } from 'express';
import { findAccount, requireAccount, saveAccount } from '../../outgoing/accounts';
import { authorizationUrl, exchangeCode, OAUTH_PROVIDER_IDS, oauthProvider, revokeToken, signState, verifyState, type OAuthProviderId } from '../../outgoing/oauth';
import { connectOAuthMailbox } from '../../reception/connect-oauth-mailbox';
import { AppError, problem } from '../../shared/errors';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { z, uuid } from '../zod';

/** A console settings page with the consent's outcome in its query, for the page to say. */
const consolePath = (section: 'smtp' | 'mailbox', outcome: Record<string, string>) => `/settings/${section}?${new URLSearchParams(outcome).toString()}`;

/**
 * Gmail and Microsoft 365 without a password: POST …/authorize gives the
 * provider's consent URL; the provider sends the user back to GET …/callback
 * with a code, exchanged here for a refresh token kept encrypted, and the
 * browser goes back to the console page it came from, told how it went; DELETE
 * revokes it at the provider (where it can) and forgets it.
 */
export function registerOAuthRoutes(r: ApiRouter, ctx: AppContext): void {
  const stateKey = ctx.secrets.deriveKey('oauth-state');
  const redirectUri = (req: Request, provider: OAuthProviderId) => `${ctx.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`}/api/v1/settings/${provider}/callback`;

  for (const provider of OAUTH_PROVIDER_IDS) {
    const tags = ['outgoing account'];
    const label = provider === 'gmail' ? 'Google' : 'Microsoft 365';

    /** The code exchanged for tokens, the account and/or mailbox saved: what the consent was for. */
    const completeConsent = async (state: ReturnType<typeof verifyState>, query: { code?: string; error?: string; error_description?: string }, req: Request) => {
      if (state.provider !== provider) throw problem('BAD_REQUEST', 'OAUTH_OTHER_PROVIDER');
      if (query.error || !query.code) throw problem('BAD_REQUEST', 'OAUTH_NOT_COMPLETED', { detail: query.error_description ?? query.error ?? 'no code' });
      const p = oauthProvider(ctx.config, provider);
      const tokens = await exchangeCode(p, query.code, redirectUri(req, provider));
      if (!tokens.refreshToken) throw problem('BAD_REQUEST', 'OAUTH_NO_OFFLINE_ACCESS', { provider: label });
      if (!tokens.email) throw problem('BAD_REQUEST', 'OAUTH_NO_ADDRESS', { provider: label });
      const uses = state.uses ?? ['send'];
      if (uses.includes('receive')) await connectOAuthMailbox(ctx, state.organizationId, p, { ...tokens, refreshToken: tokens.refreshToken, email: tokens.email }, state.folder);
      if (!uses.includes('send')) return;
      await saveAccount(ctx.prisma, state.organizationId, state.structureId, {
        provider, host: p.smtp.host, port: p.smtp.port, security: p.smtp.security, username: tokens.email, passwordEnc: null,
        fromAddress: tokens.email, fromName: state.fromName,
        oauthRefreshTokenEnc: ctx.secrets.encrypt(tokens.refreshToken), oauthAccessTokenEnc: ctx.secrets.encrypt(tokens.accessToken), oauthAccessExpiresAt: tokens.expiresAt,
      });
    };

    r.add({
      method: 'post', path: `/settings/${provider}/authorize`, summary: `Start connecting a ${label} account (returns the consent URL)`, tags, role: 'admin',
      body: z.object({
        structureId: uuid().optional(), fromName: z.string().max(200).optional(),
        alsoReceive: z.boolean().default(false).openapi({ description: 'the same consent also connects this account as the mailbox Mailroom reads (IMAP)' }),
      }),
      response: z.object({ authorizationUrl: z.string() }),
      handler: async ({ auth, body, req }) => {
        const p = oauthProvider(ctx.config, provider);
        if (body.structureId) await findAccount(ctx.prisma, auth.organizationId, body.structureId); // 404 for a foreign structure
        const state = signState(stateKey, { organizationId: auth.organizationId, provider, structureId: body.structureId ?? null, fromName: body.fromName ?? null, uses: body.alsoReceive ? ['send', 'receive'] : ['send'] });
        return { authorizationUrl: authorizationUrl(p, redirectUri(req, provider), state) };
      },
    });

    r.add({
      method: 'get', path: `/settings/${provider}/callback`, summary: `Where ${label} sends the user back after consent`, tags, role: 'public', redirect: true,
      query: z.object({ code: z.string().optional(), state: z.string().min(10), error: z.string().optional(), error_description: z.string().optional() }),
      description:
        'Authenticated by the signed, expiring `state`, not by an API key. The browser is sent on (303) to the console page the consent started from ' +
        '(`/settings/smtp`, or `/settings/mailbox` for a mailbox): `?oauth=<provider>&connected=1`, or `?oauth=<provider>&error=<code>&detail=<detailCode>&params=<JSON of its values>` (the codes of the problem it would have been).',
      handler: async ({ query, req }) => {
        let section: 'smtp' | 'mailbox' = 'smtp';
        try {
          const state = verifyState(stateKey, query.state);
          if ((state.uses ?? ['send']).includes('receive')) section = 'mailbox';
          await completeConsent(state, query, req);
          return consolePath(section, { oauth: provider, connected: '1' });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          return consolePath(section, { oauth: provider, error: err.code, ...(err.detailCode ? { detail: err.detailCode } : {}), params: JSON.stringify(err.params ?? {}) });
        }
      },
    });

    r.add({
      method: 'delete', path: `/settings/${provider}`, summary: `Disconnect the ${label} account (revoked at the provider)`, tags, role: 'admin',
      query: z.object({ structureId: uuid().optional() }),
      handler: async ({ auth, query }) => {
        const account = requireAccount(await findAccount(ctx.prisma, auth.organizationId, query.structureId ?? null));
        if (account.provider !== provider) throw problem('NOT_FOUND', 'OAUTH_NO_ACCOUNT', { provider: label });
        if (account.oauthRefreshTokenEnc) await revokeToken(oauthProvider(ctx.config, provider), ctx.secrets.decrypt(account.oauthRefreshTokenEnc));
        await ctx.prisma.smtpAccount.delete({ where: { id: account.id } });
      },
    });
  }
}

