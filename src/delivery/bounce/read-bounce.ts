import { REASONS, type Reason } from '../reasons';
import { classifyReason } from './classify';
import { cleanAddress, readDsn, readFeedback, type DsnRecipient } from './dsn';
import { readJsonNotification } from './json-notifications';
import { header, parseMessage, parseNode, type MimeNode } from './mime';
import { looksDelayed, looksLikeAutoReply, looksLikeBounce } from './signs';
import { readText, reportSection, statusIn } from './text-readers';

/**
 * The bounce pipeline: locate the report in the MIME tree → read it with the
 * reader for its format (RFC 3464 / RFC 6533 DSN, RFC 5965 feedback report,
 * JSON notification, plain text of the common servers) → give each recipient
 * a reason (classify.ts) and the verdict of the one reasons table.
 */
export type VerdictKind = 'bounce' | 'delay' | 'delivered' | 'auto-reply' | 'complaint' | 'none';

export interface BounceRecipient {
  address: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  reason: Reason;
  deadAddress: boolean;
}

export interface BounceVerdict {
  recognised: boolean;
  kind: VerdictKind;
  recipients: BounceRecipient[];
  original: { messageId: string | null; mailroomId: string | null };
  /** Addresses the report was sent to (VERP: bounces+<id>@domain). */
  addressedTo: string[];
  subject: string;
  date: Date | null;
}

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_TYPES = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global-headers']);
// Bounded parts (RFC 5321 §4.5.3.1: 64-octet local part, 255-octet domain) keep a run of "@" without a
// dot from making each match attempt scan the rest of the line (quadratic on hostile input).
const ADDRESS = /[^\s<>"'(),;:[\]]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}/g;
/** More of a report than any server writes: the rest is not read (hostile or broken input). */
const MAX_REPORT = 2 * 1024 * 1024;

/** Leaves that belong to the report itself (not the returned original). */
function ownLeaves(node: MimeNode): MimeNode[] {
  if (ORIGINAL_TYPES.has(node.type)) return [];
  if (node.children.length) return node.children.flatMap(ownLeaves);
  return [node];
}

function allNodes(node: MimeNode): MimeNode[] {
  return [node, ...node.children.flatMap(allNodes)];
}

const htmlToText = (html: string) => html.replace(/<(br|p|div|tr|li)[^>]*>/gi, '\n').replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"');

function humanText(root: MimeNode): string {
  const leaves = ownLeaves(root);
  const plain = leaves.filter((n) => n.type === 'text/plain' || n.type === 'text/enriched');
  const html = leaves.filter((n) => n.type === 'text/html');
  const texts = plain.length ? plain.map((n) => n.text) : html.map((n) => htmlToText(n.text));
  return [root.text && root.children.length ? root.text : '', ...texts].filter(Boolean).join('\n');
}

function make(address: string | null, action: string | null, status: string | null, diagnostic: string | null, forced?: Reason, broad?: string, context?: string): BounceRecipient {
  let reason = forced ?? classifyReason({ action, status, diagnostic, context });
  // With no words of its own, the report's whole text decides (Exchange and Gmail put them far from the address).
  if (!forced && broad && (reason === 'undetermined' || reason === 'delayed' || (reason === 'user-unknown' && !diagnostic && !status?.match(/^[45]\.1\./)))) {
    const wide = classifyReason({ action, status: null, diagnostic: broad.slice(0, 3000) });
    if (wide !== 'undetermined') reason = wide === 'delivered' ? reason : wide;
  }
  return { address, action, status, diagnostic, reason, deadAddress: REASONS[reason].deadAddress };
}

function originalIds(root: MimeNode, text: string): BounceVerdict['original'] {
  const originals = allNodes(root).filter((n) => ORIGINAL_TYPES.has(n.type));
  const hay = [...originals.map((n) => n.text), text].join('\n').replace(/\n[ \t]+/g, ' ');
  return {
    messageId: /^\s*Message-ID:\s*(<[^>\s]+>)/im.exec(hay)?.[1] ?? null,
    mailroomId: /^\s*X-Mailroom-ID:\s*([A-Za-z0-9-]+)/im.exec(hay)?.[1] ?? null,
  };
}

function addressedTo(root: MimeNode): string[] {
  const out = new Set<string>();
  for (const name of ['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to', 'return-path']) {
    for (const v of root.headers.get(name) ?? []) for (const m of v.matchAll(ADDRESS)) out.add(m[0].toLowerCase());
  }
  return [...out];
}

const ERROR_WORDS = /\b[45]\d\d\b|\b[45]\.\d\.\d+\b|unknown|not exist|doesn.?t exist|invalid|rejected|refused|full|quota|disabled|not found|unavailable|failed|inconnu|inexistant|pleine/i;

function nearErrorWords(section: string, exclude: Set<string>): { address: string; status: string | null; diagnostic: string }[] {
  const lines = section.split('\n');
  const out = new Map<string, { address: string; status: string | null; diagnostic: string }>();
  let seen = 0;
  lines.forEach((line, i) => {
    if (seen > 200 || /^\s*(from|to|cc|reply-to|sender|return-path|message-id|references|in-reply-to|received|x-[\w-]+)\s*:/i.test(line)) return;
    for (const m of line.matchAll(ADDRESS)) {
      // At most 200 addresses looked at, each with the 1,000 characters around it: a line of
      // 300,000 addresses is no report, and reading each one's whole line again was quadratic.
      if ((seen += 1) > 200) return;
      const address = cleanAddress(m[0]);
      if (!address || exclude.has(address) || out.has(address) || /^(mailer-daemon|postmaster|bounces?|no-?reply)[+@]/i.test(address)) continue;
      const around = lines.slice(Math.max(0, i - 1), i + 3).map((l) => (l.length > 1000 ? l.slice(Math.max(0, (l === line ? m.index : 0) - 500), (l === line ? m.index : 0) + 500) : l)).join(' ');
      if (ERROR_WORDS.test(around.replace(ADDRESS, ' '))) out.set(address, { address, status: statusIn(around), diagnostic: around.replace(/\s+/g, ' ').trim().slice(0, 500) });
    }
  });
  return [...out.values()].slice(0, 5);
}

/**
 * Reports that name nobody (old Sendmail "Cannot send message for 4 days" above the unsent
 * message, a daemon that only returns the headers): the returned original's own To, when it
 * names exactly one address — more would be a guess among them.
 */
function originalTo(root: MimeNode, text: string, section: string, exclude: Set<string>): string | null {
  const attached = allNodes(root).filter((n) => ORIGINAL_TYPES.has(n.type)).map((n) => n.children[0] ?? parseNode(n.text.replace(/^\n+/, '')));
  const inline = parseNode(text.slice(section.length).replace(/^[^\n]*\n/, '').replace(/^\s*\n/, ''));
  for (const original of [...attached, inline]) {
    // A list post's To is the list, not the member who bounced.
    if (header(original, 'list-id') || header(original, 'list-post') || /list|bulk/i.test(header(original, 'precedence'))) return null;
    const value = header(original, 'to');
    const found = [...new Set((value.match(ADDRESS) ?? []).map((a) => a.toLowerCase()))].filter((a) => !exclude.has(a));
    if (found.length) return found.length === 1 ? found[0]! : null;
  }
  return null;
}

export function readBounce(raw: Buffer | string): BounceVerdict {
  const root = parseMessage(raw);
  const text = humanText(root);
  const base = {
    original: originalIds(root, text),
    addressedTo: addressedTo(root),
    subject: header(root, 'subject'),
    date: ((d) => (Number.isNaN(d.getTime()) ? null : d))(new Date(header(root, 'date'))),
  };
  const verdict = (kind: VerdictKind, recipients: BounceRecipient[]): BounceVerdict => ({ recognised: kind !== 'none', kind, recipients, ...base });
  const nodes = allNodes(root);

  // A JSON notification saved as is has no header block; one mailed as text has it in the body.
  const rawText = typeof raw === 'string' ? raw : raw.toString('utf8');
  const json = /^\s*\{/.test(rawText) ? readJsonNotification(rawText) : !root.children.length ? readJsonNotification(root.text) : null;
  if (json) {
    const recipients = json.recipients.map((r) => make(r.address, r.action, r.status, r.diagnostic, r.stated ?? undefined));
    return verdict(json.kind === 'complaint' ? 'complaint' : json.kind === 'delivery' ? 'delivered' : 'bounce', recipients);
  }

  const feedback = nodes.find((n) => n.type === 'message/feedback-report');
  if (feedback || root.params['report-type']?.toLowerCase() === 'feedback-report') {
    const fb = readFeedback(feedback?.text ?? '');
    // RFC 5965 §2: the original (or its headers) follows; its To names who complained.
    const originalTo = nodes.filter((n) => ORIGINAL_TYPES.has(n.type)).map((n) => header(n.children[0] ?? parseNode(n.text.replace(/^\n+/, '')), 'to'));
    const addresses = fb.recipients.length ? fb.recipients : originalTo.flatMap((v) => [...v.matchAll(ADDRESS)].map((m) => m[0].toLowerCase()));
    return verdict('complaint', addresses.map((a) => make(a, 'complaint', null, fb.feedbackType, 'complaint')));
  }
  // Microsoft's JMRP complaint: the reported message attached whole, the complaining mailbox named
  // in its X-HmXmrOriginalRecipient header (no RFC 5965 part).
  const jmrp = nodes.filter((n) => ORIGINAL_TYPES.has(n.type)).map((n) => header(n.children[0] ?? parseNode(n.text.replace(/^\n+/, '')), 'x-hmxmroriginalrecipient')).find(Boolean);
  if (jmrp && cleanAddress(jmrp)) return verdict('complaint', [make(cleanAddress(jmrp), 'complaint', null, 'abuse', 'complaint')]);
  // Apple Mail's one-click unsubscribe mails the List-Unsubscribe address with this header: an
  // opt-out by the recipient, which Mailroom treats as a complaint (non-essential mail stops).
  if (/^true$/i.test(header(root, 'x-apple-unsubscribe'))) {
    const who = cleanAddress(header(root, 'from'));
    return verdict('complaint', [make(who, 'complaint', null, 'opt-out', 'complaint')]);
  }

  const section = reportSection(text.length > MAX_REPORT ? text.slice(0, MAX_REPORT) : text);
  const dsnBodies = nodes.filter((n) => DSN_TYPES.has(n.type)).map((n) => n.text);
  // Some servers send the DSN fields as text/plain, or inline in the body.
  if (!dsnBodies.length && /^\s*Final-Recipient\s*:/im.test(text) && /^\s*(Action|Status)\s*:/im.test(text)) dsnBodies.push(text);
  const dsn: DsnRecipient[] = dsnBodies.flatMap(readDsn).filter((r) => r.address || r.status);
  const bounceFrom = new Set((header(root, 'from').match(ADDRESS) ?? []).map((a) => a.toLowerCase()));
  const fromText = readText(section, bounceFrom);
  // AOL names its own members by screen name only, indented under its sentence.
  if (!fromText.length && /@aol\.com/i.test(header(root, 'from')) && /following recipients could not be delivered/i.test(section)) {
    for (const m of section.matchAll(/^[ \t]+([A-Za-z][A-Za-z0-9._-]{2,31})[ \t]*$/gm)) fromText.push({ address: `${m[1]!.toLowerCase()}@aol.com`, status: null, diagnostic: section.replace(/\s+/g, ' ').slice(0, 500) });
  }
  const isBounce = dsn.length > 0 || looksLikeBounce(root, text);

  if (!isBounce) {
    if (looksLikeAutoReply(root)) {
      const who = cleanAddress(header(root, 'from'));
      return verdict('auto-reply', [make(who, 'auto-replied', null, base.subject, 'out-of-office')]);
    }
    return verdict('none', []);
  }

  // Last resort for texts of no known shape: an address near the server's error words, never one
  // the bounce itself is addressed to (our own sender) nor a daemon.
  if (!fromText.length && !dsn.some((r) => r.address)) fromText.push(...nearErrorWords(section, new Set([...bounceFrom, ...base.addressedTo])));
  if (!fromText.length && !dsn.some((r) => r.address)) {
    const to = originalTo(root, text, section, new Set([...bounceFrom, ...base.addressedTo]));
    if (to) fromText.push({ address: to, status: statusIn(section), diagnostic: section.replace(/\s+/g, ' ').trim().slice(0, 1000) });
  }

  let recipients: BounceRecipient[];
  if (dsn.some((r) => r.address)) {
    recipients = dsn.map((r) => {
      const words = fromText.find((t) => t.address === r.address);
      const diagnostic = r.diagnostic ?? (words?.diagnostic || null);
      const status = r.status && r.status !== '5.0.0' && r.status !== '4.0.0' ? r.status : (statusIn(diagnostic ?? '') ?? r.status);
      return make(r.address, r.action, status, diagnostic, undefined, section, words?.diagnostic);
    });
  } else {
    const delayed = looksDelayed(base.subject, section);
    const failed = header(root, 'x-failed-recipients').match(ADDRESS)?.map((a) => a.toLowerCase()) ?? [];
    const listed = failed.length ? failed.map((a) => fromText.find((t) => t.address === a) ?? { address: a, status: null, diagnostic: '' }) : fromText;
    const dsnStatus = dsn.find((r) => r.status)?.status ?? null;
    recipients = listed.map((t) => make(t.address, delayed ? 'delayed' : 'failed', t.status ?? dsnStatus ?? statusIn(section), t.diagnostic || null, undefined, section));
    if (!recipients.length && dsn.length) recipients = dsn.map((r) => make(null, r.action, r.status, r.diagnostic, undefined, section));
  }
  const kind: VerdictKind = recipients.some((r) => r.reason !== 'delivered' && r.action !== 'delayed')
    ? 'bounce'
    : recipients.length && recipients.every((r) => r.reason === 'delivered')
      ? 'delivered'
      : 'delay';
  return verdict(recipients.length || dsn.length ? kind : 'bounce', recipients);
}
