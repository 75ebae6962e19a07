import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { PrismaClient, SmtpAccount } from '../generated/prisma/client';
import type { Config } from '../config';
import { isOAuthProviderId, oauthProvider, smtpTokenProvisioner } from '../outgoing/oauth';
import { guardSmtp } from '../net/guarded';
import { CHECKED_DATA, installCheckedData } from './smtp-data';
import { sendRawThroughPool } from './raw-send';
import type { SecretBox } from '../secrets';

/**
 * Which account sends a message: the structure's own, else the organisation's,
 * else the platform default (SMTP_URL, or .eml files in the outbox folder).
 */
export interface SenderAccount {
  /** Stable id for pooling; changes when the settings change. */
  cacheKey: string;
  kind: 'account' | 'platform-smtp' | 'outbox';
  from: string;
  fromName?: string | null;
  replyTo?: string | null;
  smtp?: SMTPTransport.Options;
  label: string;
}

export interface PlatformTransportConfig {
  smtpUrl?: string;
  mailFrom: string;
  outboxDir: string;
}

export function smtpOptionsFromAccount(account: Pick<SmtpAccount, 'host' | 'port' | 'security' | 'username'>, password: string | undefined): SMTPTransport.Options {
  return {
    host: account.host ?? undefined,
    port: account.port ?? undefined,
    secure: account.security === 'ssl',
    // `starttls` must upgrade or fail; `none` never tries (RFC 3207 downgrade protection).
    requireTLS: account.security === 'starttls',
    ignoreTLS: account.security === 'none',
    auth: account.username ? { user: account.username, pass: password ?? '' } : undefined,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  };
}

export async function resolveSenderAccount(
  deps: { prisma: PrismaClient; secrets: SecretBox; platform: PlatformTransportConfig; config?: Config },
  organizationId: string,
  structureId?: string | null,
): Promise<SenderAccount> {
  const accounts = await deps.prisma.smtpAccount.findMany({
    where: { organizationId, OR: [{ structureId: null }, ...(structureId ? [{ structureId }] : [])] },
  });
  const account = (structureId && accounts.find((a) => a.structureId === structureId)) || accounts.find((a) => a.structureId === null);
  if (account && isOAuthProviderId(account.provider) && account.oauthRefreshTokenEnc) {
    // Callers that only need the sender (queueing) pass no config; the worker always does.
    if (!deps.config) return { cacheKey: account.id, kind: 'account', from: account.fromAddress, fromName: account.fromName, replyTo: account.replyTo, label: account.provider };
    const p = oauthProvider(deps.config, account.provider);
    return {
      cacheKey: `${account.id}:${account.updatedAt.getTime()}`,
      kind: 'account',
      from: account.fromAddress,
      fromName: account.fromName,
      replyTo: account.replyTo,
      // XOAUTH2: the stored access token while it lasts, then fresh ones from the refresh token (through the outbound policy).
      smtp: guardSmtp({
        ...smtpOptionsFromAccount({ host: p.smtp.host, port: p.smtp.port, security: p.smtp.security, username: null }, undefined),
        auth: {
          type: 'OAuth2',
          user: account.username ?? account.fromAddress,
          accessToken: account.oauthAccessTokenEnc ? deps.secrets.decrypt(account.oauthAccessTokenEnc) : undefined,
          expires: account.oauthAccessExpiresAt?.getTime(),
          provisionCallback: smtpTokenProvisioner(p, deps.secrets.decrypt(account.oauthRefreshTokenEnc)),
        },
        tls: deps.config.SMTP_TLS_REJECT_UNAUTHORIZED ? undefined : { rejectUnauthorized: false },
      } as SMTPTransport.Options),
      label: `${account.provider} (OAuth2) ${p.smtp.host}:${p.smtp.port}`,
    };
  }
  if (account && account.provider === 'smtp' && account.host) {
    const password = account.passwordEnc ? deps.secrets.decrypt(account.passwordEnc) : undefined;
    return {
      cacheKey: `${account.id}:${account.updatedAt.getTime()}`,
      kind: 'account',
      from: account.fromAddress,
      fromName: account.fromName,
      replyTo: account.replyTo,
      // A tenant's own server: connected through the outbound policy (the platform's SMTP_URL is the operator's and is not).
      smtp: guardSmtp({ ...smtpOptionsFromAccount(account, password), ...(deps.config && !deps.config.SMTP_TLS_REJECT_UNAUTHORIZED ? { tls: { rejectUnauthorized: false } } : {}) }),
      label: `smtp://${account.host}:${account.port}`,
    };
  }
  if (deps.platform.smtpUrl) {
    return { cacheKey: 'platform-smtp', kind: 'platform-smtp', from: deps.platform.mailFrom, smtp: smtpUrlOptions(deps.platform.smtpUrl), label: 'platform SMTP' };
  }
  return { cacheKey: 'outbox', kind: 'outbox', from: deps.platform.mailFrom, label: 'outbox' };
}

function smtpUrlOptions(url: string): SMTPTransport.Options {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: Number(u.port) || (secure ? 465 : 587),
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    // Self-signed test or relay certificates: opt out explicitly with ?tls_reject_unauthorized=false.
    tls: u.searchParams.get('tls_reject_unauthorized') === 'false' ? { rejectUnauthorized: false } : undefined,
    ignoreTLS: u.searchParams.get('ignore_tls') === 'true',
  };
}

export interface SendResult {
  response: string;
  accepted: string[];
  rejected: string[];
  /** The server's reply to each refused RCPT TO, when it gave one (nodemailer's rejectedErrors). */
  rejectedResponses?: string[];
}

export interface Envelope {
  from: string;
  to: string[];
}

/** Sends an already built RFC 5322 message, from memory or streamed from storage. */
export interface RawTransport {
  send(envelope: Envelope, raw: () => Readable | Buffer, sentEmailId: string): Promise<SendResult>;
  close(): void;
}

function outboxTransport(outboxDir: string): RawTransport {
  return {
    async send(envelope, raw, sentEmailId) {
      await fs.promises.mkdir(outboxDir, { recursive: true });
      // Named after the sent email, so a retried send overwrites instead of duplicating.
      const file = path.join(outboxDir, `${sentEmailId}.eml`);
      const tmp = `${file}.tmp`;
      const source = raw();
      if (Buffer.isBuffer(source)) await fs.promises.writeFile(tmp, source);
      else {
        await new Promise<void>((resolve, reject) => {
          const out = fs.createWriteStream(tmp);
          source.on('error', reject).pipe(out).on('finish', resolve).on('error', reject);
        });
      }
      await fs.promises.rename(tmp, file);
      return { response: `250 written to ${file}`, accepted: envelope.to, rejected: [] };
    },
    close() {},
  };
}

function smtpTransport(options: SMTPTransport.Options, pool: boolean, maxConnections: number): RawTransport {
  // Our messages' end of data is checked before nodemailer rewrites it byte by byte (src/mail/smtp-data.ts).
  installCheckedData();
  // nodemailer is loaded with the first SMTP transport, not at start (memory at rest, issue #16).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodemailer = require('nodemailer') as typeof import('nodemailer');
  const transporter = nodemailer.createTransport({ ...options, pool, maxConnections, maxMessages: 100, [CHECKED_DATA]: true } as SMTPTransport.Options);
  return {
    async send(envelope, raw) {
      // Straight to the pool: Mail#sendMail would compose around a message that is already built (src/mail/raw-send.ts).
      const info = await sendRawThroughPool(transporter, envelope, raw());
      return {
        response: info.response,
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
        rejectedResponses: ((info as { rejectedErrors?: { response?: string; message?: string }[] }).rejectedErrors ?? []).map((e) => e.response ?? e.message ?? ''),
      };
    },
    close: () => transporter.close(),
  };
}

/** Keeps one pooled transport per account so batches reuse SMTP connections. */
export class TransportCache {
  private readonly transports = new Map<string, RawTransport>();

  /**
   * `maxConnections`: SMTP connections per account and worker. Below a batch's
   * concurrency it would silently become the real limit, so the runtime passes
   * at least INVOICE_BATCH_CONCURRENCY.
   */
  constructor(
    private readonly platform: PlatformTransportConfig,
    private readonly maxConnections = 5,
  ) {}

  get(account: SenderAccount): RawTransport {
    let t = this.transports.get(account.cacheKey);
    if (!t) {
      t = account.kind === 'outbox' ? outboxTransport(this.platform.outboxDir) : smtpTransport(account.smtp!, true, this.maxConnections);
      // Settings changed: drop the stale pool of the same account.
      const prefix = account.cacheKey.split(':')[0];
      for (const [key, old] of this.transports) {
        if (key.split(':')[0] === prefix) {
          old.close();
          this.transports.delete(key);
        }
      }
      this.transports.set(account.cacheKey, t);
    }
    return t;
  }

  /** Forgets a pool after a connection-level failure so the next try reconnects. */
  evict(account: SenderAccount): void {
    this.transports.get(account.cacheKey)?.close();
    this.transports.delete(account.cacheKey);
  }

  closeAll(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }
}
