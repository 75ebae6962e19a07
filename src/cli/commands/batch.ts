import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { CliError, type ApiClient } from '../client';
import type { CliContext } from '../context';

/** Invoice batches through the API: start one, follow it with a live progress bar. */
interface BatchView {
  id: string;
  status: string;
  period: string;
  progress: { state: string; total: number; sent: number; failed: number; cancelled: number; pending: number; ratePerMinute: number | null; etaSeconds: number | null };
  items: { items: { number: string; address: string; error: string | null }[] };
}

const active = (status: string) => status === 'running' || status === 'paused';
const eta = (s: number | null) => (s === null ? '…' : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`);

async function follow(ctx: CliContext, api: ApiClient, batchId: string, live: boolean): Promise<void> {
  const path = `/invoice-batches/${encodeURIComponent(batchId)}`;
  if (!live) {
    const b = await api.get<BatchView>(path, { status: 'failed', pageSize: 20 });
    const p = b.progress;
    ctx.out(`batch ${b.id}  ${b.period}  ${b.status}  total ${p.total}  sent ${p.sent}  failed ${p.failed}  cancelled ${p.cancelled}  pending ${p.pending}`);
    for (const f of b.items.items) ctx.out(`  failed: ${f.number} ${f.address}: ${f.error}`);
    return;
  }
  let b = await api.get<BatchView>(path, { pageSize: 1 });
  const bar = new cliProgress.SingleBar(
    { format: 'invoices |{bar}| {value}/{total} sent, {failed} failed, {rate}/min, ETA {etaText}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(b.progress.total, b.progress.sent, { failed: b.progress.failed, rate: 0, etaText: '…' });
  for (;;) {
    const p = b.progress;
    bar.update(p.sent, { failed: p.failed, rate: p.ratePerMinute ?? 0, etaText: eta(p.etaSeconds) });
    if (!active(b.status)) {
      bar.stop();
      ctx.out(`batch ${b.status}: ${p.sent} sent, ${p.failed} failed, ${p.cancelled} cancelled`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
    b = await api.get<BatchView>(path, { pageSize: 1 });
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
      if (!opts.all && !opts.invoices) throw new CliError('give --all or --invoices a,b,c');
      const api = ctx.api();
      const invoiceIds = opts.all ? undefined : opts.invoices!.split(',').map((s) => s.trim()).filter(Boolean);
      const batch = await api.post<{ id: string; total: number; skipped: unknown[] }>('/invoice-batches', { period: opts.period, structureId: opts.structure, invoiceIds });
      ctx.out(`batch ${batch.id}: ${batch.total} messages${batch.skipped.length ? `, ${batch.skipped.length} invoices without a working address skipped` : ''}`);
      if (opts.follow) await follow(ctx, api, batch.id, true);
    });

  program
    .command('batch:status')
    .description('show where a batch is (add --follow for a live progress bar)')
    .argument('<batchId>')
    .option('--follow', 'follow until it ends')
    .action(async (batchId: string, opts: { follow?: boolean }) => follow(ctx, ctx.api(), batchId, Boolean(opts.follow)));
}
