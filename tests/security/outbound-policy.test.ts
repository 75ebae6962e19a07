import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from '../../src/alerts/webhook';
import { guardedRequest, guardSmtp } from '../../src/net/guarded';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { refreshAccessToken, smtpTokenProvisioner, type OAuthProvider } from '../../src/outgoing/oauth';
import { createOutboundPolicy, isAddressAllowed, resolveOutbound, setOutboundPolicy, type LookupAll } from '../../src/net/outbound-policy';
import { verifySmtp } from '../../src/outgoing/verify';
import { verifyMailbox } from '../../src/reception/verify-mailbox';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';
import { imapLike, type TcpRecorder } from '../helpers/tcp-recorder';

/**
 * The outbound policy. No test here sends a packet outside 127.0.0.0/8: names
 * resolve through a stubbed resolver, and every non-loopback address is refused
 * before any connection is attempted (that is what is being proved).
 */
const stubDns = (table: Record<string, string[]>) => {
  const calls: string[] = [];
  const lookup: LookupAll = async (host) => {
    calls.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, calls };
};

const DNS = {
  'metadata.evil.example': ['169.254.169.254'],
  'db.evil.example': ['10.0.0.5'],
  'mixed.evil.example': ['127.0.0.1', '192.168.1.1'],
  'mapped.evil.example': ['::ffff:169.254.169.254'],
  'smtp.club.example': ['127.0.0.1'],
};

describe('which addresses are refused', () => {
  const strict = createOutboundPolicy();
  test.each([
    '127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '10.1.2.3', '172.16.0.1', '192.168.0.10', '169.254.169.254', '169.254.170.2',
    'fd00:ec2::254', 'fc00::1', 'fe80::1', '100.64.0.1', '100.100.100.200', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', '255.255.255.255', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', 'not-an-ip',
  ])('%s is refused by default', (address) => {
    expect(isAddressAllowed(address, strict)).toBe(false);
  });
  test.each(['93.184.216.34', '2606:4700:4700::1111', '::ffff:93.184.216.34'])('%s (public) is admitted', (address) => {
    expect(isAddressAllowed(address, strict)).toBe(true);
  });
  test('the allow-list admits its ranges only; private networks admit all but cloud metadata', () => {
    const loopback = createOutboundPolicy({ allow: '127.0.0.0/8,::1/128' });
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.2'].map((a) => isAddressAllowed(a, loopback))).toEqual([true, true, true]);
    expect(['10.0.0.1', '169.254.169.254'].map((a) => isAddressAllowed(a, loopback))).toEqual([false, false]);
    const lan = createOutboundPolicy({ allowPrivate: true });
    expect(['10.0.0.1', '192.168.1.1', '127.0.0.1'].map((a) => isAddressAllowed(a, lan))).toEqual([true, true, true]);
    expect(['169.254.169.254', 'fd00:ec2::254', '::ffff:169.254.169.254'].map((a) => isAddressAllowed(a, lan))).toEqual([false, false, false]);
  });
  test('names are judged by every address they resolve to', async () => {
    const { lookup } = stubDns(DNS);
    const policy = createOutboundPolicy({ allow: '127.0.0.0/8', lookup });
    for (const host of ['metadata.evil.example', 'db.evil.example', 'mixed.evil.example', 'mapped.evil.example', '[::ffff:a9fe:a9fe]']) {
      await expect(resolveOutbound(host, policy)).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED' });
    }
    await expect(resolveOutbound('smtp.club.example', policy)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });
});

describe('connections go to the checked address only', () => {
  let smtp: RecordingSmtpServer;
  let imap: TcpRecorder;
  let web: http.Server;
  let webHits: string[];
  let webPort: number;
  beforeAll(async () => {
    smtp = await startRecordingSmtpServer({ auth: { user: 'u@club.example', pass: 'pw' } });
    imap = await imapLike();
    webHits = [];
    web = http.createServer((req, res) => {
      webHits.push(req.url ?? '');
      if (req.url === '/redirect') res.writeHead(302, { Location: `http://127.0.0.1:${webPort}/followed` }).end();
      else res.writeHead(204).end();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webPort = (web.address() as AddressInfo).port;
  });
  afterAll(async () => {
    setOutboundPolicy(createOutboundPolicy());
    await Promise.all([smtp.close(), imap.close(), new Promise((r) => web.close(r))]);
  });

  test('refused destinations answer "not allowed", the same whether anything listens or not, and nothing is sent', async () => {
    setOutboundPolicy(createOutboundPolicy({ lookup: stubDns(DNS).lookup }));
    const base = { security: 'none' as const, username: 'u@club.example', password: 'pw', fromAddress: 'u@club.example', timeoutMs: 2000 };
    const open = await verifySmtp({ ...base, host: '127.0.0.1', port: smtp.port });
    const closed = await verifySmtp({ ...base, host: '127.0.0.1', port: 1 });
    expect(open).toMatchObject({ ok: false, problem: 'NOT_ALLOWED' });
    expect(closed).toEqual(open);
    expect(await verifySmtp({ ...base, host: 'metadata.evil.example', port: 80 })).toMatchObject({ ok: false, problem: 'NOT_ALLOWED' });

    const imapOpen = await verifyMailbox({ host: '127.0.0.1', port: imap.port, security: 'none', username: 'u', folder: 'INBOX' }, 'pw', { rejectUnauthorized: true, timeoutMs: 2000 });
    const imapClosed = await verifyMailbox({ host: '127.0.0.1', port: 1, security: 'none', username: 'u', folder: 'INBOX' }, 'pw', { rejectUnauthorized: true, timeoutMs: 2000 });
    expect(imapOpen).toMatchObject({ ok: false, problem: 'NOT_ALLOWED' });
    expect(imapClosed).toEqual(imapOpen);
    expect((await verifyMailbox({ host: 'db.evil.example', port: 993, security: 'ssl', username: 'u', folder: 'INBOX' }, 'pw', { rejectUnauthorized: true, timeoutMs: 2000 })).problem).toBe('NOT_ALLOWED');

    const payload = { type: 'test' as const, organizationId: 'o', messageId: null, rfc822MessageId: null, recipient: null, status: 'test', reason: null, subject: null, related: null, occurredAt: new Date().toISOString() };
    await expect(postWebhook(`http://127.0.0.1:${webPort}/hook`, null, payload)).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED' });
    await expect(postWebhook('http://metadata.evil.example/latest/meta-data/', null, payload)).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED' });

    expect(smtp.messages).toHaveLength(0);
    expect(imap.connections).toBe(0);
    expect(webHits).toEqual([]);
  });

  test('an admitted name is resolved once per connection and connected by address (no second lookup to rebind)', async () => {
    const dns = stubDns(DNS);
    setOutboundPolicy(createOutboundPolicy({ allow: '127.0.0.0/8', lookup: dns.lookup }));
    const ok = await verifySmtp({ host: 'smtp.club.example', port: smtp.port, security: 'none', username: 'u@club.example', password: 'pw', fromAddress: 'u@club.example', testTo: 'x@club.example', timeoutMs: 2000 });
    expect(ok).toMatchObject({ ok: true });
    // Two connections (verify, then the test message): one lookup each, nodemailer never resolves on its own.
    expect(dns.calls).toEqual(['smtp.club.example', 'smtp.club.example']);
    expect(smtp.messages).toHaveLength(1);

    const hooked = await guardedRequest(`http://smtp.club.example:${webPort}/hook`, { method: 'POST', body: '{}' });
    expect(hooked.status).toBe(204);
    expect(dns.calls).toHaveLength(3);
  });

  test('redirects are not followed', async () => {
    setOutboundPolicy(createOutboundPolicy({ allow: '127.0.0.0/8' }));
    webHits.length = 0;
    const res = await guardedRequest(`http://127.0.0.1:${webPort}/redirect`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(302);
    expect(webHits).toEqual(['/redirect']);
  });
  test('OAuth token refreshes go through the policy, for mailboxes and for XOAUTH2 sending alike', async () => {
    setOutboundPolicy(createOutboundPolicy({ allow: '127.0.0.0/8', lookup: stubDns(DNS).lookup }));
    webHits.length = 0;
    const sentBefore = smtp.messages.length;
    const provider = (tokenUrl: string): OAuthProvider => ({
      id: 'gmail', clientId: 'c', clientSecret: 's', authorizeUrl: tokenUrl, tokenUrl, scope: 'mail',
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, imap: { host: '127.0.0.1', port: imap.port, security: 'none' },
    });
    await expect(refreshAccessToken(provider('http://metadata.evil.example/token'), 'refresh-me')).rejects.toMatchObject({ code: 'DESTINATION_NOT_ALLOWED' });
    // The sending account's access token has expired: nodemailer asks for a new one, which the policy refuses before any packet.
    const transport = nodemailer.createTransport(guardSmtp({
      host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, connectionTimeout: 2000,
      auth: { type: 'OAuth2', user: 'u@club.example', accessToken: 'stale', expires: Date.now() - 1000, provisionCallback: smtpTokenProvisioner(provider('http://db.evil.example/token'), 'refresh-me') },
    } as SMTPTransport.Options));
    await expect(transport.sendMail({ from: 'u@club.example', to: 'x@club.example', subject: 's', text: 't' })).rejects.toThrow('Connections to db.evil.example are not allowed');
    transport.close();
    // An admitted token URL is reached, and a refused refresh says whose sign-in it was.
    await expect(refreshAccessToken(provider(`http://127.0.0.1:${webPort}/token`), 'refresh-me', 'smtp')).rejects.toMatchObject({ code: 'SMTP_CONNECTION' });
    expect(webHits).toEqual(['/token']);
    expect(smtp.messages).toHaveLength(sentBefore);
  });
});
