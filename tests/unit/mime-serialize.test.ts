import crypto from 'node:crypto';
import fc from 'fast-check';
import type Mail from 'nodemailer/lib/mailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import DKIM from 'nodemailer/lib/dkim';
import { composeThread } from '../../src/mail/compose-thread';
import { loadSerializeMime } from '../../src/mail/mime-serialize';
import { dkimOptions } from '../../src/outgoing/dkim';

const serializeMime = loadSerializeMime();

async function streamed(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

// What nodemailer's own stream writes for these options (a fresh tree: the same boundaries,
// as baseBoundary is fixed).
const nodemailers = (options: Mail.Options) => streamed(new MailComposer(options).compile().createReadStream());

// Text that trips encoders: accents, emoji, long lines, trailing blanks, lone CR/LF, '=' and dots.
const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('\r\n', '\n', '\r', ' ', '\t', '=', '.', 'é', '😀', 'x'.repeat(90), '=C3', ' \r\n')), { maxLength: 60 }).map((xs) => xs.join(''));
const name = fc.oneof(fc.constantFrom('', 'Club de Bréhat', 'O"Brien, Anne', 'Zoë (trésorière)', 'Ünïcode — ☃'), fc.string({ maxLength: 20 }));
const address = fc.tuple(name, fc.constantFrom('a@example.org', 'jeanne.dupont@club.fr', 'x@jõgeva.ee', 'ünï@exämple.de', 'b+tag@example.org')).map(([n, a]) => (n ? { name: n, address: a } : a));
const attachment = fc.record({
  filename: fc.oneof(fc.constantFrom('facture-12.pdf', 'Facture n° 12 – décembre.pdf', 'a b;c=d.pdf', 'reçu"été".txt', 'x'.repeat(120) + '.pdf'), fc.string({ maxLength: 30 })),
  content: fc.oneof(fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b)), text, fc.constantFrom(Buffer.alloc(0), Buffer.alloc(57), Buffer.alloc(114), Buffer.alloc(58))),
  contentType: fc.constantFrom('application/pdf', 'text/plain', 'text/csv; charset=utf-8', 'image/png', 'application/octet-stream'),
  contentDisposition: fc.constantFrom('attachment' as const, 'inline' as const),
});
const message = fc.record({
  from: address,
  to: fc.array(address, { minLength: 1, maxLength: 3 }),
  cc: fc.option(fc.array(address, { maxLength: 2 }), { nil: undefined }),
  replyTo: fc.option(address, { nil: undefined }),
  subject: fc.oneof(text, fc.constantFrom('Facture n° 12 – décembre', 'Re: ' + 'très long sujet '.repeat(12))),
  text: fc.option(text, { nil: undefined }),
  html: fc.option(text.map((t) => `<p>${t}</p>`), { nil: undefined }),
  attachments: fc.array(attachment, { maxLength: 3 }),
  calendar: fc.boolean(),
  header: fc.option(text, { nil: undefined }),
});

function options(m: typeof message extends fc.Arbitrary<infer T> ? T : never, baseBoundary: string): Mail.Options {
  return {
    baseBoundary,
    messageId: `<${baseBoundary}@example.org>`,
    date: new Date(Date.UTC(2026, 11, 7, 22, 5, 1)),
    from: m.from,
    to: m.to,
    cc: m.cc,
    replyTo: m.replyTo,
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: m.header === undefined ? {} : { 'X-Mailroom-Note': m.header },
    alternatives: m.calendar ? [{ contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n' }] : undefined,
    attachments: m.attachments,
  } as Mail.Options;
}

describe('writing a composed message in one pass', () => {
  it("gives nodemailer's bytes exactly, for any addresses, texts and attachments", async () => {
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const o = options(m, crypto.randomBytes(6).toString('hex'));
        const mine = serializeMime(new MailComposer(o).compile());
        expect(mine).not.toBeNull();
        expect(mine!.toString('latin1')).toBe((await nodemailers(o)).toString('latin1'));
      }),
      { numRuns: 400 },
    );
  });

  it('gives base64 lines of 76 characters for attachments of every length around a line', async () => {
    for (const size of [0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 171, 100 * 1024 + 1]) {
      const o: Mail.Options = { baseBoundary: 'b', messageId: '<b@x>', date: new Date(0), from: 'a@example.org', to: 'b@example.org', attachments: [{ filename: 'f.bin', content: crypto.randomBytes(size) }] };
      const mine = serializeMime(new MailComposer(o).compile())!;
      expect(mine.toString('latin1')).toBe((await nodemailers(o)).toString('latin1'));
      // A single part: the headers, a blank line, the body and the final line break.
      const whole = mine.toString('latin1');
      const body = whole.slice(whole.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
      expect(body.split('\r\n').every((line) => line.length <= 76)).toBe(true);
      expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').length).toBe(size);
    }
  });

  it('ends the message with one line break, whatever its text ends with', async () => {
    for (const body of ['x', 'x\r', 'x\n', 'x\r\n', 'é\r', '']) {
      const o: Mail.Options = { messageId: '<e@x>', date: new Date(0), from: 'a@example.org', to: 'b@example.org', text: body };
      const mine = serializeMime(new MailComposer(o).compile())!.toString('latin1');
      expect(mine).toBe((await nodemailers(o)).toString('latin1'));
      expect(mine.endsWith('\n') && !mine.endsWith('\r\r\n')).toBe(true);
    }
  });

  it('leaves what it cannot write alone: content read from a file or a stream, a newline conversion', () => {
    const base = { from: 'a@example.org', to: 'b@example.org', text: 'x' };
    expect(serializeMime(new MailComposer({ ...base, attachments: [{ path: __filename }] }).compile())).toBeNull();
    expect(serializeMime(new MailComposer({ ...base, newline: '\n' } as Mail.Options).compile())).toBeNull();
    expect(serializeMime(new MailComposer({ ...base, attachments: [{ filename: 'x', content: Buffer.from('x') }] }).compile())).not.toBeNull();
  });

  it('the composing thread gives the same bytes as streaming, signed or not, for an invoice-shaped message', async () => {
    const thread = composeThread();
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const key = { domainName: 'example.org', keySelector: 'mr', privateKey };
    try {
      const o: Mail.Options = {
        baseBoundary: 'inv',
        messageId: '<inv@example.org>',
        date: new Date(Date.UTC(2026, 11, 7)),
        from: { name: 'Club de Bréhat', address: 'club@example.org' },
        to: ['jeanne@example.org'],
        subject: 'Votre facture n° 12 – décembre',
        text: 'Bonjour Jeanne,\r\n\r\nVoici votre facture de 42,00 €.\r\n',
        html: '<p>Bonjour Jeanne,</p><p>Voici votre facture de 42,00&nbsp;€.</p>',
        attachments: [{ filename: 'facture-12.pdf', content: crypto.randomBytes(100 * 1024), contentType: 'application/pdf' }],
      };
      expect((await thread.compose(o)).bytes.toString('latin1')).toBe((await nodemailers(o)).toString('latin1'));
      const signed = (await thread.compose(o, key)).bytes.toString('latin1');
      expect(signed).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example.org;/);
      expect(signed).toBe((await streamed(new DKIM(dkimOptions(key)).sign(new MailComposer(o).compile().createReadStream()))).toString('latin1'));
    } finally {
      await thread.close();
    }
  });
});
