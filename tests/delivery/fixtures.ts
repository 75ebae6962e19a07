/**
 * Delivery reports in the shapes real MTAs produce, written from RFC 3464 /
 * RFC 6522 and the formats Postfix, Exim, Exchange Online, Gmail, Sendmail and
 * qmail document. Each takes the original message's identifiers so tests can
 * check every correlation method.
 */
export interface Original {
  /** Address the report is sent to: the envelope sender (VERP) or the From. */
  to: string;
  recipient: string;
  messageId?: string;
  mailroomId?: string;
  subject?: string;
}

const date = 'Mon, 23 Nov 2026 10:00:00 +0100';
const originalHeaders = (o: Original) =>
  [
    `From: Aéroclub <contact@aeroclub.example>`,
    `To: ${o.recipient}`,
    `Subject: ${o.subject ?? 'Votre facture'}`,
    o.messageId ? `Message-ID: ${o.messageId}` : undefined,
    o.mailroomId ? `X-Mailroom-ID: ${o.mailroomId}` : undefined,
    `Date: ${date}`,
  ]
    .filter(Boolean)
    .join('\r\n');

function report(opts: { from: string; to: string; subject: string; human: string; status: string; originalType: 'message/rfc822' | 'text/rfc822-headers'; original: string; extraHeaders?: string[] }) {
  const b = 'REPORT_BOUNDARY_42';
  return [
    `From: ${opts.from}`,
    `To: ${opts.to}`,
    `Subject: ${opts.subject}`,
    `Date: ${date}`,
    `Message-ID: <report-${Math.abs(hash(opts.status + opts.to + opts.original))}@mx.example.net>`,
    'Auto-Submitted: auto-replied',
    ...(opts.extraHeaders ?? []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    opts.human,
    '',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    opts.status,
    '',
    `--${b}`,
    `Content-Type: ${opts.originalType}`,
    '',
    opts.original,
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

export const postfixHardBounce = (o: Original) =>
  report({
    from: 'MAILER-DAEMON@mx.example.net (Mail Delivery System)',
    to: o.to,
    subject: 'Undelivered Mail Returned to Sender',
    human: `This is the mail system at host mx.example.net.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n<${o.recipient}>: host mx.dest.example[192.0.2.10] said: 550 5.1.1\r\n    <${o.recipient}>: Recipient address rejected: User unknown in virtual mailbox\r\n    table (in reply to RCPT TO command)`,
    status: `Reporting-MTA: dns; mx.example.net\r\nX-Postfix-Queue-ID: 4F2A31C0123\r\nArrival-Date: ${date}\r\n\r\nFinal-Recipient: rfc822; ${o.recipient}\r\nOriginal-Recipient: rfc822;${o.recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.dest.example\r\nDiagnostic-Code: smtp; 550 5.1.1 <${o.recipient}>: Recipient address rejected:\r\n    User unknown in virtual mailbox table`,
    originalType: 'text/rfc822-headers',
    original: originalHeaders(o),
  });

export const postfixDelayed = (o: Original) =>
  report({
    from: 'MAILER-DAEMON@mx.example.net (Mail Delivery System)',
    to: o.to,
    subject: 'Delayed Mail (still being retried)',
    human: 'This is the mail system at host mx.example.net.\r\n\r\n####################################################################\r\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n####################################################################',
    status: `Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; ${o.recipient}\r\nAction: delayed\r\nStatus: 4.4.1\r\nDiagnostic-Code: X-Postfix; connect to mx.dest.example[192.0.2.10]:25: Connection timed out\r\nWill-Retry-Until: Mon, 30 Nov 2026 10:00:00 +0100`,
    originalType: 'text/rfc822-headers',
    original: originalHeaders(o),
  });

export const postfixDelivered = (o: Original) =>
  report({
    from: 'MAILER-DAEMON@mx.example.net (Mail Delivery System)',
    to: o.to,
    subject: 'Successful Mail Delivery Report',
    human: 'This is the mail system at host mx.example.net.\r\n\r\nYour message was successfully delivered to the destination(s) listed below.',
    status: `Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; ${o.recipient}\r\nAction: relayed\r\nStatus: 2.0.0\r\nRemote-MTA: dns; mx.dest.example\r\nDiagnostic-Code: smtp; 250 2.0.0 Ok: queued as 9A8B7C`,
    originalType: 'text/rfc822-headers',
    original: originalHeaders(o),
  });

export const eximHardBounce = (o: Original) =>
  report({
    from: 'Mail Delivery System <Mailer-Daemon@smtp.example.org>',
    to: o.to,
    subject: 'Mail delivery failed: returning message to sender',
    human: `This message was created automatically by mail delivery software.\r\n\r\nA message that you sent could not be delivered to one or more of its\r\nrecipients. This is a permanent error. The following address(es) failed:\r\n\r\n  ${o.recipient}\r\n    host mx.dest.example [192.0.2.20]\r\n    SMTP error from remote mail server after RCPT TO:<${o.recipient}>:\r\n    550 5.1.1 No such user here`,
    status: `Reporting-MTA: dns; smtp.example.org\r\n\r\nAction: failed\r\nFinal-Recipient: rfc822;${o.recipient}\r\nStatus: 5.0.0\r\nRemote-MTA: dns; mx.dest.example\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user here`,
    originalType: 'message/rfc822',
    original: `${originalHeaders(o)}\r\n\r\nBonjour,\r\nvoici votre facture.`,
    extraHeaders: [`X-Failed-Recipients: ${o.recipient}`],
  });

export const exchangeOnlineBounce = (o: Original) =>
  report({
    from: 'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com>',
    to: o.to,
    subject: `Undeliverable: ${o.subject ?? 'Votre facture'}`,
    human: `Your message to ${o.recipient} couldn't be delivered.\r\n${o.recipient.split('@')[0]} wasn't found at ${o.recipient.split('@')[1]}.`,
    status: `Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\nReceived-From-MTA: dns;AM0PR01MB5678.eurprd01.prod.exchangelabs.com\r\nArrival-Date: ${date}\r\n\r\nFinal-Recipient: rfc822;${o.recipient}\r\nAction: failed\r\nStatus: 5.1.10\r\nDiagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\r\nX-Display-Name: ${o.recipient}`,
    originalType: 'text/rfc822-headers',
    original: originalHeaders(o),
  });

export const gmailBounce = (o: Original) =>
  report({
    from: 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
    to: o.to,
    subject: 'Delivery Status Notification (Failure)',
    human: `Address not found\r\n\r\nYour message wasn't delivered to ${o.recipient} because the address couldn't be found, or is unable to receive mail.`,
    status: `Reporting-MTA: dns; googlemail.com\r\nArrival-Date: ${date}\r\nX-Original-Message-ID: ${o.messageId ?? '<unknown@example>'}\r\n\r\nFinal-Recipient: rfc822; ${o.recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; gmail-smtp-in.l.google.com. (2a00:1450:400c:c0b::1a, the server for\r\n the domain gmail.com.)\r\nDiagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does\r\n not exist. Please try double-checking the recipient's email\r\n address for typos or unnecessary spaces.\r\n 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser\r\nLast-Attempt-Date: ${date}`,
    originalType: 'message/rfc822',
    original: `${originalHeaders(o)}\r\n\r\nBonjour.`,
  });

export const sendmailBounce = (o: Original) =>
  report({
    from: 'Mail Delivery Subsystem <MAILER-DAEMON@relay.example.com>',
    to: o.to,
    subject: 'Returned mail: see transcript for details',
    human: `The original message was received at ${date}\r\nfrom localhost [127.0.0.1]\r\n\r\n   ----- The following addresses had permanent fatal errors -----\r\n<${o.recipient}>\r\n    (reason: 550 5.1.1 <${o.recipient}>... User unknown)`,
    status: `Reporting-MTA: dns; relay.example.com\r\nReceived-From-MTA: DNS; localhost\r\nArrival-Date: ${date}\r\n\r\nFinal-Recipient: RFC822; ${o.recipient}\r\nX-Actual-Recipient: RFC822; ${o.recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: DNS; mx.dest.example\r\nDiagnostic-Code: SMTP; 550 5.1.1 <${o.recipient}>... User unknown\r\nLast-Attempt-Date: ${date}`,
    originalType: 'message/rfc822',
    original: `${originalHeaders(o)}\r\n\r\nCorps.`,
  });

/** qmail: no DSN at all, only text (non-standard). */
export const qmailBounce = (o: Original) =>
  [
    `From: MAILER-DAEMON@mail.example.biz`,
    `To: ${o.to}`,
    'Subject: failure notice',
    `Date: ${date}`,
    '',
    'Hi. This is the qmail-send program at mail.example.biz.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    'This is a permanent error; I\'ve given up. Sorry it didn\'t work out.',
    '',
    `<${o.recipient}>:`,
    'Sorry, no mailbox here by that name. (#5.1.1)',
    '',
    '--- Below this line is a copy of the message.',
    '',
    originalHeaders(o),
    '',
    'Bonjour.',
    '',
  ].join('\r\n');

export const outOfOffice = (o: Original) =>
  [
    `From: ${o.recipient}`,
    `To: ${o.to}`,
    `Subject: Réponse automatique : ${o.subject ?? 'Votre facture'}`,
    'Auto-Submitted: auto-replied',
    'X-Auto-Response-Suppress: All',
    `Date: ${date}`,
    o.messageId ? `In-Reply-To: ${o.messageId}` : '',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Je suis absente jusqu’au 30 novembre. Pour toute urgence, contactez le secrétariat.',
    '',
  ].join('\r\n');

/** A Postfix-shaped DSN for any remote refusal: mailbox full, block, DMARC rejection… */
export const postfixRefusal = (o: Original, status: string, words: string) =>
  report({
    from: 'MAILER-DAEMON@mx.aeroclub.example (Mail Delivery System)',
    to: o.to,
    subject: 'Undelivered Mail Returned to Sender',
    human: `This is the mail system at host mx.aeroclub.example.\r\n\r\n<${o.recipient}>: host mx.dest.example[192.0.2.25] said: ${words} (in reply to end of DATA command)`,
    status: `Reporting-MTA: dns; mx.aeroclub.example\r\n\r\nFinal-Recipient: rfc822; ${o.recipient}\r\nAction: failed\r\nStatus: ${status}\r\nDiagnostic-Code: smtp; ${words}`,
    originalType: 'text/rfc822-headers',
    original: originalHeaders(o),
  });

/** An RFC 5965 abuse report (the member pressed "this is spam"), with the original attached as RFC 5965 §2 says. */
export const arfComplaint = (o: Original) => {
  const b = 'ARF_BOUNDARY_7';
  return [
    'From: Mail Feedback <feedback@fbl.dest.example>',
    `To: ${o.to}`,
    'Subject: Email Feedback Report for IP 192.0.2.10',
    `Date: ${date}`,
    `Message-ID: <arf-${Math.abs(hash(o.recipient + o.to))}@fbl.dest.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.10.',
    '',
    `--${b}`,
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${o.recipient}`,
    'Source-IP: 192.0.2.10',
    '',
    `--${b}`,
    'Content-Type: message/rfc822',
    '',
    originalHeaders(o),
    '',
    'Votre facture.',
    `--${b}--`,
    '',
  ].join('\r\n');
};
