import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Every environment variable Mailroom reads, validated in one place.
 * The README's configuration table mirrors this list.
 */
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Where embedded mode keeps PGlite, the Temporal SQLite file, documents and the outbox. */
  MAILROOM_DATA_DIR: z.string().default('./data'),
  /** PostgreSQL URL; when absent the embedded PGlite database in <data>/db is used. */
  DATABASE_URL: z.string().url().optional(),
  /** 32-byte key, base64 or hex, for AES-256-GCM secrets at rest. Generated into <data> when absent in embedded mode. */
  MAILROOM_SECRET_KEY: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /**
   * Public base URL of the service (console and API), used for OAuth callbacks and
   * links in mails (invitations, password resets). Unset = http://localhost:<PORT>
   * for links (see `publicUrl`); OAuth callbacks then follow the request's host.
   */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * Staff sessions: a session unused for SESSION_IDLE_SECONDS ends, and every
   * session ends SESSION_ABSOLUTE_SECONDS after sign-in (defaults 8 h and 7 days).
   */
  SESSION_IDLE_SECONDS: z.coerce.number().int().min(1).default(8 * 3600),
  SESSION_ABSOLUTE_SECONDS: z.coerce.number().int().min(1).default(7 * 24 * 3600),
  /** Invitation and first-admin setup links stay valid this long. */
  INVITATION_TTL_HOURS: z.coerce.number().min(0.01).default(7 * 24),
  /** Staff "forgot password" links stay valid this long. */
  STAFF_PASSWORD_RESET_TTL_MINUTES: z.coerce.number().min(1).default(60),
  /**
   * Sign-in limits: failed attempts allowed per account and per client IP within
   * the window before answering 429 (counted in the database, so every API process shares them).
   */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(15 * 60),
  /**
   * scrypt cost N for new password hashes (r=8, p=1: N=131072 uses 128 MiB per
   * hash, OWASP's recommendation). Hashes carry their parameters, so raising it
   * later keeps old passwords working. Lower only for tests.
   */
  PASSWORD_SCRYPT_N: z.coerce.number().int().min(16384).max(1048576).refine((n) => (n & (n - 1)) === 0, 'must be a power of two').default(131072),
  /** Temporal frontend; when absent a local dev server is started as a child process. */
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('mailroom'),
  /** Temporal Cloud API key (implies TLS). */
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().optional(),
  /** Tag workflows with the OrganizationId search attribute (off only for servers without it, e.g. the time-skipping test server). */
  TEMPORAL_SEARCH_ATTRIBUTES: bool.default(true),
  /** Path to the `temporal` CLI for the embedded dev server; else PATH; else the SDK's download. */
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(0).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).default(8233),
  /** Platform default outgoing transport (smtp:// or smtps://); else .eml files in <data>/outbox. */
  SMTP_URL: z.string().optional(),
  /** Sender used by the platform default transport when an organisation has none. */
  MAIL_FROM: z.string().default('Mailroom <no-reply@mailroom.localhost>'),
  /** Domain used on the right of generated Message-IDs. */
  MESSAGE_ID_DOMAIN: z.string().default('mailroom.localhost'),
  /** Send retries: attempts before a message is marked failed, and the backoff between them. */
  SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  SEND_RETRY_INITIAL_SECONDS: z.coerce.number().min(0.1).default(5),
  SEND_RETRY_MAX_SECONDS: z.coerce.number().min(1).default(600),
  /** How long one send attempt may take, and how often a live attempt reports progress. */
  SEND_ACTIVITY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
  SEND_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).default(30),
  /**
   * Embedded database only: every this many minutes, tables grown by a tenth (or never
   * analysed) are vacuumed and analysed, and every table once a day — the work of
   * PostgreSQL's autovacuum, which PGlite does not run (src/db/upkeep.ts). 0 turns it off.
   */
  MAILROOM_EMBEDDED_UPKEEP_MINUTES: z.coerce.number().min(0).max(1440).default(10),
  /** A workflow bundle built ahead of time (`npm run build:workflows`) for faster worker start. */
  MAILROOM_WORKFLOW_BUNDLE: z.string().optional(),
  /** Alert webhooks are retried until the receiver answers 2xx, with this backoff. */
  ALERT_WEBHOOK_RETRY_INITIAL_SECONDS: z.coerce.number().min(0.1).default(10),
  ALERT_WEBHOOK_RETRY_MAX_SECONDS: z.coerce.number().min(1).default(3600),
  /** Incoming mail larger than this is kept raw in quarantine instead of being parsed. */
  RECEPTION_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  /**
   * Most messages one polling activity takes (sizes and bodies come a slice at a
   * time, 16 MB at most, the cursor advances per stored group of 64, and an
   * activity stops after about a minute whatever this says): larger batches mean
   * fewer IMAP logins, each ~0.2-0.4 s before the first body here.
   */
  RECEPTION_BATCH_SIZE: z.coerce.number().int().min(1).max(20000).default(5000),
  /** Verify IMAP servers' TLS certificates (turn off only for self-signed test servers). */
  IMAP_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  /**
   * OAuth2 sending accounts (Gmail, Microsoft 365). Endpoints default to the
   * providers' own; override them to plug in another provider or a test one.
   */
  GMAIL_OAUTH_CLIENT_ID: z.string().optional(),
  GMAIL_OAUTH_CLIENT_SECRET: z.string().optional(),
  GMAIL_OAUTH_AUTHORIZE_URL: z.string().url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GMAIL_OAUTH_TOKEN_URL: z.string().url().default('https://oauth2.googleapis.com/token'),
  GMAIL_OAUTH_REVOKE_URL: z.string().url().default('https://oauth2.googleapis.com/revoke'),
  GMAIL_OAUTH_SCOPE: z.string().default('https://mail.google.com/ openid email'),
  GMAIL_SMTP_HOST: z.string().default('smtp.gmail.com'),
  GMAIL_SMTP_PORT: z.coerce.number().int().default(465),
  GMAIL_SMTP_SECURITY: z.enum(['none', 'ssl', 'starttls']).default('ssl'),
  GMAIL_IMAP_HOST: z.string().default('imap.gmail.com'),
  GMAIL_IMAP_PORT: z.coerce.number().int().default(993),
  GMAIL_IMAP_SECURITY: z.enum(['none', 'ssl', 'starttls']).default('ssl'),
  MICROSOFT_OAUTH_CLIENT_ID: z.string().optional(),
  MICROSOFT_OAUTH_CLIENT_SECRET: z.string().optional(),
  MICROSOFT_OAUTH_AUTHORIZE_URL: z.string().url().default('https://login.microsoftonline.com/common/oauth2/v2.0/authorize'),
  MICROSOFT_OAUTH_TOKEN_URL: z.string().url().default('https://login.microsoftonline.com/common/oauth2/v2.0/token'),
  MICROSOFT_OAUTH_REVOKE_URL: z.string().url().optional(),
  // One consent serves sending and receiving: SMTP and IMAP scopes together.
  MICROSOFT_OAUTH_SCOPE: z.string().default('https://outlook.office.com/SMTP.Send https://outlook.office.com/IMAP.AccessAsUser.All offline_access openid email'),
  MICROSOFT_SMTP_HOST: z.string().default('smtp.office365.com'),
  MICROSOFT_SMTP_PORT: z.coerce.number().int().default(587),
  MICROSOFT_SMTP_SECURITY: z.enum(['none', 'ssl', 'starttls']).default('starttls'),
  MICROSOFT_IMAP_HOST: z.string().default('outlook.office365.com'),
  MICROSOFT_IMAP_PORT: z.coerce.number().int().default(993),
  MICROSOFT_IMAP_SECURITY: z.enum(['none', 'ssl', 'starttls']).default('ssl'),
  /** How long an account test waits for each step before calling it a timeout. */
  SMTP_VERIFY_TIMEOUT_SECONDS: z.coerce.number().min(1).default(10),
  /** Verify SMTP servers' certificates when testing accounts (off only for self-signed test servers). */
  SMTP_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  /**
   * Invoice batches: messages per child workflow, parallel sends, default rate
   * (per organisation unless set there), pause after throttling. A child that
   * reaches INVOICE_BATCH_CHUNK_HISTORY_LIMIT events (slow sending costs ~10 a
   * message) hands what is left of its range to a fresh child.
   */
  INVOICE_BATCH_CHUNK_SIZE: z.coerce.number().int().min(10).max(5000).default(1000),
  INVOICE_BATCH_CHUNK_HISTORY_LIMIT: z.coerce.number().int().min(10).max(9000).default(8000),
  INVOICE_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(5),
  INVOICE_BATCH_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  INVOICE_BATCH_THROTTLE_BACKOFF_SECONDS: z.coerce.number().min(0).default(60),
  /**
   * Every this many minutes, bookings saved more than a minute ago whose workflow was never
   * started (their creation died before it could start it) get their confirmation and workflow.
   */
  BOOKING_SWEEP_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /** Base of password-reset links (an organisation can set its own); the token is appended as ?token=. */
  PASSWORD_RESET_URL: z.string().url().default('http://localhost:3000/reset-password'),
  /**
   * Outbound policy for tenant-given destinations (SMTP, IMAP, webhooks, OAuth
   * endpoints): public addresses only, unless private networks are allowed or
   * the resolved address is in MAILROOM_OUTBOUND_ALLOW (comma-separated CIDRs).
   * The embedded default (no DATABASE_URL) admits loopback; scaled mode admits none.
   */
  MAILROOM_ALLOW_PRIVATE_NETWORKS: bool.default(false),
  MAILROOM_OUTBOUND_ALLOW: z
    .string()
    .refine((v) => v.split(',').map((c) => c.trim()).filter(Boolean).every((c) => (c.includes('/') ? ipaddr.isValidCIDR(c) : ipaddr.isValid(c))), 'comma-separated IP addresses or CIDR ranges')
    .optional(),
  /**
   * How tenant-given names are resolved: `system` (DNS), or `none`: only IP
   * literals and `localhost` are used, no DNS query is ever sent (fuzzing in CI).
   */
  MAILROOM_OUTBOUND_DNS: z.enum(['system', 'none']).default('system'),
  /** Bearer token for GET /metrics; without it only loopback clients get the metrics. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** API requests per minute per key (or session) and per client address; 0 turns the limit off. */
  RATE_LIMIT_KEY_PER_MINUTE: z.coerce.number().int().min(0).default(3000),
  RATE_LIMIT_CLIENT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  /** Largest JSON body accepted by the API (documents come base64-encoded). */
  API_BODY_LIMIT: z.string().default('30mb'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The platform operator's token for the operators' API (/api/v1/organizations);
   * required for those routes in scaled mode, created into <data>/credentials.json
   * in embedded mode when absent. At least 32 characters; it must start with `mrop_`.
   */
  MAILROOM_OPERATOR_TOKEN: z.string().min(37).startsWith('mrop_').optional(),
  /** CLI: the API to talk to (scaled mode); unset = the embedded service found in the data directory. */
  MAILROOM_URL: z.string().url().optional(),
  /** CLI: an organisation's API key for its commands (batch, sent, mailbox, users); embedded default: the first admin key. */
  MAILROOM_API_KEY: z.string().optional(),
  /** Admin-level bootstrap: name of the first organisation created by embedded start. */
  MAILROOM_BOOTSTRAP_ORG: z.string().default('My organisation'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  dataDir: string;
  storageDir: string;
  outboxDir: string;
  pgliteDir: string;
  temporalDbFile: string;
  embeddedDatabase: boolean;
  embeddedTemporal: boolean;
}

export class ConfigError extends Error {}

/** Base of links Mailroom hands out (console pages): PUBLIC_URL, else http://localhost:<PORT>. */
export function publicUrl(config: Pick<Config, 'PUBLIC_URL' | 'PORT'>): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}

/** What the embedded default and the tests admit besides public addresses. */
export const LOOPBACK = '127.0.0.0/8,::1/128';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.MAILROOM_DATA_DIR);
  return {
    ...e,
    dataDir,
    storageDir: path.join(dataDir, 'storage'),
    outboxDir: path.join(dataDir, 'outbox'),
    pgliteDir: path.join(dataDir, 'db'),
    temporalDbFile: path.join(dataDir, 'temporal.db'),
    embeddedDatabase: !e.DATABASE_URL,
    MAILROOM_OUTBOUND_ALLOW: e.MAILROOM_OUTBOUND_ALLOW ?? (e.DATABASE_URL ? '' : LOOPBACK),
    embeddedTemporal: !e.TEMPORAL_ADDRESS,
  };
}
