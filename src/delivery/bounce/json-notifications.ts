import type { Reason } from '../reasons';
import { cleanAddress, statusOf } from './dsn';

/**
 * Sending services that report bounces as JSON instead of mail: Amazon SES
 * notifications (bare or inside an SNS envelope) and Postmark / SendGrid /
 * Mailgun webhook bodies saved to a file or mailed as text.
 */
export interface JsonRecipient {
  address: string;
  status: string | null;
  diagnostic: string;
  action: string;
  /** A reason the service stated itself (e.g. SES Permanent/NoEmail), when it is unambiguous. */
  stated: Reason | null;
}

export function readJsonNotification(text: string): { kind: 'bounce' | 'complaint' | 'delivery'; recipients: JsonRecipient[] } | null {
  const start = text.indexOf('{');
  if (start < 0 || start > 200) return null;
  const body = text.slice(start, text.lastIndexOf('}') + 1);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // A long line folded by a mail transport (RFC 5322 §2.2.3) breaks a string in two: unfold, then retry.
    try {
      doc = JSON.parse(body.replace(/\r?\n[ \t]/g, '')) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  if (doc.Type === 'Notification' && typeof doc.Message === 'string') return readJsonNotification(doc.Message);
  const type = String(doc.notificationType ?? doc.eventType ?? doc.RecordType ?? doc.Type ?? doc.event ?? '').toLowerCase();
  if (type === 'bounce' || type === 'hardbounce' || type === 'softbounce' || type === 'bounced' || type === 'failed' || type === 'dropped') {
    const b = (doc.bounce ?? {}) as Record<string, unknown>;
    const list = (b.bouncedRecipients as Record<string, unknown>[] | undefined) ?? [doc];
    const subType = String(b.bounceSubType ?? '');
    const recipients = list.flatMap((r) => {
      const address = cleanAddress(String(r.emailAddress ?? r.Email ?? r.email ?? r.recipient ?? ''));
      if (!address) return [];
      const diagnostic = String(r.diagnosticCode ?? doc.Details ?? doc.Description ?? doc.reason ?? (doc['delivery-status'] as Record<string, unknown> | undefined)?.message ?? '');
      const status = statusOf(String(r.status ?? '')) ?? statusOf(diagnostic);
      return [{ address, status, diagnostic, action: String(r.action ?? 'failed'), stated: statedReason(subType) }];
    });
    return { kind: 'bounce', recipients };
  }
  if (type === 'complaint' || type === 'spamcomplaint' || type === 'spamreport') {
    const c = (doc.complaint ?? {}) as Record<string, unknown>;
    const list = (c.complainedRecipients as Record<string, unknown>[] | undefined) ?? [doc];
    const recipients = list.flatMap((r) => {
      const address = cleanAddress(String(r.emailAddress ?? r.Email ?? r.email ?? r.recipient ?? ''));
      return address ? [{ address, status: null, diagnostic: String(c.complaintFeedbackType ?? 'abuse'), action: 'complaint', stated: 'complaint' as Reason }] : [];
    });
    return { kind: 'complaint', recipients };
  }
  if (type === 'delivery' || type === 'delivered') {
    const d = (doc.delivery ?? {}) as Record<string, unknown>;
    const list = (d.recipients as string[] | undefined) ?? [String(doc.Recipient ?? doc.email ?? doc.recipient ?? '')];
    const recipients = list.flatMap((a) => {
      const address = cleanAddress(a);
      return address ? [{ address, status: '2.0.0', diagnostic: String(d.smtpResponse ?? ''), action: 'delivered', stated: 'delivered' as Reason }] : [];
    });
    return { kind: 'delivery', recipients };
  }
  return null;
}

// SES bounce types: https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
function statedReason(subType: string): Reason | null {
  switch (subType) {
    case 'NoEmail':
      return 'user-unknown';
    case 'MailboxFull':
      return 'mailbox-full';
    case 'MessageTooLarge':
      return 'message-too-big';
    case 'ContentRejected':
    case 'AttachmentRejected':
      return 'policy-violation';
    case 'Suppressed':
    case 'OnAccountSuppressionList':
      return 'undetermined';
    default:
      return null;
  }
}
