import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { checkedData, checkedTransform, passesUnchanged } from '../../src/mail/smtp-data';
import { TransportCache } from '../../src/mail/transports';
import { startRecordingSmtpServer } from '../helpers/smtp-server';

/** What a DataStream writes for `chunks`, with nodemailer's loop or with the check in front of it. */
async function encode(chunks: Buffer[], checked: boolean): Promise<Buffer> {
  const stream = new DataStream();
  if (checked) (stream as unknown as { _transform: unknown })._transform = checkedTransform;
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => stream.on('end', resolve));
  for (const c of chunks) stream.write(c);
  stream.end();
  await done;
  return Buffer.concat(out);
}

/** Random text made mostly of the bytes that matter (CR, LF, dots), cut at random places. */
function randomChunks(seed: number): Buffer[] {
  const alphabet = seed % 2 ? ['\r\n', '\r\n', 'abc', '.', '\r', '\n', 'x'] : ['\r\n', 'QUJD', 'ZGVm', '\r\n.', 'x'];
  let text = '';
  for (let i = 0; i < 200; i++) text += alphabet[crypto.randomInt(alphabet.length)];
  const bytes = Buffer.from(text, 'latin1');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + crypto.randomInt(40);
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

describe("checking the end of data before nodemailer's loop", () => {
  it('writes exactly what nodemailer writes, for any bytes and any cuts', async () => {
    for (let seed = 0; seed < 1000; seed++) {
      const chunks = randomChunks(seed);
      expect((await encode(chunks, true)).toString('latin1')).toBe((await encode(chunks, false)).toString('latin1'));
    }
  });

  it('passes a composed message on unchanged and finds what must change', () => {
    const base64 = crypto.randomBytes(3000).toString('base64').replace(/.{76}/g, '$&\r\n');
    expect(passesUnchanged(Buffer.from(`Subject: x\r\n\r\n${base64}\r\n`), false)).toBe(true);
    expect(passesUnchanged(Buffer.from('a\r\n.b\r\n'), false)).toBe(false); // a dot opening a line
    expect(passesUnchanged(Buffer.from('.b\r\n'), 10)).toBe(false); // the same across chunks
    expect(passesUnchanged(Buffer.from('.b\r\n'), false)).toBe(false); // the message's first byte
    expect(passesUnchanged(Buffer.from('.b\r\n'), 120)).toBe(true);
    expect(passesUnchanged(Buffer.from('a\nb'), false)).toBe(false); // bare LF
    expect(passesUnchanged(Buffer.from('a\rb'), false)).toBe(false); // bare CR
    expect(passesUnchanged(Buffer.from('\nb'), 13)).toBe(true); // CR in the chunk before
    expect(passesUnchanged(Buffer.from('b'), 13)).toBe(false);
    expect(passesUnchanged(Buffer.from('ab\r'), false)).toBe(true); // the next chunk decides
  });

  it("is used by Mailroom's transports only, and the server receives the same message", async () => {
    const smtp = await startRecordingSmtpServer();
    const cache = new TransportCache({ smtpUrl: smtp.url, mailFrom: 'a@example.org', outboxDir: '/nonexistent' });
    const plain = nodemailer.createTransport(smtp.transportOptions);
    try {
      const raw = Buffer.from(`From: a@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n\r\n.leading dot\r\n${crypto.randomBytes(200_000).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\nbare\nend\r\n`);
      const before = checkedData.chunks;
      await plain.sendMail({ envelope: { from: 'a@example.org', to: ['b@example.org'] }, raw });
      expect(checkedData.chunks).toBe(before);
      const account = { cacheKey: 'platform-smtp', kind: 'platform-smtp' as const, from: 'a@example.org', smtp: { ...smtp.transportOptions }, label: 'platform SMTP' };
      await cache.get(account).send({ from: 'a@example.org', to: ['b@example.org'] }, () => raw, 'id');
      expect(checkedData.chunks).toBeGreaterThan(before);
      const [viaPlain, viaOurs] = await smtp.waitForMessages(2);
      expect(viaOurs!.raw.equals(viaPlain!.raw)).toBe(true);
      expect(viaOurs!.raw.toString('latin1')).toContain('\r\n.leading dot\r\n');
    } finally {
      cache.closeAll();
      plain.close();
      await smtp.close();
    }
  });
});
