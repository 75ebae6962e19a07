import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * Reads what a returned mail says about delivery. Standard reports are RFC 3464
 * delivery status notifications (multipart/report; report-type=delivery-status,
 * RFC 6522) with per-recipient Action / Status / Final-Recipient /
 * Diagnostic-Code fields; older or odd MTAs (qmail, some Exim setups) send plain
 * text, which is read heuristically. Out-of-office replies (RFC 3834
 * Auto-Submitted: auto-replied) are recognised so they are never taken for bounces.
 */
export type ReportKind = 'hard' | 'soft' | 'delivered' | 'auto-reply' | 'unknown';

export interface RecipientReport {
  recipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  kind: ReportKind;
}

export interface ParsedReport {
  /** Whether the mail is a delivery report at all (DSN or recognisable bounce text). */
  isReport: boolean;
  autoReply: boolean;
  recipients: RecipientReport[];
  /** Identifiers of the original message found in the returned headers or text. */
  original: { messageId: string | null; mailroomId: string | null };
  /** Addresses the report was sent to (for VERP: bounces+<id>@domain). */
  addressedTo: string[];
  subject: string;
  date: Date | null;
}

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);

export async function parseDeliveryReport(raw: Buffer): Promise<ParsedReport> {
  const mail = await simpleParser(raw, { skipHtmlToText: false, skipTextLinks: true });
  const header = (name: string) => {
    const v = mail.headers.get(name);
    return typeof v === 'string' ? v : v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : undefined;
  };
  const addressedTo = collectAddresses(mail, header);
  const subject = mail.subject ?? '';
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isMultipartReport = contentType?.value === 'multipart/report';
  // mailparser sometimes folds a message/delivery-status part into the text body,
  // so the report's own parts are read straight from the top-level multipart (RFC 6522).
  const parts = isMultipartReport && contentType?.params?.boundary ? splitMultipart(raw, contentType.params.boundary) : [];
  const dsnPart = parts.find((p) => DSN_TYPES.has(p.type));
  const originalPart = parts.find((p) => ORIGINAL_TYPES.has(p.type));

  const original = findOriginalIds(originalPart?.body, mail.text ?? '');
  const autoSubmitted = (header('auto-submitted') ?? '').toLowerCase();
  const looksAutoReply =
    autoSubmitted.startsWith('auto-replied') ||
    Boolean(header('x-autoreply') || header('x-autorespond')) ||
    /^(auto(matic)? ?reply|out of (the )?office|absent|absence|réponse automatique|automatische antwort|abwesenheit)/i.test(subject.replace(/^(re|aw|tr|fw):\s*/i, ''));

  if (dsnPart) {
    const recipients = parseDeliveryStatus(dsnPart.body);
    return { isReport: true, autoReply: false, recipients, original, addressedTo, subject, date: mail.date ?? null };
  }
  if (looksAutoReply && !isMultipartReport) {
    return { isReport: false, autoReply: true, recipients: [], original, addressedTo, subject, date: mail.date ?? null };
  }
  const fromDaemon = /mailer-daemon|postmaster|mail delivery (sub)?system/i.test(mail.from?.text ?? '');
  const bounceWords = /(undeliverable|undelivered|delivery (status notification|has failed|failure)|returned mail|failure notice|could not be delivered|permanent error|mail delivery failed|non remis|non distribuable)/i;
  if (fromDaemon || bounceWords.test(subject)) {
    const recipients = parseBounceText(mail.text ?? '', addressedTo);
    return { isReport: recipients.length > 0, autoReply: false, recipients, original, addressedTo, subject, date: mail.date ?? null };
  }
  return { isReport: false, autoReply: false, recipients: [], original, addressedTo, subject, date: mail.date ?? null };
}

/** RFC 3464 §2: a per-message block, then one block per recipient, separated by blank lines. */
export function parseDeliveryStatus(body: string): RecipientReport[] {
  const unfolded = body.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ');
  const blocks = unfolded.split(/\n\s*\n/).map((b) => fieldsOf(b)).filter((f) => Object.keys(f).length > 0);
  const perRecipient = blocks.filter((f) => f['final-recipient'] || f['original-recipient'] || f['action']);
  return perRecipient.map((f) => {
    const recipient = addressOf(f['final-recipient'] ?? f['original-recipient'] ?? null);
    const action = f['action']?.toLowerCase().trim() ?? null;
    const status = /([245])\.\d{1,3}\.\d{1,3}/.exec(f['status'] ?? '')?.[0] ?? null;
    const diagnostic = f['diagnostic-code']?.replace(/^smtp;\s*/i, '').trim() ?? null;
    return { recipient, action, status, diagnostic, kind: classify(action, status, diagnostic) };
  });
}

function fieldsOf(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line.trim());
    if (m) out[m[1]!.toLowerCase()] = m[2]!;
  }
  return out;
}

/** `rfc822; user@example.org` → `user@example.org` (RFC 3464 §2.3.2 address-type prefix). */
function addressOf(field: string | null): string | null {
  if (!field) return null;
  const value = field.includes(';') ? field.slice(field.indexOf(';') + 1) : field;
  const addr = value.trim().replace(/^<|>$/g, '');
  return addr ? addr.toLowerCase() : null;
}

export function classify(action: string | null, status: string | null, diagnostic: string | null): ReportKind {
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return 'delivered';
  if (action === 'delayed') return 'soft';
  const cls = status?.[0] ?? /\b([45])\d\d\b/.exec(diagnostic ?? '')?.[1];
  if (action === 'failed') return cls === '4' ? 'soft' : 'hard';
  if (cls === '5') return 'hard';
  if (cls === '4') return 'soft';
  if (cls === '2') return 'delivered';
  return 'unknown';
}

/**
 * Non-standard bounce texts: the failed addresses are the ones quoted near an
 * SMTP error (qmail `<user@host>:` lines, Exim "The following address(es)
 * failed"), with the status taken from the nearest enhanced code or reply code.
 */
export function parseBounceText(text: string, exclude: string[]): RecipientReport[] {
  const skip = new Set(exclude.map((a) => a.toLowerCase()));
  const found = new Map<string, RecipientReport>();
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const addrs = [...lines[i]!.matchAll(/<?([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?/g)].map((m) => m[1]!.toLowerCase());
    for (const addr of addrs) {
      if (skip.has(addr) || /^(mailer-daemon|postmaster)@/i.test(addr) || found.has(addr)) continue;
      const context = lines.slice(i, i + 4).join(' ');
      const code = /\b([245]\d\d)[ -]/.exec(context)?.[1] ?? null;
      const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(context)?.[1] ?? null;
      if (!code && !enhanced && !/(no mailbox|does not exist|user unknown|unknown user|not found|quota|mailbox full)/i.test(context)) continue;
      const status = enhanced ?? (code ? `${code[0]}.0.0` : '5.0.0');
      const diagnostic = context.replace(/\s+/g, ' ').trim().slice(0, 500);
      found.set(addr, { recipient: addr, action: status.startsWith('4') ? 'delayed' : 'failed', status, diagnostic, kind: status.startsWith('4') ? 'soft' : 'hard' });
    }
  }
  return [...found.values()];
}

interface Part {
  type: string;
  body: string;
}

/** The direct children of a multipart body (RFC 2046 §5.1.1), decoded when base64 or quoted-printable. */
export function splitMultipart(raw: Buffer, boundary: string): Part[] {
  const text = raw.toString('latin1');
  const chunks = text.split(`--${boundary}`).slice(1);
  const parts: Part[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break;
    const body = chunk.replace(/^\r?\n/, '');
    const split = /\r?\n\r?\n/.exec(body);
    const headerText = split ? body.slice(0, split.index) : body;
    const content = split ? body.slice(split.index + split[0].length) : '';
    const headers = headerText.replace(/\r?\n[ \t]+/g, ' ');
    const type = (/^content-type:\s*([^;\s]+)/im.exec(headers)?.[1] ?? 'text/plain').toLowerCase();
    const encoding = (/^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1] ?? '').toLowerCase();
    let decoded = Buffer.from(content.replace(/\r?\n$/, ''), 'latin1');
    if (encoding === 'base64') decoded = Buffer.from(decoded.toString('latin1'), 'base64');
    else if (encoding === 'quoted-printable') decoded = Buffer.from(decoded.toString('latin1').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    parts.push({ type, body: decoded.toString('utf8') });
  }
  return parts;
}

function findOriginalIds(part: string | undefined, text: string): ParsedReport['original'] {
  const haystack = (part ?? '') + '\n' + text;
  const unfolded = haystack.replace(/\r?\n[ \t]+/g, ' ');
  const messageId = /^\s*Message-ID:\s*(<[^>\s]+>)/im.exec(unfolded)?.[1] ?? null;
  const mailroomId = /^\s*X-Mailroom-ID:\s*([A-Za-z0-9-]+)/im.exec(unfolded)?.[1] ?? null;
  return { messageId, mailroomId };
}

function collectAddresses(mail: ParsedMail, header: (n: string) => string | undefined): string[] {
  const out = new Set<string>();
  const add = (list: ParsedMail['to']) => {
    for (const group of Array.isArray(list) ? list : list ? [list] : []) for (const v of group.value) if (v.address) out.add(v.address.toLowerCase());
  };
  add(mail.to);
  add(mail.cc);
  for (const name of ['delivered-to', 'x-original-to', 'envelope-to', 'return-path']) {
    const v = header(name);
    for (const m of (v ?? '').matchAll(/[A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+/g)) out.add(m[0].toLowerCase());
  }
  return [...out];
}
