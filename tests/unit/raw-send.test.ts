import crypto from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node';
import nodemailer from 'nodemailer';
import { smtpEnvelope } from '../../src/mail/raw-send';
import { TransportCache } from '../../src/mail/transports';
import { startRecordingSmtpServer } from '../helpers/smtp-server';

/** The envelope nodemailer's sendMail gives the SMTP connection for these addresses. */
function nodemailers(from: string, to: string[]) {
  const e = new MimeNode().setEnvelope({ from, to }).getEnvelope() as { from: string | false; to: string[] };
  return { from: e.from, to: e.to };
}

const pick = <T>(xs: T[]): T => xs[crypto.randomInt(xs.length)]!;

/** Addresses made mostly of what matters: case, dots, IDN domains, quotes, names, brackets, spaces. */
function randomAddress(): string {
  const local = Array.from({ length: 1 + crypto.randomInt(4) }, () => pick(['a', 'B', 'x.y', '.', '+tag', '_', '-', 'é', '"q q"', ' ', '(c)', '..'])).join('');
  const domain = pick(['example.org', 'EXAMPLE.org', 'jõgeva.ee', 'xn--jgeva-dua.ee', 'a-b.example', 'x', '[127.0.0.1]', 'ex ample.org', 'xn--zz.org', 'Ä.de']);
  return pick([`${local}@${domain}`, `${local}@${domain}`, `Name <${local}@${domain}>`, `${local}`]);
}

describe('sending a built message straight to the SMTP pool', () => {
  it('gives the server the envelope sendMail would have given, for any addresses', () => {
    for (let i = 0; i < 3000; i++) {
      const from = randomAddress();
      const to = Array.from({ length: 1 + crypto.randomInt(3) }, randomAddress);
      if (i % 5 === 0) to.push(to[0]!); // a recipient twice: one RCPT TO
      expect({ i, ...smtpEnvelope({ from, to }) }).toEqual({ i, ...nodemailers(from, to) });
    }
    expect(smtpEnvelope({ from: 'a@Example.org', to: ['b@jõgeva.ee', 'b@jõgeva.ee'] })).toEqual({ from: 'a@example.org', to: ['b@xn--jgeva-dua.ee'] });
  });

  it('delivers the same bytes as sendMail, keeps per-recipient refusals and the connection after a refused message', async () => {
    const smtp = await startRecordingSmtpServer();
    const cache = new TransportCache({ smtpUrl: smtp.url, mailFrom: 'a@example.org', outboxDir: '/nonexistent' }, 2);
    const plain = nodemailer.createTransport(smtp.transportOptions);
    const account = { cacheKey: 'platform-smtp', kind: 'platform-smtp' as const, from: 'a@example.org', smtp: { ...smtp.transportOptions }, label: 'platform SMTP' };
    try {
      const raw = Buffer.from(`From: a@example.org\r\nTo: b@example.org\r\nSubject: raw\r\n\r\n.dot\r\n${crypto.randomBytes(150_000).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`);
      await plain.sendMail({ envelope: { from: 'a@example.org', to: ['b@example.org'] }, raw });
      const sent = await cache.get(account).send({ from: 'a@example.org', to: ['b@example.org'] }, () => raw, 'id1');
      expect(sent.accepted).toEqual(['b@example.org']);
      const [viaSendMail, viaPool] = await smtp.waitForMessages(2);
      expect(viaPool!.raw.equals(viaSendMail!.raw)).toBe(true);
      expect(viaPool!.envelope).toEqual(viaSendMail!.envelope);

      // One of two recipients refused at RCPT TO: sent to the other, the refusal reported with the server's words.
      smtp.failNext({ count: 1, stage: 'rcpt', code: 550, message: '5.1.1 no such user', recipients: ['c@example.org'] });
      const partly = await cache.get(account).send({ from: 'a@example.org', to: ['b@example.org', 'c@example.org'] }, () => raw, 'id2');
      expect(partly.accepted).toEqual(['b@example.org']);
      expect(partly.rejected).toEqual(['c@example.org']);
      expect(partly.rejectedResponses![0]).toContain('no such user');

      // A refused message fails with nodemailer's error and code; the next one still goes out.
      smtp.failNext({ count: 1, stage: 'data', code: 552, message: '5.3.4 too big' });
      await expect(cache.get(account).send({ from: 'a@example.org', to: ['b@example.org'] }, () => raw, 'id3')).rejects.toMatchObject({ code: 'EMESSAGE', responseCode: 552 });
      await cache.get(account).send({ from: 'a@example.org', to: ['b@example.org'] }, () => raw, 'id4');
      expect((await smtp.waitForMessages(4)).length).toBe(4);
    } finally {
      cache.closeAll();
      plain.close();
      await smtp.close();
    }
  });
});
