import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { getTestCertificate } from './certs';
import { freePort, portOpen } from './ports';

/**
 * A private Dovecot for tests: its own config, base_dir and Maildirs in a temp
 * folder, IMAP (plain) and IMAPS (self-signed) on free loopback ports, users in
 * a passwd-file it re-reads on every login. As root, mail is stored as
 * `nobody` (a non-zero uid), and the internal/login users are unprivileged.
 */
export interface TestDovecot {
  host: string;
  port: number;
  tlsPort: number;
  dir: string;
  addUser(user: string, password: string): void;
  appendMessage(user: string, password: string, folder: string, raw: Buffer | string, flags?: string[]): Promise<{ uid?: number; uidValidity?: bigint }>;
  createFolder(user: string, password: string, folder: string): Promise<void>;
  deleteFolder(user: string, password: string, folder: string): Promise<void>;
  /** Stops the server (connections drop) and keeps its data, to simulate an outage. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export const DOVECOT_BIN = '/usr/sbin/dovecot';

export function dovecotAvailable(): boolean {
  return fs.existsSync(DOVECOT_BIN) && spawnSync(DOVECOT_BIN, ['--version'], { stdio: 'ignore' }).status === 0;
}

function idOf(name: string): { uid: number; gid: number } {
  const out = spawnSync('id', [name], { encoding: 'utf8' }).stdout;
  return { uid: Number(/uid=(\d+)/.exec(out)?.[1] ?? 65534), gid: Number(/gid=(\d+)/.exec(out)?.[1] ?? 65534) };
}

export async function startDovecot(): Promise<TestDovecot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  fs.chmodSync(dir, 0o755);
  const [port, tlsPort] = [await freePort(), await freePort()];
  const cert = await getTestCertificate();
  const nobody = idOf('nobody');
  const mailRoot = path.join(dir, 'mail');
  fs.mkdirSync(mailRoot, { recursive: true });
  fs.chownSync(mailRoot, nobody.uid, nobody.gid);
  fs.writeFileSync(path.join(dir, 'cert.pem'), cert.cert);
  fs.writeFileSync(path.join(dir, 'key.pem'), cert.key, { mode: 0o600 });
  const passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, '');
  const internal = fs.existsSync('/usr/lib/dovecot') && spawnSync('id', ['dovenull']).status === 0 ? 'dovenull' : 'nobody';
  const config = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = mailroom-test-${path.basename(dir)}
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
auth_mechanisms = plain login
disable_plaintext_auth = no
default_internal_user = ${internal}
default_login_user = ${internal === 'dovenull' ? 'dovenull' : 'nobody'}
first_valid_uid = 1
mail_location = maildir:${mailRoot}/%u
mail_uid = ${nobody.uid}
mail_gid = ${nobody.gid}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${passwd}
}
userdb {
  driver = static
  args = uid=${nobody.uid} gid=${nobody.gid} home=${mailRoot}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
protocol imap {
  mail_max_userip_connections = 100
}
`,
  );

  const start = async () => {
    // The daemon keeps inherited pipes open: give it none, and read its log file on failure.
    const res = spawnSync(DOVECOT_BIN, ['-c', config], { stdio: 'ignore' });
    if (res.status !== 0) throw new Error(`dovecot failed to start (exit ${res.status}): ${readLog(dir)}`);
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(port))) {
      if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port}: ${readLog(dir)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    spawnSync(DOVECOT_BIN, ['-c', config, 'stop'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (await portOpen(port)) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await start();

  const withClient = async <T>(user: string, password: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false, doSTARTTLS: false });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => undefined);
    }
  };

  return {
    host: '127.0.0.1',
    port,
    tlsPort,
    dir,
    addUser(user, password) {
      fs.appendFileSync(passwd, `${user}:${password}::::::\n`);
    },
    async appendMessage(user, password, folder, raw, flags = []) {
      return withClient(user, password, async (c) => {
        if (folder !== 'INBOX') await c.mailboxCreate(folder).catch(() => undefined);
        const res = await c.append(folder, raw, flags);
        return { uid: res ? res.uid : undefined, uidValidity: res ? res.uidValidity : undefined };
      });
    },
    createFolder: (user, password, folder) => withClient(user, password, async (c) => void (await c.mailboxCreate(folder))),
    deleteFolder: (user, password, folder) => withClient(user, password, async (c) => void (await c.mailboxDelete(folder))),
    stop,
    start,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

