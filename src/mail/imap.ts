import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { SmtpSecurity } from '../generated/prisma/enums';
import { guardImap } from '../net/guarded';
import { AppError } from '../shared/errors';

/** A password, or an OAuth2 access token (SASL XOAUTH2 / OAUTHBEARER, RFC 7628: ImapFlow picks what the server offers). */
export type ImapSecret = string | undefined | { accessToken: string };

/** IMAP connection options from stored settings: `ssl` = implicit TLS (993), `starttls` must upgrade, `none` never does. */
export function imapOptions(a: { host: string; port: number; security: SmtpSecurity; username: string }, secret: ImapSecret, rejectUnauthorized: boolean): ImapFlowOptions {
  return {
    host: a.host,
    port: a.port,
    secure: a.security === 'ssl',
    doSTARTTLS: a.security === 'starttls' ? true : a.security === 'none' ? false : undefined,
    auth: typeof secret === 'object' ? { user: a.username, accessToken: secret.accessToken } : { user: a.username, pass: secret ?? '' },
    tls: { rejectUnauthorized },
    logger: false,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  };
}

/**
 * ImapFlow, loaded on first use: a process without a mailbox (most of the time at rest)
 * does not carry it (see the README's "Memory at rest").
 */
export function newImapFlow(options: ImapFlowOptions): ImapFlow {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ImapFlow: Client } = require('imapflow') as typeof import('imapflow');
  return new Client(options);
}

export async function withImap<T>(options: ImapFlowOptions, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = newImapFlow(await guardImap(options));
  client.on('error', () => undefined); // surfaced through the failing command instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** A failed IMAP session as an error code: bad credentials are permanent, the rest is worth retrying. */
export function imapFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = (err as Error).message || String(err);
  const authFailed = (err as { authenticationFailed?: boolean }).authenticationFailed;
  return new AppError(authFailed ? 'IMAP_AUTH_FAILED' : 'IMAP_CONNECTION', message, { cause: err });
}
