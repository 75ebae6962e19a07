import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { startInvoiceBatch } from '../../invoices/start-batch';
import { batchProgressQuery } from '../../shared/invoice-batch';
import { workflowIds } from '../../shared/names';
import type { CliContext } from '../context';

async function follow(ctx: CliContext, batchId: string, live: boolean): Promise<void> {
  const { prisma } = await ctx.db();
  const temporal = await ctx.temporal();
  const batch = await prisma.invoiceBatch.findUniqueOrThrow({ where: { id: batchId } });
  const counts = async () => {
    const g = await prisma.invoiceBatchItem.groupBy({ by: ['status'], where: { batchId }, _count: { _all: true } });
    const n = (s: string) => g.find((x) => x.status === s)?._count._all ?? 0;
    return { sent: n('sent'), failed: n('failed'), cancelled: n('cancelled'), pending: n('pending') };
  };
  if (!live) {
    const c = await counts();
    const b = await prisma.invoiceBatch.findUniqueOrThrow({ where: { id: batchId } });
    ctx.out(`batch ${b.id}  ${b.period}  ${b.status}  total ${b.total}  sent ${c.sent}  failed ${c.failed}  cancelled ${c.cancelled}  pending ${c.pending}`);
    for (const f of await prisma.invoiceBatchItem.findMany({ where: { batchId, status: 'failed' }, include: { invoice: true }, take: 20 })) ctx.out(`  failed: ${f.invoice.number} ${f.address}: ${f.error}`);
    return;
  }
  const bar = new cliProgress.SingleBar(
    { format: 'invoices |{bar}| {value}/{total} sent, {failed} failed, {rate}/min, ETA {etaText}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(batch.total, 0, { failed: 0, rate: 0, etaText: '…' });
  const handle = temporal.workflow.getHandle(workflowIds.invoiceBatch(batchId));
  for (;;) {
    const b = await prisma.invoiceBatch.findUniqueOrThrow({ where: { id: batchId } });
    const c = await counts();
    const p = b.status === 'running' || b.status === 'paused' ? await handle.query(batchProgressQuery).catch(() => null) : null;
    const eta = p?.etaSeconds;
    bar.update(c.sent, { failed: c.failed, rate: p?.ratePerMinute ?? 0, etaText: eta === null || eta === undefined ? '…' : `${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s` });
    if (b.status !== 'running' && b.status !== 'paused') {
      bar.stop();
      ctx.out(`batch ${b.status}: ${c.sent} sent, ${c.failed} failed, ${c.cancelled} cancelled`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function registerBatchCommands(program: Command, ctx: CliContext): void {
  program
    .command('batch:send')
    .description("send a period's invoices of a structure and follow the batch with a progress bar")
    .requiredOption('--period <YYYY-MM>', 'period')
    .requiredOption('--structure <id>', 'structure id')
    .option('--all', 'every invoice of the period that has an address')
    .option('--invoices <ids>', 'comma-separated invoice ids')
    .option('--no-follow', 'start it and return')
    .action(async (opts: { period: string; structure: string; all?: boolean; invoices?: string; follow: boolean }) => {
      if (!opts.all && !opts.invoices) throw new Error('give --all or --invoices a,b,c');
      const { prisma } = await ctx.db();
      const structure = await prisma.structure.findUnique({ where: { id: opts.structure } });
      if (!structure) throw new Error(`no structure ${opts.structure}`);
      const { batch, skipped } = await startInvoiceBatch(
        { prisma, temporal: await ctx.temporal(), config: ctx.config },
        { organizationId: structure.organizationId, structureId: structure.id, period: opts.period, invoiceIds: opts.all ? undefined : opts.invoices!.split(',').map((s) => s.trim()).filter(Boolean) },
      );
      ctx.out(`batch ${batch.id}: ${batch.total} messages${skipped.length ? `, ${skipped.length} invoices without a working address skipped` : ''}`);
      if (opts.follow) await follow(ctx, batch.id, true);
    });

  program
    .command('batch:status')
    .description('show where a batch is (add --follow for a live progress bar)')
    .argument('<batchId>')
    .option('--follow', 'follow until it ends')
    .action(async (batchId: string, opts: { follow?: boolean }) => follow(ctx, batchId, Boolean(opts.follow)));
}
