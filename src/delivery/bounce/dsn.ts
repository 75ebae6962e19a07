/**
 * RFC 3464 delivery-status fields (and RFC 6533's UTF-8 variant): one
 * per-message block, then one block per recipient, separated by blank lines.
 */
export interface DsnRecipient {
  address: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
}

/**
 * Fields that occur once per recipient block (RFC 3464 §2.3): seen again (or an
 * Original-Recipient after a complete Final-Recipient + Action), they open the next recipient.
 */
const PER_RECIPIENT = new Set(['final-recipient', 'original-recipient', 'action']);

export function fieldBlocks(body: string): Record<string, string>[] {
  const unfolded = body.replace(/\n[ \t]+/g, ' ');
  const blocks: Record<string, string>[] = [];
  for (const block of unfolded.split(/\n[ \t]*\n/)) {
    // AOL's relay (and others) run the recipient blocks together with no blank line between them.
    let out: Record<string, string> = {};
    blocks.push(out);
    for (const line of block.split('\n')) {
      const m = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(line);
      if (!m) continue;
      const name = m[1]!.toLowerCase();
      if (PER_RECIPIENT.has(name) && (name in out || (name === 'original-recipient' && 'final-recipient' in out && 'action' in out))) {
        out = {};
        blocks.push(out);
      }
      if (!(name in out)) out[name] = m[2]!.trim();
    }
  }
  return blocks.filter((f) => Object.keys(f).length > 0);
}

/**
 * `rfc822; user@example.org` → `user@example.org`; also strips RFC 5321 §4.1.2
 * source routes (`@relay1,@relay2:user@host`) and angle brackets; xtext
 * (RFC 3461 §4) `+HH` escapes are decoded.
 */
export function cleanAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  let v = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  v = v.trim().replace(/^<+|>+$/g, '').trim();
  v = v.replace(/^(@[^:,]+[,:])+/, '');
  v = v.replace(/\+([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const m = /([^\s<>"'(),;:]+@[A-Za-z0-9.-]*[A-Za-z0-9])/.exec(v);
  return m ? m[1]!.toLowerCase().replace(/^['"]+/, '') : null;
}

export function statusOf(value: string | undefined): string | null {
  return /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(value ?? '')?.[0] ?? null;
}

export function readDsn(body: string): DsnRecipient[] {
  const blocks = fieldBlocks(body);
  return blocks
    .filter((f) => f['final-recipient'] || f['original-recipient'] || (f['action'] && f['status']))
    .map((f) => {
      // Final-Recipient is what the reporting MTA tried; Original-Recipient is
      // what we sent to (RFC 3464 §2.3.1) — prefer ours when both exist.
      const address = cleanAddress(f['original-recipient']) ?? cleanAddress(f['final-recipient']);
      const diagnostic = f['diagnostic-code']?.replace(/^(smtp|x-[a-z-]+|unix)\s*;\s*/i, '').trim() || null;
      return { address, action: f['action']?.toLowerCase().trim() ?? null, status: statusOf(f['status']), diagnostic };
    });
}

/** RFC 5965 feedback report: who complained (Original-Rcpt-To), what kind. */
export function readFeedback(body: string): { feedbackType: string | null; recipients: string[] } {
  const fields: Record<string, string[]> = {};
  for (const line of body.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line.trim());
    if (m) (fields[m[1]!.toLowerCase()] ??= []).push(m[2]!.trim());
  }
  const recipients = (fields['original-rcpt-to'] ?? []).map(cleanAddress).filter((a): a is string => Boolean(a));
  return { feedbackType: fields['feedback-type']?.[0]?.toLowerCase() ?? null, recipients };
}
