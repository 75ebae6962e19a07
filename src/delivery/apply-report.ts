import { Prisma } from '../generated/prisma/client';
import { isAlertTemplate, raiseAlert, type AlertDeps } from '../alerts/raise-alert';
import { parseDeliveryReport, type ParsedReport } from './parse-report';
import { flagInvalidAddress, setRecipientStatus } from './recipients';

export interface AppliedReport {
  kind: 'hard' | 'soft' | 'delivered' | 'auto-reply' | 'unmatched' | 'ignored' | 'duplicate';
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
 * `imap:<mailbox>:<uidvalidity>:<uid>`): hard bounce → recipient bounced,
 * address flagged invalid, message `bounced` when no recipient got it, staff
 * alerted; delay → noted; delivered → recorded; out-of-office → ignored.
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

  if (report.autoReply) {
    await record([{ kind: 'auto-reply', sentEmailId: sentEmail?.id ?? null, matchedBy }]);
    return { kind: 'auto-reply', sentEmailId: sentEmail?.id ?? null, matchedBy, recipients: [] };
  }
  if (!report.isReport || !report.recipients.length) {
    await record([{ kind: 'ignored', sentEmailId: null, diagnostic: report.subject.slice(0, 300) }]);
    return { kind: 'ignored', sentEmailId: null, matchedBy: null, recipients: [] };
  }
  if (!sentEmail) {
    await record(report.recipients.map((r) => ({ kind: 'unmatched', recipient: r.recipient, action: r.action, status: r.status, diagnostic: r.diagnostic })));
    return { kind: 'unmatched', sentEmailId: null, matchedBy: null, recipients: report.recipients.map((r) => r.recipient ?? '') };
  }
  // Claim the report first: a concurrent or repeated sync stops here.
  const claimed = await record(
    report.recipients.map((r) => ({ kind: r.kind === 'unknown' ? 'soft' : r.kind, sentEmailId: sentEmail.id, recipient: r.recipient, action: r.action, status: r.status, diagnostic: r.diagnostic, matchedBy })),
  );
  if (!claimed) return { kind: 'duplicate', sentEmailId: sentEmail.id, matchedBy, recipients: [] };

  // A report naming no recipient we know is about the message's only recipient.
  const fallback = sentEmail.to.length + sentEmail.cc.length + sentEmail.bcc.length === 1 ? [...sentEmail.to, ...sentEmail.cc, ...sentEmail.bcc][0]! : null;
  let strongest: AppliedReport['kind'] = 'soft';
  for (const r of report.recipients) {
    const recipient = r.recipient ?? fallback;
    if (!recipient) continue;
    const reason = [r.status, r.diagnostic].filter(Boolean).join(' ');
    if (r.kind === 'hard') {
      strongest = 'hard';
      await setRecipientStatus(prisma, sentEmail.id, recipient, 'bounced', reason);
      await flagInvalidAddress(prisma, organizationId, recipient, reason || 'hard bounce');
      if (!isAlertTemplate(sentEmail.templateKey)) await raiseAlert(deps, { organizationId, sentEmailId: sentEmail.id, recipient, status: 'bounced', reason });
    } else if (r.kind === 'delivered') {
      if (strongest !== 'hard') strongest = 'delivered';
      await setRecipientStatus(prisma, sentEmail.id, recipient, 'delivered', reason);
    } else {
      await setRecipientStatus(prisma, sentEmail.id, recipient, 'delayed', reason);
    }
  }
  if (strongest === 'hard') await markBouncedIfNobodyGotIt(deps, sentEmail.id, report);
  return { kind: strongest, sentEmailId: sentEmail.id, matchedBy, recipients: report.recipients.map((r) => r.recipient ?? fallback ?? '') };
}

/** A message is `bounced` only when every recipient bounced or was refused; one bad Cc marks only itself. */
async function markBouncedIfNobodyGotIt(deps: AlertDeps, sentEmailId: string, report: ParsedReport): Promise<void> {
  const { prisma } = deps;
  const email = await prisma.sentEmail.findUniqueOrThrow({ where: { id: sentEmailId }, include: { recipients: true } });
  const all = [...email.to, ...email.cc, ...email.bcc].length;
  const dead = email.recipients.filter((r) => r.status === 'bounced' || r.status === 'rejected').length;
  if (dead >= all) {
    const reason = report.recipients.map((r) => [r.status, r.diagnostic].filter(Boolean).join(' ')).join('; ');
    await prisma.sentEmail.update({ where: { id: sentEmailId }, data: { status: 'bounced', lastError: reason || 'bounced', failedAt: new Date() } });
  }
}
