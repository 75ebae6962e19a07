import { cleanAddress, statusOf } from './dsn';

/**
 * Plain-text bounces (no RFC 3464 part, or one that names nobody). Each
 * server writes the failed recipient on a line of a known shape; only those
 * lines are read — never quoted headers of the returned message (From:,
 * References:, Message-ID, X-Mailer…), which are cut off before reading.
 */
export interface TextRecipient {
  address: string;
  status: string | null;
  diagnostic: string;
}

// Local part and domain bounded (RFC 5321 §4.5.3.1) so that no match attempt rescans a whole hostile line.
const ADDR = String.raw`[^\s<>"'(),;:\[\]]{1,64}@[A-Za-z0-9][A-Za-z0-9.-]{0,252}\.[A-Za-z]{2,63}`;

/** Lines where the returned original (or its headers) starts: nothing below is the report's own. */
const ORIGINAL_STARTS = [
  /^-+ ?(This is a copy of|Below this line is a copy|Original message|Original Message|Message (text|header)s? follow|Returned (message|mail)|The original message|Start of (returned|original)|Unsent message|Begin (returned|original)|Forwarded message|Copy of the message)/i,
  /^(-+ ?)?(Original message headers|Original message follows|The original message headers|Headers of the original|Your (original )?message (reads|follows|headers|is attached|as sent))[:.]?/i,
  /^-{3,} ?(Message|Header) (text|headers?|body) (follows|below)/i,
  /^-{2,}\s*(Begin|Start)? ?(Message|Original)/i,
  /^\s*-{2,}\s*(Message d'origine|Message original|Ursprüngliche Nachricht|Mensaje original)/i,
  /^(Received|Return-Path|DKIM-Signature|ARC-Seal|X-Original-To|Delivered-To):\s/i,
];

/** Text before the returned original. */
export function reportSection(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (ORIGINAL_STARTS.some((re) => re.test(line))) return lines.slice(0, i).join('\n');
    // A block of three header lines in a row (Message-ID, MIME-Version, …) is a quoted original.
    if (isHeaderLine(line) && isHeaderLine(lines[i + 1] ?? '') && isHeaderLine(lines[i + 2] ?? '') && /^(message-id|mime-version|content-type|references|x-mailer|in-reply-to|from|date)/i.test(lines.slice(i, i + 3).join('\n').replace(/\n/g, ' '))) {
      return lines.slice(0, i).join('\n');
    }
  }
  return text;
}

const QUOTED_HEADERS = /^\s*>?\s*(from|to|cc|bcc|reply-to|sender|references|in-reply-to|message-id|return-path|received|x-[a-z0-9-]+|delivered-to|envelope-to|date|subject|list-[a-z-]+|resent-[a-z-]+|dkim-signature|authentication-results|arc-[a-z-]+)\s*:/i;
const isHeaderLine = (line: string) => /^[A-Za-z][A-Za-z0-9-]{1,40}:\s/.test(line);

/** Shapes of lines that name a failed recipient (group 1 = address, group 2 = words after it). */
const Q = String.raw`['"\[]?<?`;
const QE = String.raw`>?['"\]]?`;
const RECIPIENT_LINES: RegExp[] = [
  // Sendmail transcript "550 5.1.1 <u@h>... User unknown"; "u@h ... unknown host"
  new RegExp(String.raw`^\s*(?:[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\s+)?)?<?(${ADDR})>?\s*\.\.\.\s*(.*)$`),
  // Postfix / qmail / OpenSMTPD / Yahoo: "<u@h>: text", "u@h: text", "<u@h> (expanded from <x>): text"
  new RegExp(String.raw`^\s*(?:[*>-]+\s*)?${Q}(${ADDR})${QE}(?:\s*\(expanded from[^)]*\))?\s*:\s*(.*)$`),
  // An address alone on its line (Exim, Gmail, Sendmail lists, Domino, Outlook.com, MDaemon "> u@h")
  new RegExp(String.raw`^\s*(?:>\s*|\d+\.\s*|-+\s*|\*\s+)?${Q}(${ADDR})${QE}[.:,;]?\s*$`),
  // Sendmail's alias note under the failed address: the address we sent to
  new RegExp(String.raw`^\s*\((?:expanded|generated) from:?\s*<?(${ADDR})>?\)\s*$`),
  // X.400 / MailEnable forms "dda:SMTP=u@h;", "[SMTP:u@h]"
  new RegExp(String.raw`SMTP[=:](${ADDR})\b(.*)$`, 'i'),
  // "Name" <u@h> alone on its line; Active!Hunter's ">>> u@h <u@h>"
  new RegExp(String.raw`^\s*"[^"]*"\s*<(${ADDR})>\s*$`),
  new RegExp(String.raw`^\s*(?:>+\s*)?(${ADDR})\s+<(?:${ADDR})>\s*$`),
  // Exchange 2003 "u@h on 1/2/2007"; Exchange 2007+ "u@h (u@h)"; GroupWise "u@h (user not found)"
  new RegExp(String.raw`^\s*${Q}(${ADDR})${QE}\s+(?:on\s+\w.*|\((.*)\).*|\[(.*)\]|-+\s+(.*)|<[^>]*>\s*)$`),
  // "Recipient: u@h", "Intended recipient: u@h", "Undeliverable Address: u@h", "Original-Recipient: rfc822;u@h"
  new RegExp(String.raw`^\s*(?:[\w'-]+[ -]){0,2}(?:Recipient|Recipients|Address|Addressee|Error-for|userid|E-?mail address|Destinataire|Adresse|Empfänger|Адресат|Получатель)(?: address)?\s*:\s*(?:rfc822;\s*)?${Q}(${ADDR})${QE}(.*)$`, 'i'),
  // Inline phrases of many servers, in English and French
  new RegExp(String.raw`(?:(?:was|were|could|can|has|have|is)(?: not|n.t)(?: been)? (?:be )?deliver(?:ed|able)|delivery (?:to the following recipients? )?failed|unable to deliver (?:your message |the message |mail )?|did not reach|not accepted|impossible de (?:remettre|d[ée]livrer|distribuer)|n'a pas (?:pu )?(?:[êe]tre|[ée]t[ée]) (?:remis|d[ée]livr[ée]|distribu[ée])(?: (?:à|au|aux)(?: destinataires?)?(?: suivants?)?(?: l'adresse(?: suivante)?)?)?|could not be sent|failed to deliver|undeliverable)\s+(?:to|for|à|a|au destinataire|à l'adresse)?\s*:?\s*${Q}(${ADDR})${QE}(.*)$`, 'i'),
  new RegExp(String.raw`(?:RCPT TO|rcpt to)\s*:?\s*<?(${ADDR})>?(.*)$`),
  new RegExp(String.raw`(?:unknown user|user unknown|no such user|invalid recipient|unknown recipient|unknown address|recipient unknown|invalid mailbox|local mailbox|mailbox unavailable|mailbox|user|account|utilisateur|destinataire|bo[iî]te(?: aux lettres)?)\s*[:\-]?\s*<(${ADDR})>?(.*)$`, 'i'),
  new RegExp(String.raw`(?:unknown user|user unknown|no such user|unknown recipient|local mailbox|mailbox|utilisateur|destinataire|adresse)\s*[:\-]?\s*(${ADDR})\b(.*)$`, 'i'),
  new RegExp(String.raw`(?:unknown|full|unavailable|not found|rejected|failed|invalid|disabled|error|exist|exceeds?|quota|inconnu|pleine)[^:]{0,60}:\s*${Q}(${ADDR})${QE}\s*$`, 'i'),
  // Zoho, IMail: "u@h Invalid Address, ERROR_CODE :550 …", "u@h unknown user"
  new RegExp(String.raw`^\s*<?(${ADDR})>?,?\s+((?:invalid|unknown|user|mailbox|no such|does not|not |error|rejected|failed|full|over|quota|inexistant|inconnu).*)$`, 'i'),
  new RegExp(String.raw`(?:your message to|message to|mail to|sent to|envoy[ée] à|mail für|message for|destined for|addressed to|was addressed,?)\s*:?\s*${Q}(${ADDR})${QE}(.*)$`, 'i'),
];

const NOT_RECIPIENTS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|noreply|no-reply|abuse|bounces?)([+@]|$)/i;

/** Failed recipients named by the report text, each with the words the server said about it. */
export function readText(section: string, exclude: Set<string>): TextRecipient[] {
  const lines = section.split('\n');
  const found = new Map<string, TextRecipient>();
  const hits: { index: number; address: string; rest: string }[] = [];
  const exchangeTo: { index: number; address: string; rest: string }[] = [];
  // Exchange 2003, and Yahoo's "wasn't able to deliver the following message" above a Subject:/To:
  // summary of the returned mail, name the recipient only in that summary's "To:" line.
  const toSummary = /did not reach the following recipient|could not be reached|n'ont pu être atteints|(?:wasn't|was not) able to deliver the following message/i.test(section);
  for (let i = 0; i < lines.length; i++) {
    // No server writes a recipient line of thousands of characters; the shapes below are only
    // tried on its start (a 5 MB line of spaces made them quadratic).
    const line = lines[i]!.length > 2000 ? lines[i]!.slice(0, 2000) : lines[i]!;
    if (QUOTED_HEADERS.test(line)) {
      const to = toSummary && new RegExp(String.raw`^\s*To:\s*.*?<?(${ADDR})>?`, 'i').exec(line);
      if (to) exchangeTo.push({ index: i, address: cleanAddress(to[1])!, rest: '' });
      continue;
    }
    for (const pattern of RECIPIENT_LINES) {
      const m = pattern.exec(line);
      if (!m) continue;
      const address = cleanAddress(m[1]);
      if (!address || exclude.has(address) || NOT_RECIPIENTS.test(address)) break;
      // When nothing follows the address, the words before it are the server's (qmail: "… said: 550
      // Unknown user u@h", "User's mailbox is full: <u@h>").
      const after = m.slice(2).filter(Boolean).join(' ');
      const before = after.trim() ? '' : line.slice(0, m.index + m[0].indexOf(m[1]!)).replace(/[<"'[(\s:]+$/, '').trim();
      hits.push({ index: i, address, rest: [/\p{L}/u.test(before) ? before : '', after].filter(Boolean).join(' ') });
      break;
    }
  }
  if (!hits.length) hits.push(...exchangeTo);
  for (let h = 0; h < hits.length; h++) {
    const { index, address, rest } = hits[h]!;
    const end = Math.min(hits[h + 1]?.index ?? lines.length, index + 12);
    const following: string[] = [];
    for (const l of lines.slice(index + 1, end)) {
      // A rule of underscores or stars, or two blank lines, ends the server's words (footers follow).
      if (/^\s*([_*=])\1{5,}/.test(l) || (!l.trim() && following.length && !following[following.length - 1]!.trim())) break;
      if (!QUOTED_HEADERS.test(l)) following.push(l);
    }
    let diagnostic = [rest, ...following].join(' ').replace(/\s+/g, ' ').trim().slice(0, 1000);
    // A list of addresses with the server's words further down ("Technical details: SMTP:RCPT host
    // …: 553 <u@h>... No such user here"): the other lines naming the address are its words.
    if (!diagnostic) diagnostic = lines.filter((l, j) => j !== index && !QUOTED_HEADERS.test(l) && l.toLowerCase().includes(address)).join(' ').replace(/\s+/g, ' ').trim().slice(0, 1000);
    // The same address named twice (Exim's address line, then its RCPT TO line): keep both words.
    const previous = found.get(address);
    const words = previous && previous.diagnostic !== diagnostic ? `${previous.diagnostic} ${diagnostic}`.trim() : diagnostic;
    found.set(address, { address, status: statusIn(words), diagnostic: words.slice(0, 1000) });
  }
  return [...found.values()];
}

/**
 * An enhanced status code only where servers write one: after a reply code,
 * at the start, in Exchange's `#5.1.1`, or in a Status: field — and with a
 * subject class 0–7 (RFC 3463 §3), so `Apple Mail (2.753.1)` is no status.
 */
export function statusIn(text: string): string | null {
  // RFC 3463 allows up to three digits in each of subject and detail (Exchange Online's 5.1.351, 5.7.124, 4.4.316).
  const m = /(?:^|[\s#([<;:=-])([245]\.\d{1,3}\.\d{1,3})(?=$|[\s)\]>,;:.'"-])/.exec(text);
  if (m) return m[1]!;
  const reply = /(?:^|[\s:(<[-])([245])([0-5])(\d)(?=[\s-]|$)/.exec(text);
  return reply ? `${reply[1]}.0.0` : null;
}

export { statusOf };
