import nodemailer, { type SendMailOptions } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { getTestCertificate } from './certs';
import { startRecordingSmtpServer, type RecordingSmtpOptions, type RecordingSmtpServer } from './smtp-server';

/** Proves the recording SMTP server behaves like a real one, driven by nodemailer. */
describe('recording SMTP server', () => {
  jest.setTimeout(10_000);
  const servers: RecordingSmtpServer[] = [];
  const start = async (opts?: RecordingSmtpOptions) => {
    const s = await startRecordingSmtpServer(opts);
    servers.push(s);
    return s;
  };
  afterAll(() => Promise.all(servers.map((s) => s.close())));

  /** One message, one connection, then the transport is closed. */
  async function send(transport: string | SMTPTransport.Options, mail: SendMailOptions = {}) {
    const t = nodemailer.createTransport(transport);
    try {
      return await t.sendMail({ from: 'club@example.org', to: 'anne@example.org', subject: 'Bonjour', text: 'Corps du message', ...mail });
    } finally {
      t.close();
    }
  }

  it('records envelope, raw bytes, parsed mail and Message-ID in plain mode', async () => {
    const smtp = await start();
    expect(smtp.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+\//);
    const info = await send(smtp.url, {
      cc: 'paul@example.org',
      subject: 'Facture été',
      attachments: [{ filename: 'a.txt', content: 'pièce jointe' }],
    });

    const [m] = await smtp.waitForMessages(1, 2000);
    expect(m!.envelope).toEqual({ mailFrom: 'club@example.org', rcptTo: ['anne@example.org', 'paul@example.org'] });
    expect(m!.messageId).toBe(info.messageId);
    expect(m!.parsed.subject).toBe('Facture été');
    expect(m!.parsed.text?.trim()).toBe('Corps du message');
    expect(m!.parsed.attachments[0]?.content.toString()).toBe('pièce jointe');
    expect(m!.raw.toString()).toContain(`Message-ID: ${info.messageId}`);
    expect(m!.secure).toBe(false);
    expect(m!.user).toBeUndefined();
  });

  it.each(['tls', 'starttls'] as const)('requires AUTH and records it over TLS in %s mode', async (mode) => {
    const smtp = await start({ mode, auth: { user: 'club@orange.example', pass: 'bon mot:de/passe' } });
    expect(smtp.url.startsWith(mode === 'tls' ? 'smtps://' : 'smtp://')).toBe(true);

    await send(smtp.url);
    const [m] = await smtp.waitForMessages(1, 2000);
    expect(m!.secure).toBe(true);
    expect(m!.user).toBe('club@orange.example');

    await expect(send({ ...smtp.transportOptions, auth: { user: 'club@orange.example', pass: 'wrong' } })).rejects.toMatchObject({
      responseCode: 535,
    });
    await expect(send({ ...smtp.transportOptions, auth: undefined })).rejects.toMatchObject({ responseCode: 530 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('offers STARTTLS but refuses AUTH before it', async () => {
    const smtp = await start({ mode: 'starttls', auth: { user: 'u', pass: 'p' } });
    await expect(send({ ...smtp.transportOptions, ignoreTLS: true, requireTLS: false })).rejects.toMatchObject({ responseCode: 538 });
    expect(smtp.messages).toHaveLength(0);
  });

  it('serves a certificate valid for 127.0.0.1 and localhost', async () => {
    const smtp = await start({ mode: 'tls' });
    const { cert } = await getTestCertificate();
    await send({ host: '127.0.0.1', port: smtp.port, secure: true, tls: { ca: cert } });
    await send({ host: 'localhost', port: smtp.port, secure: true, tls: { ca: cert } });
    await expect(send({ host: '127.0.0.1', port: smtp.port, secure: true })).rejects.toThrow(/self-signed|self signed/);
    expect(smtp.messages).toHaveLength(2);
  });

  it('checks XOAUTH2 tokens with the given function', async () => {
    const smtp = await start({ mode: 'tls', xoauth2: async (user, token) => user === 'club@gmail.example' && token === 'good-token' });
    const oauth = (accessToken: string): SMTPTransport.Options => ({
      ...smtp.transportOptions,
      auth: { type: 'OAuth2', user: 'club@gmail.example', accessToken },
    });

    await send(oauth('good-token'));
    await expect(send(oauth('expired-token'))).rejects.toMatchObject({ code: 'EAUTH' });
    expect(smtp.messages.map((m) => m.user)).toEqual(['club@gmail.example']);
  });

  it('answers 451 at end of DATA for the next message, then accepts', async () => {
    const smtp = await start();
    smtp.failNext({ count: 1, stage: 'data', code: 451, message: '4.7.1 Greylisted, try later' });

    await expect(send(smtp.url)).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('4.7.1 Greylisted') });
    expect(smtp.messages).toHaveLength(0);
    await send(smtp.url);
    expect(smtp.messages).toHaveLength(1);
  });

  it('refuses one recipient of two at RCPT TO with 550 and delivers to the other', async () => {
    const smtp = await start();
    smtp.failNext({
      count: 1,
      stage: 'rcpt',
      code: 550,
      message: '5.1.1 <Nobody@example.org>: no such user',
      recipients: ['Nobody@example.org'],
    });

    const info = await send(smtp.url, { to: ['anne@example.org', 'nobody@example.org'] });
    expect(info.accepted).toEqual(['anne@example.org']);
    expect(info.rejected).toEqual(['nobody@example.org']);
    const [m] = await smtp.waitForMessages(1, 2000);
    expect(m!.envelope.rcptTo).toEqual(['anne@example.org']);
  });

  it('refuses MAIL FROM N times', async () => {
    const smtp = await start();
    smtp.failNext({ count: 2, stage: 'mail', code: 421, message: '4.3.2 Service shutting down' });
    await expect(send(smtp.url)).rejects.toMatchObject({ responseCode: 421 });
    await expect(send(smtp.url)).rejects.toMatchObject({ responseCode: 421 });
    await send(smtp.url);
    expect(smtp.messages).toHaveLength(1);
  });

  it('keeps big messages intact and refuses those over the size limit with 552', async () => {
    const smtp = await start({ size: 8 * 1024 * 1024 });
    const big = Buffer.alloc(5 * 1024 * 1024, 'x');
    await send(smtp.url, { attachments: [{ filename: 'big.bin', content: big }] });
    const [m] = await smtp.waitForMessages(1, 5000);
    expect(m!.parsed.attachments[0]?.content.equals(big)).toBe(true);

    const tooBig = Buffer.alloc(9 * 1024 * 1024, 'y');
    await expect(send(smtp.url, { attachments: [{ filename: 'huge.bin', content: tooBig }] })).rejects.toMatchObject({ responseCode: 552 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('delays its answer to DATA when asked to', async () => {
    // A long delay against none, compared with each other: the margin is wide
    // enough that a busy machine's own slowness cannot blur the two.
    const smtp = await start({ delayMs: 1500 });
    let t0 = Date.now();
    await send(smtp.url);
    const delayed = Date.now() - t0;
    expect(delayed).toBeGreaterThanOrEqual(1490);
    smtp.setDelay(0);
    t0 = Date.now();
    await send(smtp.url);
    expect(Date.now() - t0).toBeLessThan(delayed - 1000);
  });

  it('waits for messages, times out, and resets', async () => {
    const smtp = await start();
    const waiting = smtp.waitForMessages(2, 3000);
    await Promise.all([send(smtp.url, { subject: 'un' }), send(smtp.url, { subject: 'deux' })]);
    expect((await waiting).map((m) => m.parsed.subject).sort()).toEqual(['deux', 'un']);

    await expect(smtp.waitForMessages(3, 100)).rejects.toThrow('expected 3 messages at the SMTP server, got 2');
    smtp.failNext({ count: 5, stage: 'mail', code: 421, message: '4.3.2 later' });
    smtp.reset();
    expect(smtp.messages).toHaveLength(0);
    await send(smtp.url); // the pending rule went with reset()
    expect(smtp.messages).toHaveLength(1);
  });
});
