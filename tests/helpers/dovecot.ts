import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { getTestCertificate } from './certs';
import { freePort, portOpen } from './ports';

/**
 * A private Dovecot for tests: its own config, base_dir and Maildirs in a temp
 * folder, IMAP (plain) and IMAPS (implicit TLS, self-signed) on free loopback
 * ports, users in passwd-files (one per user) that can be added at any time.
 *
 * Dovecot runs in the foreground (-F) as our child, in its own process group:
 * we learn at once when it exits, and it never lingers as an unreaped zombie
 * that makes the next start fail with "Dovecot is already running".
 */
export interface TestDovecot {
  host: string;
  /** Plain IMAP (STARTTLS offered but not required). */
  port: number;
  /** IMAPS, implicit TLS with the self-signed certificate from ./certs. */
  tlsPort: number;
  /** LMTP (RFC 2033) for a test MTA to deliver to, when started with `lmtp: true`; else 0. */
  lmtpPort: number;
  /** The temp folder holding config, logs and mail. */
  dir: string;
  /**
   * Adds a user, before or after start (no restart needed; usable at once).
   * Calling it again for the same user replaces the password within a second.
   */
  addUser(user: string, password: string, opts?: { quotaBytes?: number }): void;
  /** ImapFlow options for a user, silent, self-signed certificate accepted. */
  clientOptions(user: string, password: string, opts?: { tls?: boolean }): ImapFlowOptions;
  /** Appends a raw message (creating the folder if needed) and returns what APPENDUID said. */
  appendMessage(
    user: string,
    password: string,
    folder: string,
    raw: Buffer | string,
    flags?: string[],
  ): Promise<{ uid?: number; uidValidity?: bigint }>;
  createFolder(user: string, password: string, folder: string): Promise<void>;
  /** Deleting then creating a folder gives it a new UIDVALIDITY. */
  deleteFolder(user: string, password: string, folder: string): Promise<void>;
  /** Drops every open connection of a user (`doveadm kick`), the server staying up; false when none was open. */
  kick(user: string): boolean;
  /** Stops the server (open connections drop) and keeps its data, to simulate an outage. */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same ports with the same data. */
  start(): Promise<void>;
  /** Tail of Dovecot's own log, for failure messages. */
  log(): string;
  /** stop() and remove the temp folder. */
  close(): Promise<void>;
}

export interface DovecotOptions {
  /** Users to create before the first start: name → password. */
  users?: Record<string, string>;
  /**
   * Also listen for LMTP, with the quota plugin (a user added with
   * `quotaBytes` gets a real "552 5.2.2 Quota exceeded") and `+detail`
   * addresses delivered to the user (VERP: bounces+<id>@domain → bounces).
   */
  lmtp?: boolean;
  /**
   * Also accept OAuth2 access tokens (SASL XOAUTH2 and OAUTHBEARER, RFC 7628),
   * checked by Dovecot's oauth2 passdb against this RFC 7662 introspection URL
   * (`token=` posted; `active` and `email` read from the answer). Passwords keep working.
   */
  oauth2IntrospectionUrl?: string;
}

export const DOVECOT_LMTP_BIN = '/usr/lib/dovecot/lmtp';
export const dovecotLmtpAvailable = () => fs.existsSync(DOVECOT_LMTP_BIN);

export const DOVECOT_BIN = '/usr/sbin/dovecot';
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
/** A graceful stop takes about a second; past this the whole process group is killed. */
const STOP_GRACE_MS = 3_000;

export function dovecotAvailable(): boolean {
  if (!fs.existsSync(DOVECOT_BIN) || spawnSync(DOVECOT_BIN, ['--version'], { stdio: 'ignore' }).status !== 0) return false;
  return runAs() !== undefined && spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

export async function startDovecot(options: DovecotOptions = {}): Promise<TestDovecot> {
  const account = runAs();
  if (!account) throw new Error('no unprivileged account to run Dovecot as (the "nobody" user is missing)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  // mkdtemp makes it 0700: mail processes running as `nobody` must be able to get through.
  fs.chmodSync(dir, 0o755);
  const mailRoot = path.join(dir, 'mail');
  fs.mkdirSync(mailRoot);
  fs.chownSync(mailRoot, account.uid, account.gid);
  const cert = await getTestCertificate();
  fs.writeFileSync(path.join(dir, 'cert.pem'), cert.cert);
  fs.writeFileSync(path.join(dir, 'key.pem'), cert.key, { mode: 0o600 });

  const passwd = new PasswdFiles(path.join(dir, 'users'), mailRoot, account);
  for (const [user, password] of Object.entries(options.users ?? {})) passwd.set(user, password);

  const configPath = path.join(dir, 'dovecot.conf');
  const server = new DovecotProcess(configPath, path.join(dir, 'dovecot.log'));
  let ports = { port: 0, tlsPort: 0, lmtpPort: 0 };
  // The ports were free a moment ago; another process may take one before Dovecot binds it.
  for (let attempt = 1; ; attempt++) {
    ports = { port: await freePort(), tlsPort: await freePort(), lmtpPort: options.lmtp ? await freePort() : 0 };
    fs.writeFileSync(configPath, dovecotConfig(dir, ports, account.name, options.oauth2IntrospectionUrl));
    try {
      await server.start(ports);
      break;
    } catch (err) {
      if (attempt >= 3 || !/in use/i.test(server.log())) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const clientOptions = (user: string, password: string, opts: { tls?: boolean } = {}): ImapFlowOptions => ({
    host: HOST,
    port: opts.tls ? ports.tlsPort : ports.port,
    secure: !!opts.tls,
    // Dovecot offers STARTTLS on the plain port; ImapFlow would take it and then reject the self-signed certificate.
    doSTARTTLS: false,
    tls: { rejectUnauthorized: false },
    auth: { user, pass: password },
    logger: false,
  });
  const withClient = async <T>(user: string, password: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow(clientOptions(user, password));
    client.on('error', () => undefined); // a connection dropped by stop() must not crash the test process
    try {
      await client.connect();
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  return {
    host: HOST,
    port: ports.port,
    tlsPort: ports.tlsPort,
    lmtpPort: ports.lmtpPort,
    dir,
    addUser: (user, password, opts) => passwd.set(user, password, opts?.quotaBytes),
    kick: (user) => {
      const r = spawnSync('/usr/bin/doveadm', ['-c', configPath, 'kick', user], { encoding: 'utf8' });
      // 68 (EX_NOUSER): the user had no connection to drop.
      if (r.status === 68) return false;
      if (r.status !== 0) throw new Error(`doveadm kick failed (${r.status}): ${r.stderr}`);
      return true;
    },
    clientOptions,
    appendMessage: (user, password, folder, raw, flags = []) =>
      withClient(user, password, async (c) => {
        if (folder.toUpperCase() !== 'INBOX') await c.mailboxCreate(folder); // ALREADYEXISTS resolves as created: false
        const res = await c.append(folder, raw, flags);
        if (!res) throw new Error(`APPEND to ${folder} failed`);
        return { uid: res.uid, uidValidity: res.uidValidity };
      }),
    createFolder: (user, password, folder) => withClient(user, password, async (c) => void (await c.mailboxCreate(folder))),
    deleteFolder: (user, password, folder) => withClient(user, password, async (c) => void (await c.mailboxDelete(folder))),
    stop: () => server.stop(),
    start: () => server.start(ports),
    log: () => server.log(),
    async close() {
      await server.stop(false);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** The unprivileged account Dovecot's own processes and the mail files run as. */
interface Account {
  name: string;
  uid: number;
  gid: number;
}

function runAs(): Account | undefined {
  const uid = process.getuid?.() ?? 0;
  // As root: `nobody` for everything (mail uid must be non-zero, internal/login users must exist
  // and be unprivileged). Not root: Dovecot can only run as ourselves.
  const name = uid === 0 ? 'nobody' : os.userInfo().username;
  const res = spawnSync('id', [name], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  const ids = /uid=(\d+).*?gid=(\d+)/.exec(res.stdout);
  return ids ? { name, uid: Number(ids[1]), gid: Number(ids[2]) } : undefined;
}

function lmtpConfig(port: number): string {
  if (!port) return '';
  return `
protocols = $protocols lmtp
# bounces+<id>@domain is delivered to user "bounces" (RFC 5233 subaddress).
recipient_delimiter = +
mail_plugins = $mail_plugins quota
plugin {
  quota = maildir:User quota
}
service lmtp {
  inet_listener lmtp {
    address = ${HOST}
    port = ${port}
  }
}
protocol lmtp {
  # The MTA delivers user@domain; users here are local names.
  auth_username_format = %Ln
}
`;
}

function dovecotConfig(dir: string, ports: { port: number; tlsPort: number; lmtpPort: number }, user: string, introspectionUrl?: string): string {
  if (introspectionUrl) {
    fs.writeFileSync(
      path.join(dir, 'oauth2.conf.ext'),
      `introspection_mode = post\nintrospection_url = ${introspectionUrl}\nusername_attribute = email\nactive_attribute = active\nactive_value = true\n`,
    );
  }
  // The password passdb comes first and, failing, continues to the oauth2 one: a token is no password.
  const oauth = introspectionUrl ? `passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ${dir}/oauth2.conf.ext\n}\n` : '';
  return `# Written by tests/helpers/dovecot.ts; nothing from /etc/dovecot is read.
base_dir = ${dir}/run
state_dir = ${dir}/state
# A distinct instance name keeps doveadm and process titles apart from any system Dovecot.
instance_name = mailroom-test-${path.basename(dir)}
log_path = ${dir}/dovecot.log
protocols = imap
listen = ${HOST}
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
auth_mechanisms = plain login${introspectionUrl ? ' xoauth2 oauthbearer' : ''}
disable_plaintext_auth = no
# Wrong-password tests should not wait the default 2 s.
auth_failure_delay = 0
# Both must be existing unprivileged users; as root we use nobody.
default_internal_user = ${user}
default_login_user = ${user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {
  driver = passwd-file
  args = ${dir}/users/%u
}
${oauth}userdb {
  driver = passwd-file
  args = ${dir}/users/%u
}
service imap-login {
  # The default chroot needs a root-owned login dir; nothing to protect here.
  chroot =
  inet_listener imap {
    address = ${HOST}
    port = ${ports.port}
  }
  inet_listener imaps {
    address = ${HOST}
    port = ${ports.tlsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
  # No auth penalty: tests log in with wrong passwords on purpose, and anvil would
  # then delay every later login from 127.0.0.1 by up to 15 s.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
${lmtpConfig(ports.lmtpPort)}`;
}

/**
 * One passwd-file per user (`users/<name>`, a single line `name:{PLAIN}password:uid:gid::home::`),
 * read by both passdb and userdb through `%u` in the path. Dovecot re-stats a
 * passwd-file at most once a second: with one shared file, a user added less than
 * a second after any login would stay unknown for that second. A new user's file
 * is a path Dovecot has never read, so it is seen at once. Replacing a password
 * can take up to a second (every write moves the mtime forward so it is noticed).
 */
class PasswdFiles {
  private mtime = 0;

  constructor(
    private readonly dir: string,
    private readonly mailRoot: string,
    private readonly account: Account,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  set(user: string, password: string, quotaBytes?: number): void {
    // The name becomes a file name and a Maildir path; %u is not escaped by Dovecot.
    if (!/^[A-Za-z0-9._@+-]+$/.test(user) || user.startsWith('.')) throw new Error(`invalid test user name ${JSON.stringify(user)}`);
    if (/[:\r\n]/.test(password)) throw new Error('a passwd-file password cannot contain ":" or a line break');
    const { uid, gid } = this.account;
    const home = path.join(this.mailRoot, user);
    fs.mkdirSync(home, { recursive: true });
    fs.chownSync(home, uid, gid);
    const file = path.join(this.dir, user);
    // Write then rename: Dovecot never reads a half-written file.
    // The 8th field holds userdb extra fields: a per-user quota rule for the quota plugin.
    const extra = quotaBytes ? `userdb_quota_rule=*:bytes=${quotaBytes}` : '';
    fs.writeFileSync(`${file}.tmp`, `${user}:{PLAIN}${password}:${uid}:${gid}::${home}::${extra}\n`);
    fs.renameSync(`${file}.tmp`, file);
    this.mtime = Math.max(Math.floor(Date.now() / 1000), this.mtime + 1);
    fs.utimesSync(file, this.mtime, this.mtime);
  }
}

/** Signal the master and every process it forked (it leads its own process group). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * A test process killed by a timeout never calls close(), and an `exit` hook does not
 * run inside Jest's sandbox. `setpriv --pdeathsig` makes the kernel send SIGTERM to
 * Dovecot's master when we die, so no orphan keeps running.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

class DovecotProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly configPath: string,
    private readonly logPath: string,
  ) {}

  async start(ports: { port: number; tlsPort: number; lmtpPort: number }): Promise<void> {
    if (this.child) return;
    // Errors before Dovecot's log is open go to stderr: into a file, as a pipe would keep a handle open.
    const stderr = fs.openSync(`${this.logPath}.stderr`, 'w');
    const argv = [DOVECOT_BIN, '-F', '-c', this.configPath];
    const [cmd, ...args] = SETPRIV ? [SETPRIV, '--pdeathsig', 'TERM', '--', ...argv] : argv;
    const child = spawn(cmd!, args, { detached: true, stdio: ['ignore', 'ignore', stderr] });
    fs.closeSync(stderr);
    child.unref(); // a test that forgets close() must not keep Jest waiting
    let exitCode: number | null | undefined;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        exitCode = code;
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    this.child = child;

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!((await portOpen(ports.port, HOST)) && (await portOpen(ports.tlsPort, HOST)) && (!ports.lmtpPort || (await portOpen(ports.lmtpPort, HOST))))) {
      if (exitCode !== undefined) throw new Error(`dovecot exited (${exitCode}) at start: ${this.log()}`);
      if (Date.now() > deadline) {
        await this.stop(false);
        throw new Error(`dovecot did not listen on ${ports.port}/${ports.tlsPort}: ${this.log()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * graceful: SIGTERM, Dovecot drops its clients and exits cleanly (about a second).
   * Otherwise SIGKILL to the whole group, for close() where the data goes anyway.
   */
  async stop(graceful = true): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (graceful) child.kill('SIGTERM');
    else killGroup(child, 'SIGKILL');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
    // Anything the master did not wait for (a lingering imap process) goes too.
    killGroup(child, 'SIGKILL');
  }

  log(): string {
    const tail = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-2000) : '');
    return [tail(`${this.logPath}.stderr`), tail(this.logPath)].filter(Boolean).join('\n');
  }
}
