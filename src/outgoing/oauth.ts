import crypto from 'node:crypto';
import type { Config } from '../config';
import { guardedRequest } from '../net/guarded';
import { problem } from '../shared/errors';

/**
 * OAuth2 authorization-code flow for sending accounts (RFC 6749 §4.1) and the
 * SASL XOAUTH2 mechanism used by Gmail and Microsoft 365 SMTP. The `state`
 * parameter is signed and expiring, so a callback can only complete a flow this
 * server started, for the organisation that started it.
 */
export const OAUTH_PROVIDER_IDS = ['gmail', 'microsoft'] as const;
export type OAuthProviderId = (typeof OAUTH_PROVIDER_IDS)[number];
export const isOAuthProviderId = (v: string | null | undefined): v is OAuthProviderId => (OAUTH_PROVIDER_IDS as readonly (string | null | undefined)[]).includes(v);

export interface OAuthProvider {
  id: OAuthProviderId;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  scope: string;
  smtp: { host: string; port: number; security: 'none' | 'ssl' | 'starttls' };
  imap: { host: string; port: number; security: 'none' | 'ssl' | 'starttls' };
}

export function oauthProvider(config: Config, id: OAuthProviderId): OAuthProvider {
  const p = id === 'gmail'
    ? { clientId: config.GMAIL_OAUTH_CLIENT_ID, clientSecret: config.GMAIL_OAUTH_CLIENT_SECRET, authorizeUrl: config.GMAIL_OAUTH_AUTHORIZE_URL, tokenUrl: config.GMAIL_OAUTH_TOKEN_URL, revokeUrl: config.GMAIL_OAUTH_REVOKE_URL, scope: config.GMAIL_OAUTH_SCOPE, smtp: { host: config.GMAIL_SMTP_HOST, port: config.GMAIL_SMTP_PORT, security: config.GMAIL_SMTP_SECURITY }, imap: { host: config.GMAIL_IMAP_HOST, port: config.GMAIL_IMAP_PORT, security: config.GMAIL_IMAP_SECURITY } }
    : { clientId: config.MICROSOFT_OAUTH_CLIENT_ID, clientSecret: config.MICROSOFT_OAUTH_CLIENT_SECRET, authorizeUrl: config.MICROSOFT_OAUTH_AUTHORIZE_URL, tokenUrl: config.MICROSOFT_OAUTH_TOKEN_URL, revokeUrl: config.MICROSOFT_OAUTH_REVOKE_URL, scope: config.MICROSOFT_OAUTH_SCOPE, smtp: { host: config.MICROSOFT_SMTP_HOST, port: config.MICROSOFT_SMTP_PORT, security: config.MICROSOFT_SMTP_SECURITY }, imap: { host: config.MICROSOFT_IMAP_HOST, port: config.MICROSOFT_IMAP_PORT, security: config.MICROSOFT_IMAP_SECURITY } };
  if (!p.clientId || !p.clientSecret) {
    const prefix = id === 'gmail' ? 'GMAIL' : 'MICROSOFT';
    throw problem('NOT_CONFIGURED', 'OAUTH_NOT_CONFIGURED', { provider: id === 'gmail' ? 'Google' : 'Microsoft', prefix });
  }
  return { id, ...p, clientId: p.clientId, clientSecret: p.clientSecret };
}

export interface OAuthState {
  organizationId: string;
  provider: OAuthProviderId;
  structureId: string | null;
  fromName: string | null;
  /** What the consent is for: sending (the outgoing account), receiving (the mailbox), or both at once. */
  uses?: ('send' | 'receive')[];
  /** The mailbox folder to read, when receiving. */
  folder?: string;
  exp: number;
  nonce: string;
}


/** `key` comes from SecretBox.deriveKey('oauth-state'): no extra secret to manage. */
export function signState(key: Buffer, state: Omit<OAuthState, 'exp' | 'nonce'>, ttlSeconds = 600): string {
  const body = Buffer.from(JSON.stringify({ ...state, exp: Math.floor(Date.now() / 1000) + ttlSeconds, nonce: crypto.randomBytes(8).toString('hex') })).toString('base64url');
  const sig = crypto.createHmac('sha256', key).update(body).digest('base64url');
  return `${body}.${sig}`;
}

export function verifyState(key: Buffer, value: string): OAuthState {
  const [body, sig] = value.split('.');
  const expected = body ? crypto.createHmac('sha256', key).update(body).digest('base64url') : '';
  if (!body || !sig || sig.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) {
    throw problem('BAD_REQUEST', 'OAUTH_LINK_INVALID');
  }
  const state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as OAuthState;
  if (state.exp < Date.now() / 1000) throw problem('BAD_REQUEST', 'OAUTH_LINK_EXPIRED');
  return state;
}

export function authorizationUrl(p: OAuthProvider, redirectUri: string, state: string): string {
  const u = new URL(p.authorizeUrl);
  u.searchParams.set('client_id', p.clientId);
  u.searchParams.set('redirect_uri', redirectUri);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('scope', p.scope);
  u.searchParams.set('state', state);
  // Google only returns a refresh token with offline access and explicit consent.
  u.searchParams.set('access_type', 'offline');
  u.searchParams.set('prompt', 'consent');
  return u.toString();
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt: Date;
  email?: string;
}

interface TokenAnswer { access_token?: string; refresh_token?: string; expires_in?: number; id_token?: string; error?: string; error_description?: string }

/** A token-endpoint call (RFC 6749 §4.1.3, §6), through the outbound policy like every other destination. */
async function tokenRequest(p: OAuthProvider, params: Record<string, string>): Promise<{ ok: boolean; status: number; json: TokenAnswer }> {
  const res = await guardedRequest(p.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ ...params, client_id: p.clientId, client_secret: p.clientSecret }).toString(),
    timeoutMs: 15_000,
  });
  const json = (await Promise.resolve().then(() => JSON.parse(res.text) as unknown).catch(() => ({}))) as TokenAnswer;
  return { ok: res.ok, status: res.status, json };
}

export async function exchangeCode(p: OAuthProvider, code: string, redirectUri: string): Promise<TokenSet> {
  const { ok, status, json } = await tokenRequest(p, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  if (!ok || !json.access_token) {
    throw problem('BAD_REQUEST', 'OAUTH_REFUSED', { detail: String(json.error_description ?? json.error ?? status) });
  }
  return { accessToken: json.access_token, refreshToken: json.refresh_token, expiresAt: new Date(Date.now() + (json.expires_in ?? 3600) * 1000), email: emailFromIdToken(json.id_token) };
}

/** The address the user signed in with, from the OpenID Connect id_token (signature checked by TLS to the token endpoint). */
function emailFromIdToken(idToken?: string): string | undefined {
  if (!idToken) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { email?: string; preferred_username?: string };
    return payload.email ?? payload.preferred_username;
  } catch {
    return undefined;
  }
}

export async function revokeToken(p: OAuthProvider, token: string): Promise<void> {
  if (!p.revokeUrl) return; // Microsoft has no revocation endpoint for refresh tokens; forgetting it is what remains.
  await guardedRequest(p.revokeUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString(), timeoutMs: 15_000 }).catch(() => undefined);
}

/**
 * A fresh access token from the refresh token (RFC 6749 §6); a refused refresh
 * (revoked, expired consent) is permanent. `use` says whose sign-in it is, so
 * the error names the mailbox or the sending account.
 */
export async function refreshAccessToken(p: OAuthProvider, refreshToken: string, use: 'mailbox' | 'smtp' = 'mailbox'): Promise<TokenSet> {
  const { ok, status, json } = await tokenRequest(p, { grant_type: 'refresh_token', refresh_token: refreshToken });
  if (!ok || !json.access_token) {
    const permanent = status === 400 || status === 401;
    const why = json.error_description ?? json.error ?? status;
    if (use === 'smtp') throw problem(permanent ? 'SMTP_AUTH_FAILED' : 'SMTP_CONNECTION', 'SENDING_SIGN_IN_INVALID', { detail: String(why) });
    throw problem(permanent ? 'IMAP_AUTH_FAILED' : 'IMAP_CONNECTION', 'MAILBOX_SIGN_IN_INVALID', { detail: String(why) });
  }
  return { accessToken: json.access_token, refreshToken: json.refresh_token, expiresAt: new Date(Date.now() + (json.expires_in ?? 3600) * 1000) };
}

/**
 * nodemailer's XOAUTH2 token source. Left to itself nodemailer would call the
 * token URL with its own HTTP client, outside the outbound policy; with a
 * provision callback every renewal goes through `refreshAccessToken`.
 */
export function smtpTokenProvisioner(p: OAuthProvider, refreshToken: string) {
  return (_user: string, _renew: boolean, done: (err: Error | null, accessToken?: string, expires?: number) => void): void => {
    refreshAccessToken(p, refreshToken, 'smtp').then((t) => done(null, t.accessToken, t.expiresAt.getTime()), (err: Error) => done(err));
  };
}
