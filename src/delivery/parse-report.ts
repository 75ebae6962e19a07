import { readBounce, type BounceRecipient } from './bounce/read-bounce';
import { REASONS, type Reason } from './reasons';

/**
 * What a returned mail says about delivery, in the shape apply-report.ts
 * works with. The reading itself is the bounce pipeline (./bounce/): RFC 3464
 * / RFC 6533 reports anywhere in the MIME tree, RFC 5965 complaints, JSON
 * notifications and the plain-text formats of the common servers.
 */
export type ReportKind = 'hard' | 'soft' | 'delivered' | 'auto-reply' | 'complaint';

export interface RecipientReport {
  recipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  reason: Reason;
  /** Only reasons that prove the address cannot receive mail (reasons.ts). */
  deadAddress: boolean;
  kind: ReportKind;
}

export interface ParsedReport {
  /** Whether the mail is a delivery report at all (bounce, delay, delivery, complaint). */
  isReport: boolean;
  autoReply: boolean;
  complaint: boolean;
  recipients: RecipientReport[];
  /** Identifiers of the original message found in the returned headers or text. */
  original: { messageId: string | null; mailroomId: string | null };
  /** Addresses the report was sent to (for VERP: bounces+<id>@domain). */
  addressedTo: string[];
  subject: string;
  date: Date | null;
}

export function kindOf(r: Pick<BounceRecipient, 'reason' | 'deadAddress'>): ReportKind {
  const cls = REASONS[r.reason].class;
  if (r.deadAddress) return 'hard';
  if (cls === 'delivered') return 'delivered';
  if (cls === 'auto-reply') return 'auto-reply';
  if (cls === 'complaint') return 'complaint';
  return 'soft';
}

export async function parseDeliveryReport(raw: Buffer): Promise<ParsedReport> {
  const v = readBounce(raw);
  const autoReply = v.kind === 'auto-reply';
  return {
    isReport: v.recognised && !autoReply,
    autoReply,
    complaint: v.kind === 'complaint',
    recipients: autoReply ? [] : v.recipients.map((r) => ({ recipient: r.address, action: r.action, status: r.status, diagnostic: r.diagnostic, reason: r.reason, deadAddress: r.deadAddress, kind: kindOf(r) })),
    original: v.original,
    addressedTo: v.addressedTo,
    subject: v.subject,
    date: v.date,
  };
}
