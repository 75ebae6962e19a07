import { Prisma } from '../generated/prisma/client';
import { isAlertTemplate, raiseAlert, type AlertDeps, type AlertStatus } from '../alerts/raise-alert';
import { applyAddressOutcome, recordComplaint } from './consequences';
import { parseDeliveryReport, type ParsedReport, type RecipientReport } from './parse-report';
import { REASONS } from './reasons';
import { setRecipientStatus } from './recipients';

export interface AppliedReport {
  kind: 'hard' | 'soft' | 'delivered' | 'auto-reply' | 'complaint' | 'unmatched' | 'ignored' | 'duplicate';
  sentEmailId: string | null;
  matchedBy: 'verp' | 'header' | 'message-id' | null;
  recipients: string[];
}
const VERP = /^bounces\+([A-Za-z0-9-]+)@(.+)$/i;

/** Finds the sent message a report is about: VERP address, then our header, then the original Message-ID. */
export async function correlate(deps: Pick<AlertDeps, 'prisma'>, organizationId: string, report: ParsedReport) {
  const { prisma } = deps;
  for (const addr of report.addressedTo) {
    const m = VERP.exec(addr);
    if (!m) continue;
    const hit = await prisma.sentEmail.findFirst({ where: { id: m[1]!, organizationId } });
    if (hit) return { sentEmail: hit, matchedBy: 'verp' as const };
  }
  if (report.original.mailroomId) {
    const hit = await prisma.sentEmail.findFirst({ where: { id: report.original.mailroomId, organizationId } });
    if (hit) return { sentEmail: hit, matchedBy: 'header' as const };
  }
  if (report.original.messageId) {
    const hit = await prisma.sentEmail.findFirst({ where: { messageId: report.original.messageId, organizationId } });
    if (hit) return { sentEmail: hit, matchedBy: 'message-id' as const };
  }
  return { sentEmail: null, matchedBy: null };
}

/**
 * Applies one delivery report exactly once (keyed by `sourceKey`, e.g.
 * `imap:<mailbox>:<uidvalidity>:<uid>`). Every recipient gets a reason from
 * the one table (reasons.ts) and the consequences follow from it: a dead
 * address is flagged invalid; any other failure marks the recipient (and the
 * message, when nobody got it) bounced with its reason and leaves the address
 * alone (soft-bounce streaks aside, consequences.ts); an authentication
 * failure of our mail alerts about the sending set-up; a complaint stops
 * non-essential mail to the member; a delay is noted; out-of-office ignored.
 */
export async function applyDeliveryReport(deps: AlertDeps, organizationId: string, sourceKey: string, raw: Buffer): Promise<AppliedReport> {
  const { prisma } = deps;
  if (await prisma.deliveryReport.findFirst({ where: { organizationId, sourceKey: { in: [sourceKey, `${sourceKey}#0`] } }, select: { id: true } })) {
    return { kind: 'duplicate', sentEmailId: null, matchedBy: null, recipients: [] };
  }
  const report = await parseDeliveryReport(raw);
  const { sentEmail, matchedBy } = await correlate(deps, organizationId, report);

  const record = async (rows: Omit<Prisma.DeliveryReportCreateManyInput, 'organizationId' | 'sourceKey'>[]) => {
    try {
      await prisma.deliveryReport.createMany({ data: rows.map((r, i) => ({ ...r, organizationId, sourceKey: rows.length === 1 ? sourceKey : `${sourceKey}#${i}`, reportedAt: report.date })) });
      return true;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return false;
      throw err;
    }
  };
  const rowOf = (r: RecipientReport, kind: string) => ({ kind, recipient: r.recipient, action: r.action, status: r.status, diagnostic: r.diagnostic?.slice(0, 2000) ?? null, reason: r.reason });

  if (report.autoReply) {
    await record([{ kind: 'auto-reply', reason: 'out-of-office', sentEmailId: sentEmail?.id ?? null, matchedBy }]);
    return { kind: 'auto-reply', sentEmailId: sentEmail?.id ?? null, matchedBy, recipients: [] };
  }
  if (!report.isReport || !report.recipients.length) {
    await record([{ kind: 'ignored', sentEmailId: null, diagnostic: report.subject.slice(0, 300) }]);
    return { kind: 'ignored', sentEmailId: null, matchedBy: null, recipients: [] };
  }
  if (!sentEmail) {
    const claimed = await record(report.recipients.map((r) => rowOf(r, 'unmatched')));
    // A complaint is about the member whoever sent the message: stop non-essential mail anyway.
    if (claimed && report.complaint) for (const r of report.recipients) if (r.recipient) await recordComplaint(prisma, organizationId, r.recipient);
    return { kind: 'unmatched', sentEmailId: null, matchedBy: null, recipients: report.recipients.map((r) => r.recipient ?? '') };
  }
  // Claim the report first: a concurrent or repeated sync stops here.
  const claimed = await record(report.recipients.map((r) => ({ ...rowOf(r, r.kind), sentEmailId: sentEmail.id, matchedBy })));
  if (!claimed) return { kind: 'duplicate', sentEmailId: sentEmail.id, matchedBy, recipients: [] };

  // A report naming no recipient we know is about the message's only recipient.
  const all = [...sentEmail.to, ...sentEmail.cc, ...sentEmail.bcc];
  const fallback = all.length === 1 ? all[0]! : null;
  const alerts = !isAlertTemplate(sentEmail.templateKey);
  let strongest: AppliedReport['kind'] = 'soft';
  let firstFailure: RecipientReport | null = null;
  for (const r of report.recipients) {
    const recipient = r.recipient ?? fallback;
    if (!recipient) continue;
    const words = [r.status, r.diagnostic].filter(Boolean).join(' ');
    const alert = (status: AlertStatus) => (alerts ? raiseAlert(deps, { organizationId, sentEmailId: sentEmail.id, recipient, status, reason: words || null, bounceReason: r.reason }) : null);
    if (r.kind === 'complaint') {
      strongest = 'complaint';
      await recordComplaint(prisma, organizationId, recipient);
      await alert('complaint');
    } else if (r.kind === 'delivered') {
      if (strongest === 'soft') strongest = 'delivered';
      await setRecipientStatus(prisma, sentEmail.id, recipient, 'delivered', words, 'delivered');
      await applyAddressOutcome(prisma, organizationId, recipient, 'delivered', words);
    } else if (r.action === 'delayed' || r.reason === 'delayed') {
      await setRecipientStatus(prisma, sentEmail.id, recipient, 'delayed', words, r.reason);
    } else {
      if (r.deadAddress) strongest = 'hard';
      firstFailure ??= r;
      await setRecipientStatus(prisma, sentEmail.id, recipient, 'bounced', words, r.reason);
      await applyAddressOutcome(prisma, organizationId, recipient, r.reason, words);
      await alert(r.reason === 'auth-failure' ? 'sending-setup' : 'bounced');
    }
  }
  if (firstFailure) await markBouncedIfNobodyGotIt(deps, sentEmail.id, firstFailure);
  return { kind: strongest, sentEmailId: sentEmail.id, matchedBy, recipients: report.recipients.map((r) => r.recipient ?? fallback ?? '') };
}

/** A message is `bounced` only when every recipient bounced or was refused; one bad Cc marks only itself. */
async function markBouncedIfNobodyGotIt(deps: AlertDeps, sentEmailId: string, failure: RecipientReport): Promise<void> {
  const { prisma } = deps;
  const email = await prisma.sentEmail.findUniqueOrThrow({ where: { id: sentEmailId }, include: { recipients: true } });
  const all = [...email.to, ...email.cc, ...email.bcc].length;
  const dead = email.recipients.filter((r) => r.status === 'bounced' || r.status === 'rejected').length;
  if (dead >= all) {
    const words = [failure.status, failure.diagnostic].filter(Boolean).join(' ');
    await prisma.sentEmail.update({ where: { id: sentEmailId }, data: { status: 'bounced', bounceReason: failure.reason, lastError: words || REASONS[failure.reason].label, lastErrorCode: null, lastErrorParams: Prisma.DbNull, failedAt: new Date() } });
  }
}
