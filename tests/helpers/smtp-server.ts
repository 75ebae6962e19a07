import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { getTestCertificate } from './certs';

/**
 * A real SMTP server for tests (built on `smtp-server`) that records every
 * message it accepts and can be told to refuse the next ones with a given code
 * at a given stage, as providers do (greylisting 451, throttling 421, unknown
 * user 550...). Listens on 127.0.0.1, port 0.
 */
export interface RecordedMessage {
  envelope: { mailFrom: string; rcptTo: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  messageId?: string;
  receivedAt: Date;
  user?: string;
}

export interface FailureRule {
  /** How many times the rule fires before the server behaves normally again. */
  count: number;
  stage: 'mail' | 'rcpt' | 'data';
  code: number;
  message: string;
  /** For `rcpt`: only these recipients are refused (default: all). */
  recipients?: string[];
}

export interface RecordingSmtpOptions {
  mode?: 'plain' | 'tls' | 'starttls';
  auth?: { user: string; pass: string };
  /** XOAUTH2: decide whether an access token is valid for a user. */
  xoauth2?: (user: string, accessToken: string) => boolean | Promise<boolean>;
  /** Called with each complete message before the server answers 250 (e.g. to kill a worker). */
  onMessage?: (message: RecordedMessage) => Promise<void> | void;
  /** Largest message accepted, bytes. */
  size?: number;
  /** Wait this long before answering DATA (throughput and timeout tests). */
  delayMs?: number;
}

export interface RecordingSmtpServer {
  host: string;
  port: number;
  /** An smtp:// (or smtps://) URL for SMTP_URL; self-signed certificates accepted. */
  url: string;
  messages: RecordedMessage[];
  failNext(rule: FailureRule): void;
  waitForMessages(n: number, timeoutMs?: number): Promise<RecordedMessage[]>;
  reset(): void;
  close(): Promise<void>;
}

export async function startRecordingSmtpServer(opts: RecordingSmtpOptions = {}): Promise<RecordingSmtpServer> {
  const mode = opts.mode ?? 'plain';
  const messages: RecordedMessage[] = [];
  let rules: FailureRule[] = [];
  const waiters: (() => void)[] = [];
  const needsCert = mode !== 'plain';
  const cert = needsCert ? await getTestCertificate() : undefined;

  const take = (stage: FailureRule['stage'], recipient?: string): FailureRule | undefined => {
    const rule = rules.find((r) => r.stage === stage && r.count > 0 && (!recipient || !r.recipients || r.recipients.includes(recipient)));
    if (rule) rule.count -= 1;
    rules = rules.filter((r) => r.count > 0);
    return rule;
  };
  const refuse = (rule: FailureRule) => Object.assign(new Error(rule.message), { responseCode: rule.code });

  const authMethods = [...(opts.auth ? ['PLAIN', 'LOGIN'] : []), ...(opts.xoauth2 ? ['XOAUTH2'] : [])];
  const serverOptions: SMTPServerOptions = {
    secure: mode === 'tls',
    disabledCommands: [...(mode === 'plain' ? ['STARTTLS'] : []), ...(authMethods.length ? [] : ['AUTH'])],
    key: cert?.key,
    cert: cert?.cert,
    authMethods: authMethods.length ? authMethods : undefined,
    authOptional: !authMethods.length,
    allowInsecureAuth: true,
    logger: false,
    // Pooled clients keep connections open; tests should not wait 30 s for them at close.
    closeTimeout: 200,
    size: opts.size ?? 50 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      void (async () => {
        if (auth.method === 'XOAUTH2') {
          const ok = opts.xoauth2 ? await opts.xoauth2(auth.username ?? '', auth.accessToken ?? '') : false;
          return ok ? callback(null, { user: auth.username }) : callback(null, { data: { status: '401', schemes: 'bearer' } } as never);
        }
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return callback(null, { user: auth.username });
        return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      })();
    },
    onMailFrom(_address, _session, callback) {
      const rule = take('mail');
      callback(rule ? refuse(rule) : undefined);
    },
    onRcptTo(address, _session, callback) {
      const rule = take('rcpt', address.address);
      callback(rule ? refuse(rule) : undefined);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            return callback(Object.assign(new Error('5.3.4 Message too big'), { responseCode: 552 }));
          }
          const rule = take('data');
          if (rule) return callback(refuse(rule));
          const raw = Buffer.concat(chunks);
          const parsed = await simpleParser(raw);
          const message: RecordedMessage = {
            envelope: {
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            parsed,
            messageId: parsed.messageId,
            receivedAt: new Date(),
            user: session.user as string | undefined,
          };
          // Recorded before answering: a client that vanishes now still "sent" it (RFC 5321 §4.1.1.4 duplicates).
          messages.push(message);
          waiters.splice(0).forEach((w) => w());
          await opts.onMessage?.(message);
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          callback(null, `2.0.0 Ok: queued as ${messages.length}`);
        })().catch((err) => callback(err as Error));
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const scheme = mode === 'tls' ? 'smtps' : 'smtp';
  const params = mode === 'plain' ? '?ignore_tls=true' : '?tls_reject_unauthorized=false';
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';

  return {
    host: '127.0.0.1',
    port,
    url: `${scheme}://${cred}127.0.0.1:${port}${params}`,
    messages,
    failNext(rule) {
      rules.push({ ...rule });
    },
    async waitForMessages(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} messages at the SMTP server, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return messages.slice(0, n);
    },
    reset() {
      messages.length = 0;
      rules = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
