import { ImapFlow } from 'imapflow';
import { dovecotAvailable, startDovecot, type TestDovecot } from './dovecot';
import { portOpen } from './ports';
import { describeIfServer } from './require-server';

const mail = (subject: string, id: string) =>
  `From: Anne <anne@example.org>\r\nTo: club@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.org>\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\nBonjour.\r\n`;

/** Proves the private Dovecot works as the IMAP server of the reception tests. */
describeIfServer('Dovecot', dovecotAvailable())('private Dovecot', () => {
  jest.setTimeout(10_000);
  let dovecot: TestDovecot;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { alice: 'alice-pw' } });
  });
  afterAll(() => dovecot?.close());

  /** Runs fn with a logged-in client, always logging out. */
  async function withImap<T>(user: string, pass: string, fn: (c: ImapFlow) => Promise<T>, tls = false): Promise<T> {
    const client = new ImapFlow(dovecot.clientOptions(user, pass, { tls }));
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
  const inbox = (user: string, pass: string) =>
    withImap(user, pass, async (c) => {
      const box = await c.mailboxOpen('INBOX');
      const msgs = box.exists ? await c.fetchAll('1:*', { uid: true, envelope: true, source: true }) : [];
      return { uidValidity: box.uidValidity, msgs };
    });

  it('listens on two loopback ports, plain and implicit TLS', async () => {
    expect(dovecot.host).toBe('127.0.0.1');
    expect(dovecot.port).not.toBe(dovecot.tlsPort);
    const secure = await withImap('alice', 'alice-pw', async (c) => c.secureConnection, true);
    const plain = await withImap('alice', 'alice-pw', async (c) => c.secureConnection, false);
    expect({ secure, plain }).toEqual({ secure: true, plain: false });
  });

  it('appends a mail that imapflow fetches back', async () => {
    const appended = await dovecot.appendMessage('alice', 'alice-pw', 'INBOX', mail('Premier', 'one'), ['\\Seen']);
    expect(appended.uid).toBe(1);

    const { uidValidity, msgs } = await inbox('alice', 'alice-pw');
    expect(uidValidity).toBe(appended.uidValidity);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.envelope?.subject).toBe('Premier');
    expect(msgs[0]!.envelope?.messageId).toBe('<one@example.org>');
    expect(msgs[0]!.source?.toString()).toBe(mail('Premier', 'one'));
  });

  it('adds users while running and rejects wrong passwords', async () => {
    dovecot.addUser('bob', 'bob-pw');
    await dovecot.appendMessage('bob', 'bob-pw', 'Factures', mail('Facture', 'two'));
    const folders = await withImap('bob', 'bob-pw', async (c) => (await c.list()).map((f) => f.path), true);
    expect(folders.sort()).toEqual(['Factures', 'INBOX']);

    await expect(withImap('bob', 'wrong-pw', async () => undefined)).rejects.toMatchObject({ authenticationFailed: true });
    await expect(withImap('carol', 'carol-pw', async () => undefined)).rejects.toMatchObject({ authenticationFailed: true });
    dovecot.addUser('carol', 'carol-pw'); // right after a failed lookup of the same name
    await withImap('carol', 'carol-pw', async () => undefined);
  });

  it('keeps its mail across stop() and start(), on the same ports', async () => {
    const client = new ImapFlow(dovecot.clientOptions('alice', 'alice-pw'));
    client.on('error', () => undefined);
    await client.connect();
    const closed = new Promise((resolve) => client.once('close', resolve));
    const before = await inbox('alice', 'alice-pw');

    await dovecot.stop();
    await closed; // an open connection drops, as in an outage
    expect(await portOpen(dovecot.port)).toBe(false);
    await expect(inbox('alice', 'alice-pw')).rejects.toThrow();

    await dovecot.start();
    const after = await inbox('alice', 'alice-pw');
    expect(after.uidValidity).toBe(before.uidValidity);
    expect(after.msgs.map((m) => m.uid)).toEqual(before.msgs.map((m) => m.uid));
  });

  it('gives a recreated folder a new UIDVALIDITY', async () => {
    await dovecot.createFolder('alice', 'alice-pw', 'Club');
    const first = await dovecot.appendMessage('alice', 'alice-pw', 'Club', mail('Un', 'three'));
    await dovecot.deleteFolder('alice', 'alice-pw', 'Club');
    await dovecot.createFolder('alice', 'alice-pw', 'Club');
    const second = await dovecot.appendMessage('alice', 'alice-pw', 'Club', mail('Un', 'three'));

    expect(second.uid).toBe(1);
    expect(second.uidValidity).toBeDefined();
    expect(second.uidValidity).not.toBe(first.uidValidity);
  });
});
