import { resolveSenderAccount } from '../../mail/transports';
import { findAccount, presentAccount, requireAccount, saveAccount } from '../../outgoing/accounts';
import { isOAuthProviderId, oauthProvider } from '../../outgoing/oauth';
import { SMTP_PRESETS } from '../../outgoing/presets';
import { VERIFY_CODES, verifySmtp } from '../../outgoing/verify';
import { secretForUse, secretOnUpdate } from '../../secret-binding';
import { invalid } from '../../shared/errors';
import { fieldError } from '../../shared/field-reasons';
import type { AppContext } from '../context';
import type { ApiRouter } from '../router';
import { recipient, uuid, z } from '../zod';

const security = z.enum(['none', 'ssl', 'starttls']).openapi({ description: 'none, ssl (implicit TLS, usually 465) or starttls (usually 587)' });

const accountSchema = z
  .object({
    id: z.string(), structureId: z.string().nullable(), provider: z.string(), host: z.string().nullable(), port: z.number().nullable(), security: z.string(),
    username: z.string().nullable(), fromAddress: z.string(), fromName: z.string().nullable(), replyTo: z.string().nullable(),
    passwordSet: z.boolean(), oauthConnected: z.boolean(), updatedAt: z.string(),
  })
  .openapi('SmtpAccount');

const accountBody = z
  .object({
    preset: z.enum(SMTP_PRESETS.map((p) => p.id) as [string, ...string[]]).optional().openapi({ description: 'fills host, port and security from GET /settings/smtp/presets' }),
    host: z.string().min(1).max(255).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    security: security.optional(),
    username: z.string().max(320).nullish(),
    password: z.string().max(1000).nullish().openapi({ description: 'write-only; absent keeps the stored password (only if host, port, security and username are unchanged: otherwise it is required again), null removes it' }),
    fromAddress: recipient(),
    fromName: z.string().max(200).nullish(),
    replyTo: recipient().nullish(),
  })
  // fromPreset's rule, said in the document: a preset, or the server in full.
  .openapi('SmtpAccountInput', { anyOf: [{ required: ['preset'] }, { required: ['host', 'port', 'security'] }] });

const scopeQuery = z.object({ structureId: uuid().optional().openapi({ description: "a structure's own account instead of the organisation's" }) });

const verifyBody = z
  .object({
    structureId: uuid().optional(),
    settings: accountBody.optional().openapi({ description: 'unsaved settings to test; without it the saved account is tested' }),
    testTo: recipient().optional().openapi({ description: 'also send a test message to this address' }),
  })
  .openapi('SmtpVerifyInput');

const verifyResult = z
  .object({
    ok: z.boolean(), problem: z.string().optional(),
    code: z.enum(VERIFY_CODES)
      .openapi({ description: 'stable code of the outcome, for clients that explain it in their own words and language' }),
    params: z.record(z.string(), z.union([z.string(), z.number()])).openapi({ description: "the code's values: host, port, otherPort, from, to, serverResponse, detail" }),
    message: z.string().openapi({ description: 'the explanation in English' }), hint: z.string().optional(), serverResponse: z.string().optional(),
    testMessage: z.object({ to: z.string(), messageId: z.string(), response: z.string() }).optional(),
  })
  .openapi('SmtpVerifyResult');

function fromPreset(body: z.output<typeof accountBody>) {
  const preset = body.preset ? SMTP_PRESETS.find((p) => p.id === body.preset) : undefined;
  const host = body.host ?? preset?.host;
  const port = body.port ?? preset?.port;
  const sec = body.security ?? preset?.security;
  if (!host || !port || !sec) {
    throw invalid([fieldError('body.host', 'SERVER_REQUIRED')], 'host, port and security are required (or a preset)');
  }
  return { host, port, security: sec };
}

export function registerOutgoingRoutes(r: ApiRouter, ctx: AppContext): void {
  const tags = ['outgoing account'];

  r.add({
    method: 'get', path: '/settings/smtp/presets', summary: 'SMTP settings of common providers', tags,
    response: z.array(z.object({ id: z.string(), name: z.string(), host: z.string(), port: z.number(), security: z.string(), alternative: z.object({ port: z.number(), security: z.string() }).optional(), auth: z.string(), oauthProvider: z.string().optional(), note: z.string().optional(), doc: z.string() })),
    handler: async () => SMTP_PRESETS,
  });

  r.add({
    method: 'get', path: '/settings/smtp', summary: 'The sending account, and which one is in force', tags, role: 'admin', query: scopeQuery,
    response: z.object({ account: accountSchema.nullable(), effective: z.object({ source: z.enum(['structure', 'organization', 'platform']), from: z.string(), label: z.string() }) }),
    handler: async ({ auth, query }) => {
      const account = await findAccount(ctx.prisma, auth.organizationId, query.structureId ?? null);
      const sender = await resolveSenderAccount({ ...ctx, config: ctx.config }, auth.organizationId, query.structureId ?? null);
      const orgAccount = query.structureId ? await findAccount(ctx.prisma, auth.organizationId, null) : account;
      const source: 'structure' | 'organization' | 'platform' = sender.kind !== 'account' ? 'platform' : query.structureId && account ? 'structure' : orgAccount ? 'organization' : 'platform';
      return { account: account ? presentAccount(account) : null, effective: { source, from: sender.from, label: sender.label } };
    },
  });

  r.add({
    method: 'put', path: '/settings/smtp', summary: 'Set the SMTP account (the password is stored encrypted)', tags, role: 'admin', query: scopeQuery, body: accountBody, response: accountSchema,
    handler: async ({ auth, query, body }) => {
      const { host, port, security: sec } = fromPreset(body);
      const existing = await findAccount(ctx.prisma, auth.organizationId, query.structureId ?? null);
      const stored = existing?.provider === 'smtp' ? existing : null;
      const given = secretOnUpdate(stored, { host, port, security: sec, username: body.username ?? null }, body.password, 'body.password');
      const password = given === undefined ? (existing && !stored ? { passwordEnc: null } : {}) : { passwordEnc: given === null ? null : ctx.secrets.encrypt(given) };
      const saved = await saveAccount(ctx.prisma, auth.organizationId, query.structureId ?? null, {
        provider: 'smtp', host, port, security: sec, username: body.username ?? null, fromAddress: body.fromAddress, fromName: body.fromName ?? null, replyTo: body.replyTo ?? null,
        oauthRefreshTokenEnc: null, oauthAccessTokenEnc: null, oauthAccessExpiresAt: null, ...password,
      });
      return presentAccount(saved);
    },
  });

  r.add({
    method: 'delete', path: '/settings/smtp', summary: 'Remove the account (mail then goes through the next one in line)', tags, role: 'admin', query: scopeQuery,
    handler: async ({ auth, query }) => {
      const account = requireAccount(await findAccount(ctx.prisma, auth.organizationId, query.structureId ?? null));
      await ctx.prisma.smtpAccount.delete({ where: { id: account.id } });
    },
  });

  r.add({
    method: 'post', path: '/settings/smtp/verify', summary: 'Test the connection for real (connect, TLS, login, optional message) and explain failures', tags, role: 'admin', body: verifyBody, response: verifyResult,
    handler: async ({ auth, body }) => {
      const rejectUnauthorized = ctx.config.SMTP_TLS_REJECT_UNAUTHORIZED;
      const timeoutMs = ctx.config.SMTP_VERIFY_TIMEOUT_SECONDS * 1000;
      if (body.settings) {
        const { host, port, security: sec } = fromPreset(body.settings);
        const saved = await findAccount(ctx.prisma, auth.organizationId, body.structureId ?? null);
        const password = secretForUse(saved?.provider === 'smtp' ? saved : null, { host, port, security: sec, username: body.settings.username ?? null }, body.settings.password, 'body.settings.password', (e) => ctx.secrets.decrypt(e));
        return verifySmtp({ host, port, security: sec, username: body.settings.username, password, fromAddress: body.settings.fromAddress, testTo: body.testTo, rejectUnauthorized, timeoutMs });
      }
      const account = requireAccount(await findAccount(ctx.prisma, auth.organizationId, body.structureId ?? null));
      if (isOAuthProviderId(account.provider)) {
        const sender = await resolveSenderAccount({ ...ctx, config: ctx.config }, auth.organizationId, body.structureId ?? null);
        const p = oauthProvider(ctx.config, account.provider);
        return verifySmtp({ host: p.smtp.host, port: p.smtp.port, security: p.smtp.security, fromAddress: account.fromAddress, testTo: body.testTo, rejectUnauthorized, timeoutMs, auth: sender.smtp?.auth });
      }
      return verifySmtp({
        host: account.host ?? '', port: account.port ?? 587, security: account.security, username: account.username,
        password: account.passwordEnc ? ctx.secrets.decrypt(account.passwordEnc) : undefined, fromAddress: account.fromAddress, testTo: body.testTo, rejectUnauthorized, timeoutMs,
      });
    },
  });
}
