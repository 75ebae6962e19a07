import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readBounce } from '../../src/delivery/bounce/read-bounce';
import { REASONS } from '../../src/delivery/reasons';

/** The reader's promises one by one, on small messages shaped like the servers write them. */
const FIXTURES = path.join(__dirname, '../fixtures/bounces');
const crlf = (lines: string[]) => lines.join('\r\n');
// Messages are bytes, as read from a mailbox or a file.
const verdict = (raw: string | Buffer) => {
  const v = readBounce(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
  return { recognised: v.recognised, kind: v.kind, recipients: v.recipients.map((r) => [r.address, r.reason, r.status]) };
};

describe('reading bounces as servers write them', () => {
  it('reads CRLF, LF-only and CR-only files alike', () => {
    const raw = fs.readFileSync(path.join(FIXTURES, 'postfix-dovecot/nobody.eml'), 'latin1').replace(/\r?\n/g, '\r\n');
    const expected = verdict(raw);
    expect(expected.recipients).toEqual([['nobody@dest.test', 'user-unknown', '5.1.1']]);
    expect(verdict(raw.replace(/\r\n/g, '\n'))).toEqual(expected);
    expect(verdict(raw.replace(/\r\n/g, '\r'))).toEqual(expected);
  });

  it('finds a delivery-status part nested in multipart/mixed, prefers Original-Recipient and undoes source routes', () => {
    const raw = crlf([
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>', 'To: bounces+42@bounce.club.test', 'Subject: Returned mail', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"', '', '--outer', 'Content-Type: text/plain', '', 'See the attached report.', '--outer',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="inner"', '', '--inner', 'Content-Type: text/plain', '', 'Delivery failed.', '--inner',
      'Content-Type: message/global-delivery-status', '', 'Reporting-MTA: dns; mx.example.net', '',
      'Original-Recipient: rfc822; @relay.example.net:Jean@Club.Test', 'Final-Recipient: rfc822; jean.dupont@mail.club.test', 'Action: failed', 'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown', '', '--inner--', '--outer--', '',
    ]);
    expect(verdict(raw)).toEqual({ recognised: true, kind: 'bounce', recipients: [['jean@club.test', 'user-unknown', '5.1.1']] });
  });

  it('knows Action: expired, and a 4.x.x the server gave up on', () => {
    const dsn = (action: string, status: string) =>
      crlf(['From: MAILER-DAEMON@mx.example.net', 'Subject: Undelivered Mail', 'Content-Type: multipart/report; report-type=delivery-status; boundary=b', '', '--b', 'Content-Type: message/delivery-status', '',
        'Final-Recipient: rfc822; late@slow.test', `Action: ${action}`, `Status: ${status}`, 'Diagnostic-Code: smtp; 421 4.4.2 connection timed out', '', '--b--', '']);
    expect(verdict(dsn('expired', '4.4.7')).recipients).toEqual([['late@slow.test', 'expired', '4.4.7']]);
    expect(verdict(dsn('failed', '4.4.2')).recipients).toEqual([['late@slow.test', 'expired', '4.4.2']]);
    expect(verdict(dsn('delayed', '4.4.2')).kind).toBe('delay');
  });

  it('takes no recipient or code from the quoted original (From:, References:, X-Mailer versions, spool paths)', () => {
    const raw = crlf([
      'From: Mail Delivery System <Mailer-Daemon@mx.example.net>', 'To: secretariat@club.test', 'Subject: Mail delivery failed: returning message to sender',
      'Auto-Submitted: auto-replied', 'X-Failed-Recipients: gone@dest.test', '',
      'This message was created automatically by mail delivery software.', '',
      'A message that you sent could not be delivered to one or more of its', 'recipients. This is a permanent error. The following address(es) failed:', '',
      '  gone@dest.test', '    SMTP error from remote mail server after RCPT TO:<gone@dest.test>:', '    550 5.1.1 <gone@dest.test>: Recipient address rejected: User unknown', '',
      '------ This is a copy of the message, including all the headers. ------', '',
      'Return-path: <secretariat@club.test>', 'Received: from spool by mx (/var/spool/exim/input/1abc-00@example.net)',
      'From: Secretariat <secretariat@club.test>', 'To: gone@dest.test', 'References: <thread-1@club.test> <thread-2@other.test>',
      'X-Mailer: Apple Mail (2.753.1)', 'Subject: Cotisation', '', 'Bonjour,', '',
    ]);
    // Exim sets Auto-Submitted: auto-replied on every bounce: it is a bounce all the same.
    expect(verdict(raw)).toEqual({ recognised: true, kind: 'bounce', recipients: [['gone@dest.test', 'user-unknown', '5.1.1']] });
  });

  it('tells an out-of-office reply by its own signs', () => {
    const raw = crlf(['From: Marie <marie@dest.test>', 'To: secretariat@club.test', 'Subject: Réponse automatique : Cotisation', 'Auto-Submitted: auto-replied', '', 'Je suis absente jusqu’au 3 janvier.', '']);
    expect(verdict(raw)).toEqual({ recognised: true, kind: 'auto-reply', recipients: [['marie@dest.test', 'out-of-office', null]] });
  });

  it('reads French bounce texts', () => {
    const raw = crlf(['From: Postmaster <postmaster@orange.test>', 'To: secretariat@club.test', 'Subject: Message non remis', 'Content-Type: text/plain; charset=utf-8', '',
      'Votre message n\'a pas pu être remis à l\'adresse suivante : paul.martin@orange.test', 'Raison : 550 5.2.2 Boîte aux lettres pleine', '']);
    expect(verdict(raw).recipients).toEqual([['paul.martin@orange.test', 'mailbox-full', '5.2.2']]);
  });

  it('reads Amazon SES notifications, bare or inside SNS', () => {
    const bounce = { notificationType: 'Bounce', bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: 'jean@dest.test', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] } };
    const complaint = { notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'rose@dest.test' }], complaintFeedbackType: 'abuse' } };
    expect(verdict(JSON.stringify(bounce)).recipients).toEqual([['jean@dest.test', 'user-unknown', '5.1.1']]);
    expect(verdict(JSON.stringify({ Type: 'Notification', Message: JSON.stringify(complaint) }))).toMatchObject({ kind: 'complaint', recipients: [['rose@dest.test', 'complaint', null]] });
  });

  it('never throws on hostile input, and every verdict is the reasons table’s', () => {
    const seeds = ['postfix-dovecot/full.eml', 'go-gmime/FBL-auth.eml', 'flufl-bounce/qmail_01.txt'].map((f) => fs.readFileSync(path.join(FIXTURES, f), 'latin1'));
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 200 }), (seed, at, len, junk) => {
        const i = at % seed.length;
        const v = readBounce(Buffer.from(seed.slice(0, i) + junk + seed.slice(i + (len % 400)), 'latin1'));
        for (const r of v.recipients) expect(r.deadAddress).toBe(REASONS[r.reason].deadAddress);
      }),
      { numRuns: 300 },
    );
  });
});
