import { Readable } from 'node:stream';
import url from 'node:url';
import type MimeNodeClass from 'nodemailer/lib/mime-node';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Envelope } from './transports';

/*
 * An already built message handed to nodemailer's SMTP pool without Mail#sendMail.
 *
 * For a raw message, sendMail still builds a MailMessage and a MailComposer
 * tree, runs the compile and stream plugins, sets headers nobody reads and
 * parses every address with addressparser: ~50 KB of garbage and a good part
 * of a millisecond of the main thread per invoice (issue #16 part 4). The pool
 * itself only asks the message for its envelope, a message id (for its log)
 * and a fresh stream of its bytes (again if a dropped connection requeues it),
 * so that is all we give it. Everything past that point — connections,
 * RCPT TO refusals, the reset after a refused message, the requeue of a message
 * no byte of which was sent, errors and their codes — is nodemailer's code,
 * unchanged. The envelope is normalised exactly as sendMail would
 * (MimeNode#setEnvelope), with a shortcut for the plain ASCII addresses it
 * leaves as they are (tests/unit/raw-send.test.ts compares both).
 */

/** nodemailer's default maxRecipients, which sendMail checks before sending. */
const MAX_RECIPIENTS = 100_000;

// A dot-atom local part of plain characters, at a domain of plain labels: addressparser returns it
// as it is, and nodemailer only runs the domain through url.domainToASCII (checked below).
const PLAIN = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;

/** What nodemailer makes of one address when it is plain, else null. */
function plainAddress(address: string): string | null {
  if (!PLAIN.test(address)) return null;
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  const ascii = url.domainToASCII(domain);
  if (!ascii) return null;
  return ascii === domain ? address : `${address.slice(0, at)}@${ascii}`;
}

/** The envelope sendMail would hand to the SMTP connection (normalised, recipients deduplicated). */
export function smtpEnvelope(envelope: Envelope): { from: string | false; to: string[] } {
  const from = plainAddress(envelope.from);
  const to: string[] = [];
  for (const address of envelope.to) {
    const plain = plainAddress(address);
    if (plain === null) return nodemailerEnvelope(envelope);
    if (!to.includes(plain)) to.push(plain);
  }
  if (from === null) return nodemailerEnvelope(envelope);
  return { from, to };
}

function nodemailerEnvelope(envelope: Envelope): { from: string | false; to: string[] } {
  // Loaded with the first address that is not plain, not at start (memory at rest, issue #16).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const MimeNode = require('nodemailer/lib/mime-node') as typeof MimeNodeClass;
  const node = new MimeNode().setEnvelope({ from: envelope.from, to: envelope.to });
  const e = node.getEnvelope() as { from: string | false; to: string[] };
  return { from: e.from, to: e.to };
}

/** A stream of `bytes` in one chunk. */
function bufferStream(bytes: Buffer): Readable {
  return new Readable({
    read() {
      this.push(bytes);
      this.push(null);
    },
  });
}

interface Pool {
  send(mail: unknown, callback: (err: Error | null, info?: SMTPTransport.SentMessageInfo) => void): unknown;
}

/** Sends `raw` through the pool of `transporter` (a pooled SMTP transport). */
export function sendRawThroughPool(transporter: { transporter: unknown }, envelope: Envelope, raw: Readable | Buffer): Promise<SMTPTransport.SentMessageInfo> {
  return new Promise((resolve, reject) => {
    let smtp: { from: string | false; to: string[] };
    try {
      smtp = smtpEnvelope(envelope);
    } catch (err) {
      return reject(err as Error);
    }
    if (smtp.to.length > MAX_RECIPIENTS) {
      const err = Object.assign(new Error(`Message has ${smtp.to.length} recipients, which is over the ${MAX_RECIPIENTS} allowed by maxRecipients`), { code: 'EMAXRECIPIENTS' });
      return reject(err);
    }
    const mail = {
      data: {},
      message: {
        // A copy each time: the connection keeps and may extend the envelope it is given.
        getEnvelope: () => ({ from: smtp.from, to: smtp.to.slice() }),
        messageId: () => '',
        getHeader: () => '',
        createReadStream: () => (Buffer.isBuffer(raw) ? bufferStream(raw) : raw),
      },
    };
    (transporter.transporter as Pool).send(mail, (err, info) => {
      if (err) {
        // As sendMail does: a failed message's stream is not read any more.
        if (!Buffer.isBuffer(raw)) raw.destroy();
        return reject(err);
      }
      resolve(info!);
    });
  });
}
