import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { getTestCertificate } from './certs';

/**
 * A real SMTP server for tests (built on `smtp-server`) that records every
 * message it accepts and can be told to refuse the next ones with a given code
 * at a given stage, as providers do (greylisting 451, throttling 421, unknown
 * user 550...). Listens on 127.0.0.1, port 0, and never logs.
 */
export interface RecordedMessage {
  envelope: { mailFrom: string; rcptTo: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  /** With its angle brackets, as in the header: `<id@host>`. */
  messageId?: string;
  receivedAt: Date;
  /** The authenticated user, if the client logged in. */
  user?: string;
  /** True when the message came over TLS (implicit TLS or after STARTTLS). */
  secure: boolean;
}

export type SmtpStage = 'mail' | 'rcpt' | 'data';

export interface FailureRule {
  /** How many times the rule fires before the server behaves normally again (per recipient for `rcpt`). */
  count: number;
  /** `mail`: answer to MAIL FROM; `rcpt`: to RCPT TO; `data`: the final answer after the message body. */
  stage: SmtpStage;
  /** e.g. 451, 421, 550, 552. */
  code: number;
  /** Text after the code, usually starting with the enhanced status: `4.7.1 try later`. */
  message: string;
  /** For `rcpt`: only these recipients are refused (default: all), compared case-insensitively. */
  recipients?: string[];
}

export interface RecordingSmtpOptions {
  /** `plain` (no TLS at all), `tls` (implicit TLS, as on port 465) or `starttls` (as on port 587). Default `plain`. */
  mode?: 'plain' | 'tls' | 'starttls';
  /** Require AUTH PLAIN/LOGIN with these credentials. */
  auth?: { user: string; pass: string };
  /** Offer XOAUTH2 and decide whether an access token is valid for a user. */
  xoauth2?: (user: string, accessToken: string) => boolean | Promise<boolean>;
  /** Called with each complete message before the server answers 250 (e.g. to kill a worker mid-send). */
  onMessage?: (message: RecordedMessage) => Promise<void> | void;
  /** Largest message accepted, bytes (advertised with SIZE, bigger ones get 552). Default 50 MB. */
  size?: number;
  /** Wait this long before the final answer to DATA (throughput and timeout tests). */
  delayMs?: number;
}

export interface RecordingSmtpServer {
  host: string;
  port: number;
  /**
   * A URL for SMTP_URL or `nodemailer.createTransport(url)`: `smtps://` in `tls`
   * mode, else `smtp://`, with the credentials when `auth` is set. TLS modes
   * carry `tls.rejectUnauthorized=false` (nodemailer's own query syntax) and
   * `tls_reject_unauthorized=false` (Mailroom's SMTP_URL syntax), because the
   * certificate is self-signed: the client must opt out of verification. `plain`
   * carries `ignoreTLS=true` / `ignore_tls=true` in the same two spellings.
   */
  url: string;
  /** The same as `url`, as options for `nodemailer.createTransport()`. */
  transportOptions: SMTPTransport.Options;
  /** Every accepted message, in arrival order. */
  messages: RecordedMessage[];
  /** Refuse the next `count` commands of a stage; rules are used in the order given. */
  failNext(rule: FailureRule): void;
  /** Change the delay before the final answer to DATA. */
  setDelay(ms: number): void;
  /** Resolves with the first `n` messages once there are that many; rejects after `timeoutMs`. */
  waitForMessages(n: number, timeoutMs?: number): Promise<RecordedMessage[]>;
  /** Forget recorded messages and pending failure rules. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_SIZE = 50 * 1024 * 1024;

export async function startRecordingSmtpServer(opts: RecordingSmtpOptions = {}): Promise<RecordingSmtpServer> {
  const mode = opts.mode ?? 'plain';
  const size = opts.size ?? DEFAULT_SIZE;
  const messages: RecordedMessage[] = [];
  const failures = new FailureRules();
  const arrivals = new Signal();
  let delayMs = opts.delayMs ?? 0;
  const cert = mode === 'plain' ? undefined : await getTestCertificate();

  const authMethods = [...(opts.auth ? ['PLAIN', 'LOGIN'] : []), ...(opts.xoauth2 ? ['XOAUTH2'] : [])];
  const serverOptions: SMTPServerOptions = {
    secure: mode === 'tls',
    key: cert?.key,
    cert: cert?.cert,
    disabledCommands: [...(mode === 'plain' ? ['STARTTLS'] : []), ...(authMethods.length ? [] : ['AUTH'])],
    authMethods: authMethods.length ? authMethods : undefined,
    authOptional: !authMethods.length,
    // A STARTTLS server only takes credentials once the client has upgraded, as real
    // submission servers do: a client that forgets STARTTLS fails here, not in production.
    allowInsecureAuth: mode !== 'starttls',
    logger: false,
    // Pooled clients keep connections open; tests should not wait 30 s for them at close.
    closeTimeout: 200,
    size,
    rejectOversized: true,
    onAuth(auth, _session, callback) {
      void (async () => {
        if (auth.method === 'XOAUTH2') {
          const ok = opts.xoauth2 ? await opts.xoauth2(auth.username ?? '', auth.accessToken ?? '') : false;
          // XOAUTH2 failures are reported as a JSON challenge, not as an error (smtp-server docs).
          return ok ? callback(null, { user: auth.username }) : callback(null, { data: { status: '401', schemes: 'bearer' } });
        }
        if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass)
          return callback(null, { user: auth.username });
        return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      })().catch((err: Error) => callback(err));
    },
    onMailFrom(_address, _session, callback) {
      const rule = failures.take('mail');
      callback(rule ? smtpError(rule.code, rule.message) : undefined);
    },
    onRcptTo(address, _session, callback) {
      const rule = failures.take('rcpt', address.address);
      callback(rule ? smtpError(rule.code, rule.message) : undefined);
    },
    onData(stream, session, callback) {
      readMessage(stream, size)
        .then(async (raw) => {
          // Oversized: smtp-server answers 552 itself (rejectOversized), whatever we say.
          if (!raw) return callback(null);
          const rule = failures.take('data');
          if (rule) return callback(smtpError(rule.code, rule.message));
          const message = await record(raw, session);
          // Recorded before answering: a client that vanishes now still "sent" it (RFC 5321 §4.1.1.4 duplicates).
          messages.push(message);
          arrivals.fire();
          await opts.onMessage?.(message);
          if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          callback(null, `2.0.0 Ok: queued as ${messages.length}`);
        })
        .catch((err: Error) => callback(err));
    },
  };
  const server = new SMTPServer(serverOptions);
  // Client-side resets and TLS handshake failures surface here; tests look at results, not at this.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const host = '127.0.0.1';
  const port = (server.server.address() as AddressInfo).port;

  return {
    host,
    port,
    url: connectionUrl(mode, host, port, opts.auth),
    transportOptions: {
      host,
      port,
      secure: mode === 'tls',
      ...(mode === 'plain' ? { ignoreTLS: true } : { requireTLS: mode === 'starttls', tls: { rejectUnauthorized: false } }),
      ...(opts.auth ? { auth: { user: opts.auth.user, pass: opts.auth.pass } } : {}),
    },
    messages,
    failNext: (rule) => failures.add(rule),
    setDelay(ms) {
      delayMs = ms;
    },
    async waitForMessages(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} messages at the SMTP server, got ${messages.length}`);
        await arrivals.wait(left);
      }
      return messages.slice(0, n);
    },
    reset() {
      messages.length = 0;
      failures.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function connectionUrl(mode: 'plain' | 'tls' | 'starttls', host: string, port: number, auth?: { user: string; pass: string }): string {
  const scheme = mode === 'tls' ? 'smtps' : 'smtp';
  const cred = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
  const query = mode === 'plain' ? 'ignoreTLS=true&ignore_tls=true' : 'tls.rejectUnauthorized=false&tls_reject_unauthorized=false';
  return `${scheme}://${cred}${host}:${port}/?${query}`;
}

/** The whole message, or undefined once it went over `size` (stop buffering, keep draining). */
function readMessage(stream: SMTPServerDataStream, size: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= size) chunks.push(chunk);
      else chunks.length = 0;
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(stream.sizeExceeded || bytes > size ? undefined : Buffer.concat(chunks, bytes)));
  });
}

async function record(raw: Buffer, session: SMTPServerSession): Promise<RecordedMessage> {
  // mailparser is lenient, but a helper must never lose a message over a parse error.
  const parsed = await simpleParser(raw).catch(() => simpleParser(''));
  const headerId = /^message-id:\s*(<[^>\r\n]*>)/im.exec(raw.subarray(0, 64 * 1024).toString('latin1'))?.[1];
  return {
    envelope: {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    },
    raw,
    parsed,
    messageId: parsed.messageId ?? headerId,
    receivedAt: new Date(),
    user: typeof session.user === 'string' ? session.user : undefined,
    secure: session.secure,
  };
}

/** Pending refusals, used in the order they were added. */
class FailureRules {
  private rules: FailureRule[] = [];

  add(rule: FailureRule): void {
    this.rules.push({ ...rule, recipients: rule.recipients?.map((r) => r.toLowerCase()) });
  }

  take(stage: SmtpStage, recipient?: string): FailureRule | undefined {
    const rcpt = recipient?.toLowerCase();
    const rule = this.rules.find((r) => r.stage === stage && r.count > 0 && (!rcpt || !r.recipients || r.recipients.includes(rcpt)));
    if (!rule) return undefined;
    rule.count -= 1;
    this.rules = this.rules.filter((r) => r.count > 0);
    return rule;
  }

  clear(): void {
    this.rules = [];
  }
}

/** Wakes every waiter when a message arrives, instead of polling. */
class Signal {
  private waiters: (() => void)[] = [];

  fire(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, timeoutMs);
      this.waiters.push(done);
    });
  }
}

/** The booking a recorded confirmation is about: its calendar part's UID (`booking-<id>@…`, src/notifications/ics.ts). */
export const bookingUidOf = (m: RecordedMessage) =>
  /UID:booking-([0-9a-f-]+)@/.exec(m.parsed.attachments.find((a) => a.contentType === 'text/calendar')?.content.toString('utf8') ?? '')?.[1] ?? null;
