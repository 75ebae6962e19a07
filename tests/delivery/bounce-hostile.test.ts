import fc from 'fast-check';
import { readBounce } from '../../src/delivery/bounce/read-bounce';
import { REASONS } from '../../src/delivery/reasons';

/**
 * The bounce mailbox takes whatever anyone sends to the VERP address, so the
 * reader must answer every input quickly and never throw. Each shape below
 * once took the reader minutes (a header repeated 100,000 times, a 5 MB line
 * of spaces, a line of "@" with no dot, a line of 300,000 addresses): their
 * time is held well under what a quadratic step would need.
 */
const HEAD = 'From: MAILER-DAEMON@mx.example.net\nTo: bounces+1@bounces.club.example.org\nSubject: Undelivered Mail Returned to Sender\n';
const REPORT = (fields: string) =>
  `${HEAD}MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n--r\nContent-Type: text/plain\n\nDelivery failed.\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n${fields}\n--r--\n`;
const dsnRecipient = (i: number) => `Final-Recipient: rfc822; member${i}@dest.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown`;

function timed(raw: string | Buffer) {
  const started = performance.now();
  const verdict = readBounce(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw);
  for (const r of verdict.recipients) expect(r.deadAddress).toBe(REASONS[r.reason].deadAddress);
  return { verdict, ms: performance.now() - started };
}

const noise = Buffer.alloc(2_000_000);
for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;

const CASES: [string, () => string | Buffer][] = [
  ['a 5 MB header line', () => `${HEAD}X-Long: ${'a'.repeat(5_000_000)}\n\nhello\n`],
  ['a header folded 500,000 times', () => `${HEAD}X-Long: a${'\n b'.repeat(500_000)}\n\nhello\n`],
  ['100,000 repeated headers', () => `${HEAD}${'X-H: v\n'.repeat(100_000)}\nhello\n`],
  ['multiparts nested 2,000 deep', () => `${HEAD}MIME-Version: 1.0\n${Array.from({ length: 2000 }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`).join('')}Content-Type: text/plain\n\n<u@dest.example>: 550 unknown\n`],
  ['200,000 empty parts', () => `${HEAD}MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="z"\n\n${'--z\n\n'.repeat(200_000)}`],
  ['2 MB of binary noise', () => noise],
  ['binary noise after the headers', () => Buffer.concat([Buffer.from(`${HEAD}\n`), noise])],
  ['an unknown charset over base64 junk', () => `${HEAD}MIME-Version: 1.0\nContent-Type: text/plain; charset="x-nonexistent-9"\nContent-Transfer-Encoding: base64\n\n${'////'.repeat(50_000)}\n`],
  ['broken encoded words', () => `${HEAD.replace('Subject: ', 'Subject: =?x-bogus?Q?=FF=FE?= =?utf-8?B?////?= ')}\n<u@dest.example>: 550 unknown\n`],
  ['a 5 MB line of spaces', () => `${HEAD}\n${' '.repeat(5_000_000)}x`],
  ['a line of 300,000 addresses', () => `${HEAD}\n${'a@b.example '.repeat(300_000)}`],
  ['a line of "@" with no dot', () => `${HEAD}\n${'mailbox '.repeat(100_000)} ${'user@'.repeat(200_000)}`],
  ['a million unclosed brackets', () => `${HEAD}\n${'<'.repeat(1_000_000)}\n${'['.repeat(1_000_000)}`],
  ['JSON nested 100,000 deep', () => `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
];

describe('hostile input to the bounce reader', () => {
  it.each(CASES)('%s: answered quickly, no throw', (_name, make) => {
    const { ms } = timed(make());
    expect(ms).toBeLessThan(8000);
  });

  it('10,000 recipients in one report, in blocks or run together, are all read', () => {
    const blocks = Array.from({ length: 10_000 }, (_, i) => dsnRecipient(i));
    for (const fields of [blocks.join('\n\n'), blocks.join('\n')]) {
      const { verdict, ms } = timed(REPORT(fields));
      expect(verdict.recipients).toHaveLength(10_000);
      expect(verdict.recipients[9_999]).toMatchObject({ address: 'member9999@dest.example', reason: 'user-unknown' });
      expect(ms).toBeLessThan(8000);
    }
    const text = Array.from({ length: 10_000 }, (_, i) => `<member${i}@dest.example>: host mx.dest.example said: 550 5.1.1 unknown user`).join('\n');
    expect(timed(`${HEAD}\nThis is the mail system at host mx.example.net.\n\n${text}\n`).verdict.recipients).toHaveLength(10_000);
  });

  // Structured messages of random shape: nesting, boundaries, charsets, encodings, header
  // sizes, recipient counts and raw bytes all drawn at random.
  const charset = fc.constantFrom('utf-8', 'iso-8859-1', 'windows-1252', 'iso-2022-jp', 'x-unknown', '', 'utf-7', 'koi8-r');
  const encoding = fc.constantFrom('7bit', '8bit', 'base64', 'quoted-printable', 'x-uuencode', '');
  const bytes = fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a).toString('latin1'));
  const words = fc.oneof(bytes, fc.string({ maxLength: 300 }), fc.constantFrom('550 5.1.1 user unknown', '452 4.2.2 over quota', 'Final-Recipient: rfc822; x@y.example', 'Action: failed', 'Status: 5.7.124', '=?utf-8?B?', '--b0', '\n\n'));
  const part = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('multi')),
    leaf: fc.record({ type: fc.constantFrom('text/plain', 'text/html', 'message/delivery-status', 'message/rfc822', 'text/rfc822-headers', 'application/json'), charset, encoding, body: fc.array(words, { maxLength: 8 }) })
      .map(({ type, charset: cs, encoding: enc, body }) => `Content-Type: ${type}; charset="${cs}"\nContent-Transfer-Encoding: ${enc}\n\n${body.join('\n')}`),
    multi: fc.record({ boundary: fc.string({ minLength: 1, maxLength: 20 }), parts: fc.array(tie('node'), { maxLength: 5 }), closed: fc.boolean() })
      .map(({ boundary, parts, closed }) => `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"\n\n${parts.map((p) => `--${boundary}\n${p}`).join('\n')}\n${closed ? `--${boundary}--\n` : ''}`),
  })).node;
  const message = fc.record({
    headers: fc.array(fc.tuple(fc.constantFrom('From', 'To', 'Subject', 'X-Failed-Recipients', 'Auto-Submitted', 'Content-Language', 'X-H'), fc.oneof(fc.string({ maxLength: 200 }), bytes)), { maxLength: 30 }),
    repeat: fc.nat({ max: 20_000 }),
    recipients: fc.nat({ max: 3000 }),
    body: part,
    eol: fc.constantFrom('\n', '\r\n', '\r'),
  }).map(({ headers, repeat, recipients, body, eol }) =>
    [HEAD, headers.map(([n, v]) => `${n}: ${v}`).join('\n'), 'X-R: v\n'.repeat(repeat), 'MIME-Version: 1.0', body, Array.from({ length: recipients }, (_, i) => `<r${i}@d.example>: 550 no`).join('\n')].join('\n').replace(/\n/g, eol));

  it('never throws nor hangs on randomly shaped messages', () => {
    fc.assert(
      fc.property(message, (raw) => {
        expect(timed(raw).ms).toBeLessThan(5000);
      }),
      { numRuns: 150 },
    );
  });
});
