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
 * ports, users in a passwd-file that Dovecot re-reads whenever it changes.
 *
 * Dovecot runs in the foreground (-F) as our child, in its own process group:
 * we learn at once when it exits, it never lingers as a zombie that blocks a
 * restart ("already running"), and a test process that dies without close()
 * kills it on exit.
 */
export interface TestDovecot {
  host: string;
  /** Plain IMAP (STARTTLS offered but not required). */
  port: number;
  /** IMAPS, implicit TLS with the self-signed certificate from ./certs. */
  tlsPort: number;
  /** The temp folder holding config, logs and mail. */
  dir: string;
  /** Adds or replaces a user; works before and after start (no restart needed). */
  addUser(user: string, password: string): void;
  /** ImapFlow options for a user, silent, self-signed certificate accepted. */
  clientOptions(user: string, password: string, opts?: { tls?: boolean }): ImapFlowOptions;
  /** Appends a raw message (creating the folder if needed) and returns what APPENDUID said. */
  appendMessage(user: string, password: string, folder: string, raw: Buffer | string, flags?: string[]): Promise<{ uid?: number; uidValidity?: bigint }>;
  createFolder(user: string, password: string, folder: string): Promise<void>;
  /** Deleting then creating a folder gives it a new UIDVALIDITY. */
  deleteFolder(user: string, password: string, folder: string): Promise<void>;
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
}

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

  const passwd = new PasswdFile(path.join(dir, 'passwd'), mailRoot, account);
  for (const [user, password] of Object.entries(options.users ?? {})) passwd.set(user, password);

  const configPath = path.join(dir, 'dovecot.conf');
  const server = new DovecotProcess(configPath, path.join(dir, 'dovecot.log'));
  let ports = { port: 0, tlsPort: 0 };
  // The ports were free a moment ago; another process may take one before Dovecot binds it.
  for (let attempt = 1; ; attempt++) {
    ports = { port: await freePort(), tlsPort: await freePort() };
    fs.writeFileSync(configPath, dovecotConfig(dir, ports, account.name));
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
    dir,
    addUser: (user, password) => passwd.set(user, password),
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
      await server.stop();
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

function dovecotConfig(dir: string, ports: { port: number; tlsPort: number }, user: string): string {
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
auth_mechanisms = plain login
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
  args = ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = ${dir}/passwd
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
}
protocol imap {
  mail_max_userip_connections = 100
}
`;
}

/**
 * Users as passwd-file lines `user:{PLAIN}password:uid:gid::home::`, read by both
 * passdb and userdb. Dovecot re-reads the file when its mtime or size changes, so
 * every write moves the mtime forward by at least one second.
 */
class PasswdFile {
  private readonly users = new Map<string, string>();
  private mtime = 0;

  constructor(
    private readonly file: string,
    private readonly mailRoot: string,
    private readonly account: Account,
  ) {
    this.write();
  }

  set(user: string, password: string): void {
    if (!user || /[:/\s]/.test(user)) throw new Error(`invalid test user name ${JSON.stringify(user)}`);
    if (/[:\r\n]/.test(password)) throw new Error('a passwd-file password cannot contain ":" or a line break');
    const home = path.join(this.mailRoot, user);
    fs.mkdirSync(home, { recursive: true });
    fs.chownSync(home, this.account.uid, this.account.gid);
    this.users.set(user, password);
    this.write();
  }

  private write(): void {
    const { uid, gid } = this.account;
    const lines = [...this.users].map(([user, pass]) => `${user}:{PLAIN}${pass}:${uid}:${gid}::${path.join(this.mailRoot, user)}::\n`);
    // Write then rename: Dovecot never reads a half-written file.
    fs.writeFileSync(`${this.file}.tmp`, lines.join(''));
    fs.renameSync(`${this.file}.tmp`, this.file);
    this.mtime = Math.max(Math.floor(Date.now() / 1000), this.mtime + 1);
    fs.utimesSync(this.file, this.mtime, this.mtime);
  }
}

/** Every Dovecot started by this process, killed if the process exits without close(). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal); // the master and every process it forked
  } catch {
    // already gone
  }
}

class DovecotProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly configPath: string,
    private readonly logPath: string,
  ) {}

  async start(ports: { port: number; tlsPort: number }): Promise<void> {
    if (this.child) return;
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => running.forEach((c) => killGroup(c, 'SIGKILL')));
    }
    // Errors before Dovecot's log is open go to stderr: into a file, as a pipe would keep a handle open.
    const stderr = fs.openSync(`${this.logPath}.stderr`, 'w');
    const child = spawn(DOVECOT_BIN, ['-F', '-c', this.configPath], { detached: true, stdio: ['ignore', 'ignore', stderr] });
    fs.closeSync(stderr);
    child.unref(); // a test that forgets close() must not keep Jest waiting; the exit hook kills it
    let exitCode: number | null | undefined;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        exitCode = code;
        running.delete(child);
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    this.child = child;
    running.add(child);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!((await portOpen(ports.port, HOST)) && (await portOpen(ports.tlsPort, HOST)))) {
      if (exitCode !== undefined) throw new Error(`dovecot exited (${exitCode}) at start: ${this.log()}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`dovecot did not listen on ${ports.port}/${ports.tlsPort}: ${this.log()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // SIGTERM: Dovecot drops its clients and exits cleanly, leaving the Maildirs consistent.
    child.kill('SIGTERM');
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
