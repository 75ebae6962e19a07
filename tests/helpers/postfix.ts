import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portOpen } from './ports';

/**
 * A private Postfix (Debian's package) for tests: its own config directory,
 * queue and log in a temp folder (`postfix -c <dir>`), SMTP on a free
 * loopback port, nothing read from /etc/postfix. It relays the test domains
 * by transport table — to a Dovecot LMTP listener, or to a closed loopback
 * port for mail that must expire — so the delivery status notifications it
 * writes are Postfix's own, real ones (RFC 3464).
 *
 * Queue lifetimes are seconds long, so an undeliverable message bounces as
 * expired within the test (maximal_queue_lifetime / bounce_queue_lifetime).
 */
export interface TestPostfix {
  host: string;
  port: number;
  dir: string;
  /** Postfix's own log (maillog_file), for failure messages. */
  log(): string;
  close(): Promise<void>;
}

export interface PostfixOptions {
  /** domain → next hop, in transport(5) syntax, e.g. `lmtp:inet:127.0.0.1:2424` or `smtp:[127.0.0.1]:9`. */
  transports: Record<string, string>;
  /** Seconds a deferred message stays queued before it is returned as undeliverable. */
  queueLifetimeSeconds?: number;
}

export const POSTFIX_BIN = '/usr/sbin/postfix';
const HOST = '127.0.0.1';

export function postfixAvailable(): boolean {
  if (!fs.existsSync(POSTFIX_BIN) || process.getuid?.() !== 0) return false;
  // The daemons drop privileges to these; Debian's package creates them.
  return spawnSync('id', ['postfix'], { stdio: 'ignore' }).status === 0 && spawnSync('getent', ['group', 'postdrop'], { stdio: 'ignore' }).status === 0;
}

function mainCf(dir: string, port: number, opts: PostfixOptions): string {
  const lifetime = `${opts.queueLifetimeSeconds ?? 5}s`;
  return `# Written by tests/helpers/postfix.ts
compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
myhostname = mx.mailroom.test
mydomain = mailroom.test
myorigin = $myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = ${HOST}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relay_domains = ${Object.keys(opts.transports).join(', ')}
# Accept every recipient: unknown users are found at delivery, and bounced with a DSN.
relay_recipient_maps =
transport_maps = texthash:${dir}/transport
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtputf8_enable = no
biff = no
notify_classes =
delay_warning_time = 0
maximal_queue_lifetime = ${lifetime}
bounce_queue_lifetime = ${lifetime}
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
smtp_connect_timeout = 2s
lmtp_connect_timeout = 2s
# Port ${port}: see master.cf.
`;
}

// Every service unprivileged where Postfix allows it and never chrooted (the queue is in a temp folder).
function masterCf(port: number): string {
  return `# service type private unpriv chroot wakeup maxproc command
${HOST}:${port} inet n - n - - smtpd
pickup unix n - n 1 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 1 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
lmtp unix - - n - - lmtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`;
}

const run = (dir: string, ...args: string[]) => spawnSync(POSTFIX_BIN, ['-c', dir, ...args], { encoding: 'utf8' });

export async function startPostfix(opts: PostfixOptions): Promise<TestPostfix> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postfix-'));
  // The daemons (user postfix) must get through to the queue.
  fs.chmodSync(dir, 0o755);
  // postfix chdirs into the queue before creating its subfolders; data belongs to mail_owner.
  fs.mkdirSync(path.join(dir, 'queue'), { mode: 0o755 });
  fs.mkdirSync(path.join(dir, 'data'), { mode: 0o700 });
  const owner = spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim();
  fs.chownSync(path.join(dir, 'data'), Number(owner), 0);
  const log = () => (fs.existsSync(path.join(dir, 'postfix.log')) ? fs.readFileSync(path.join(dir, 'postfix.log'), 'utf8').slice(-4000) : '');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'main.cf'), mainCf(dir, port, opts));
    fs.writeFileSync(path.join(dir, 'master.cf'), masterCf(port));
    fs.writeFileSync(path.join(dir, 'transport'), Object.entries(opts.transports).map(([d, hop]) => `${d} ${hop}\n`).join(''));
    const started = run(dir, 'start');
    if (started.status !== 0) {
      const text = `${started.stderr}${started.stdout}${log()}`;
      if (!process.env.KEEP_POSTFIX_DIR) fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`postfix start failed (${started.status}): ${text}`);
    }
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(port, HOST)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (await portOpen(port, HOST)) {
      return {
        host: HOST,
        port,
        dir,
        log,
        async close() {
          run(dir, 'stop');
          // The master exits a moment after "stop"; its children with it.
          for (let i = 0; i < 50 && fs.existsSync(path.join(dir, 'queue', 'pid', 'master.pid')); i++) await new Promise((r) => setTimeout(r, 100));
          fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
        },
      };
    }
    run(dir, 'stop');
    if (attempt >= 3) {
      const text = log();
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`postfix did not listen on ${port}: ${text}`);
    }
  }
}
