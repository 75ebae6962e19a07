import type { Client } from '@temporalio/client';
import { v7 as uuidv7 } from 'uuid';
import { bulkInsert } from '../db/bulk';
import type { Config } from '../config';
import type { InvoiceBatch, PrismaClient } from '../generated/prisma/client';
import { AppError, invalid, problem } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
import { workflowIds } from '../shared/names';
import { startAttributes } from '../temporal/search-attributes';
import type { InvoiceBatchInput } from '../workflows/invoice-batch';

export interface StartBatchInput {
  organizationId: string;
  structureId: string;
  period: string;
  invoiceIds?: string[];
  /** With no invoiceIds: every invoice of the period except these (the console's "all of the period" minus unticked rows). */
  excludeInvoiceIds?: string[];
  /** How many invoices with a working address the sender expects to send: a list that changed meanwhile is refused. */
  expectedCount?: number;
  /** Explicit (invoice, address) pairs: "resend the failed ones". */
  pairs?: { invoiceId: string; address: string; cc: string | null }[];
  parentBatchId?: string;
  createdByKeyId?: string;
}

/**
 * Creates the batch and its items — one per invoice per working address, or
 * one with the second address in Cc when the structure says so — and starts
 * `invoice-batch:<id>`. Invoices without a working address are reported, not sent.
 */
export async function startInvoiceBatch(deps: { prisma: PrismaClient; temporal: Client; config: Config }, input: StartBatchInput): Promise<{ batch: InvoiceBatch; workflowId: string; skipped: { invoiceId: string; reason: string }[] }> {
  const { prisma } = deps;
  const structure = await prisma.structure.findFirst({ where: { id: input.structureId, organizationId: input.organizationId } });
  if (!structure) throw invalid([fieldError('body.structureId', 'NO_SUCH_STRUCTURE')], 'structureId: no such structure');
  const skipped: { invoiceId: string; reason: string }[] = [];
  let items: { invoiceId: string; address: string; cc: string | null }[] = [];
  if (input.pairs) {
    items = input.pairs;
  } else {
    const ids = input.invoiceIds ?? [];
    const invoices = await prisma.invoice.findMany({
      where: {
        organizationId: input.organizationId, structureId: structure.id, period: input.period,
        ...(input.invoiceIds ? { id: { in: ids } } : input.excludeInvoiceIds?.length ? { id: { notIn: input.excludeInvoiceIds } } : {}),
      },
      include: { member: { include: { emails: { orderBy: { position: 'asc' } } } } },
      orderBy: [{ member: { lastName: 'asc' } }, { number: 'asc' }],
    });
    const unknown = ids.filter((id) => !invoices.some((i) => i.id === id));
    if (unknown.length) {
      throw new AppError('VALIDATION_FAILED', `invoiceIds: not invoices of this structure and period: ${unknown.slice(0, 10).join(', ')}`, { errors: [fieldError('body.invoiceIds', 'UNKNOWN_INVOICES', { count: unknown.length })] });
    }
    if (input.expectedCount !== undefined) {
      const sendable = invoices.filter((inv) => inv.member.emails.some((e) => !e.invalidAt)).length;
      if (sendable !== input.expectedCount) {
        throw problem('CONFLICT', 'SELECTION_CHANGED', { actualCount: sendable, expectedCount: input.expectedCount }, { extra: { reason: 'SELECTION_CHANGED', expectedCount: input.expectedCount, actualCount: sendable } });
      }
    }
    for (const inv of invoices) {
      const good = inv.member.emails.filter((e) => !e.invalidAt).slice(0, 2).map((e) => e.address);
      if (!good.length) skipped.push({ invoiceId: inv.id, reason: inv.member.emails.length ? 'every address is flagged invalid' : 'no email address' });
      else if (structure.invoiceSecondAddressCc) items.push({ invoiceId: inv.id, address: good[0]!, cc: good[1] ?? null });
      else for (const a of good) items.push({ invoiceId: inv.id, address: a, cc: null });
    }
  }
  // One message per invoice and address, even if a member lists the same address twice.
  const seen = new Set<string>();
  items = items.filter((it) => {
    const key = `${it.invoiceId}\n${it.address.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!items.length) throw problem('VALIDATION_FAILED', 'NOTHING_TO_SEND', {}, { errors: [fieldError('body.invoiceIds', 'NO_WORKING_ADDRESS')], extra: { skipped } });

  const batch = await prisma.invoiceBatch.create({ data: { organizationId: input.organizationId, structureId: structure.id, period: input.period, total: items.length, parentBatchId: input.parentBatchId ?? null, createdByKeyId: input.createdByKeyId ?? null } });
  // Bulk statements: a month of invoices is thousands of items (createMany cost ~0.5 ms of CPU a row).
  const now = new Date();
  for (let i = 0; i < items.length; i += 1000) {
    const rows = items.slice(i, i + 1000).map((it, k) => ({
      id: uuidv7(), batchId: batch.id, invoiceId: it.invoiceId, position: i + k, address: it.address, cc: it.cc, status: 'pending', error: null, sentEmailId: null, updatedAt: now,
    }));
    await bulkInsert(prisma, 'InvoiceBatchItem', rows);
  }
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: input.organizationId } });
  const workflowId = workflowIds.invoiceBatch(batch.id);
  await deps.temporal.workflow.start('invoiceBatchWorkflow', {
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowId,
    args: [{
      batchId: batch.id, organizationId: input.organizationId, total: items.length, chunkSize: deps.config.INVOICE_BATCH_CHUNK_SIZE, concurrency: deps.config.INVOICE_BATCH_CONCURRENCY,
      ratePerMinute: org.sendRatePerMinute ?? deps.config.INVOICE_BATCH_RATE_PER_MINUTE, throttleBackoffSeconds: deps.config.INVOICE_BATCH_THROTTLE_BACKOFF_SECONDS, heartbeatSeconds: deps.config.SEND_HEARTBEAT_SECONDS,
      chunkHistoryLimit: deps.config.INVOICE_BATCH_CHUNK_HISTORY_LIMIT,
    } satisfies InvoiceBatchInput],
    typedSearchAttributes: startAttributes(deps.config, input.organizationId),
    staticSummary: `Invoices ${input.period} — ${structure.name} (${items.length} messages)`,
  });
  return { batch, workflowId, skipped };
}
