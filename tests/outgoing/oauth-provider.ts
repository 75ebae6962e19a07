import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OAuth2 provider for tests: authorization-code and refresh-token
 * grants (RFC 6749), an id_token carrying the signed-in address, a revocation
 * endpoint, a check for the SMTP server's XOAUTH2 and an RFC 7662
 * introspection endpoint for Dovecot's: only access tokens it issued and that
 * have not expired are valid.
 */
export interface TestOAuthProvider {
  url: string;
  clientId: string;
  clientSecret: string;
  email: string;
  codes: Set<string>;
  issued: Map<string, number>;
  revoked: string[];
  refreshes: number;
  /** Token checks asked by an IMAP server (POST /introspect). */
  introspections: number;
  isValidAccessToken(user: string, token: string): boolean;
  close(): Promise<void>;
}

export async function startOAuthProvider(opts: { email: string; accessTtlSeconds?: number }): Promise<TestOAuthProvider> {
  const p: TestOAuthProvider = {
    url: '',
    clientId: 'mailroom-test-client',
    clientSecret: 'test-secret-' + crypto.randomBytes(4).toString('hex'),
    email: opts.email,
    codes: new Set(),
    issued: new Map(),
    revoked: [],
    refreshes: 0,
    introspections: 0,
    isValidAccessToken: (user, token) => user === opts.email && (p.issued.get(token) ?? 0) > Date.now(),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const refreshToken = 'rt-' + crypto.randomBytes(8).toString('hex');
  const idToken = ['e30', Buffer.from(JSON.stringify({ email: opts.email, sub: '42' })).toString('base64url'), 'sig'].join('.');
  const newAccess = (ttl: number) => {
    const token = 'at-' + crypto.randomBytes(8).toString('hex');
    p.issued.set(token, Date.now() + ttl * 1000);
    return token;
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const json = (status: number, value: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
      if (req.url === '/token') {
        if (form.get('client_id') !== p.clientId || form.get('client_secret') !== p.clientSecret) return json(401, { error: 'invalid_client' });
        if (form.get('grant_type') === 'authorization_code') {
          const code = form.get('code') ?? '';
          if (!p.codes.delete(code)) return json(400, { error: 'invalid_grant', error_description: 'unknown or used code' });
          // The first access token is already expired: sending must refresh it.
          return json(200, { access_token: newAccess(opts.accessTtlSeconds ?? -1), refresh_token: refreshToken, expires_in: opts.accessTtlSeconds ?? 1, token_type: 'Bearer', id_token: idToken });
        }
        if (form.get('grant_type') === 'refresh_token') {
          if (form.get('refresh_token') !== refreshToken || p.revoked.includes(refreshToken)) return json(400, { error: 'invalid_grant' });
          p.refreshes += 1;
          return json(200, { access_token: newAccess(3600), expires_in: 3600, token_type: 'Bearer' });
        }
        return json(400, { error: 'unsupported_grant_type' });
      }
      // RFC 7662 token introspection, as Dovecot's oauth2 passdb asks it about an IMAP login.
      if (req.url === '/introspect') {
        const token = form.get('token') ?? '';
        p.introspections += 1;
        return json(200, (p.issued.get(token) ?? 0) > Date.now() && !p.revoked.includes(token) ? { active: true, email: opts.email } : { active: false });
      }
      if (req.url === '/revoke') {
        p.revoked.push(form.get('token') ?? '');
        return json(200, {});
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  p.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return p;
}
