/**
 * `npm run bench -- invoice-batch --count 2000`: N invoices with a 100 KB PDF
 * each through the batch workflow to a local SMTP server, then the same N
 * messages with a plain pooled nodemailer loop to the same server: by default
 * a sink in a worker thread that reads and counts (bench/_smtp-sink.ts);
 * `--server recording` uses the tests' recording server instead, which parses
 * every message on the bench's main thread (how figures before December 2026
 * were taken: it adds the same CPU to both sides and flatters the ratio).
 * `--warmup N` (1000) messages each way first, not counted; `--rounds N` (1)
 * measurements in turn and their median ratio. CPU per message is printed by
 * place (bench/_cpu.ts), with the load average beside every figure.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { startRecordingSmtpServer } from '../tests/helpers/smtp-server';
import { startSmtpSink, type SmtpSink } from './_smtp-sink';
import { startInvoiceBatch } from '../src/invoices/start-batch';
import { composingThreadId } from '../src/mail/stored-message';
import { cpuMeter, formatCpu, rowWrites } from './_cpu';
import { load, mark, median, profiled, report, startBenchMailroom } from './_harness';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100 * 1024, 0x43)]);

/** The two servers behind one face: how many messages arrived, to how many addresses. */
async function receiver(kind: string): Promise<Pick<SmtpSink, 'host' | 'port' | 'url' | 'counts' | 'reset' | 'close'> & { tid?: number }> {
  if (kind !== 'recording') return startSmtpSink();
  const smtp = await startRecordingSmtpServer();
  return {
    host: smtp.host, port: smtp.port, url: smtp.url, close: () => smtp.close(),
    counts: async () => ({ messages: smtp.messages.length, recipients: new Set(smtp.messages.flatMap((m) => m.envelope.rcptTo)).size, bytes: smtp.messages.reduce((n, m) => n + m.raw.length, 0) }),
    reset: async () => smtp.reset(),
  };
}

export default async function invoiceBatch({ count, profile, server = 'sink', warmup = 1000, rounds = 1 }: { count: number; profile?: string; server?: string; warmup?: number; rounds?: number }): Promise<void> {
  const smtp = await receiver(server);
  const mr = await startBenchMailroom({ SMTP_URL: smtp.url, INVOICE_BATCH_RATE_PER_MINUTE: '1000000', INVOICE_BATCH_CONCURRENCY: '10' });
  try {
    const { prisma } = mr.db;
    const structure = await prisma.structure.create({ data: { organizationId: mr.organizationId, name: 'Résidence Bench' } });
    const doc = await mr.app.storage.put(PDF);
    const fill = async (period: string, prefix: string, total: number) => {
      for (let i = 0; i < total; i += 500) {
        const n = Math.min(500, total - i);
        const members = await prisma.member.createManyAndReturn({ data: Array.from({ length: n }, (_, k) => ({ organizationId: mr.organizationId, structureId: structure.id, firstName: `R${i + k}`, lastName: 'Bench' })) });
        await prisma.memberEmail.createMany({ data: members.map((m, k) => ({ organizationId: mr.organizationId, memberId: m.id, address: `${prefix}${i + k}@bench.example`, normalized: `${prefix}${i + k}@bench.example` })) });
        const docs = await prisma.document.createManyAndReturn({ data: members.map((m, k) => ({ organizationId: mr.organizationId, memberId: m.id, filename: `Facture ${i + k}.pdf`, contentType: 'application/pdf', kind: 'invoice', size: doc.size, sha256: doc.sha256, storageKey: doc.key })) });
        await prisma.invoice.createMany({ data: members.map((m, k) => ({ organizationId: mr.organizationId, structureId: structure.id, memberId: m.id, number: `${prefix}-${i + k}`, period, amountExclTaxCents: 210000, amountInclTaxCents: 221550, documentId: docs[k]!.id })) });
      }
    };
    const sendBatch = async (period: string) => {
      const started = await startInvoiceBatch({ prisma, temporal: mr.app.temporal, config: mr.app.config }, { organizationId: mr.organizationId, structureId: structure.id, period });
      await mr.app.temporal.workflow.getHandle(started.workflowId).result();
      return started;
    };
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 10, maxMessages: 1000 } as SMTPTransport.Options);
    const sendPlain = (prefix: string, total: number) => {
      const queue = Array.from({ length: total }, (_, i) => i);
      return Promise.all(
        Array.from({ length: 10 }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
            await transport.sendMail({ from: 'facturation@bench.example', to: `${prefix}${i}@bench.example`, subject: `Facture ${prefix}-${i}`, text: 'Vous trouverez ci-joint la facture.', attachments: [{ filename: `Facture ${i}.pdf`, content: PDF }] });
          }
        }),
      );
    };
    // Both sides warmed alike first: the durable path ran cold before, while the plain loop
    // that followed found nodemailer's code already optimised by it (--warmup 0: the old way). 1,000
    // and not 200: after 200 the durable side still compiled (TurboFan on V8's helper threads) ~1,250
    // functions in the next 2,000 messages, ~4 ms of CPU a message, against 5 on the plain side.
    if (warmup > 0) {
      await fill('2026-01', 'warmup', warmup);
      await sendBatch('2026-01');
      await sendPlain('warmup', warmup);
      await smtp.reset();
      process.stdout.write(`invoice-batch: warmed up with ${warmup} messages each way, not counted\n`);
    }
    const composing = composingThreadId();
    const named = { ...(smtp.tid ? { [smtp.tid]: 'SMTP sink' } : {}), ...(composing ? { [composing]: 'composing thread' } : {}) };
    const ratios: number[] = [];
    // `--rounds N`: the batch and the plain loop N times in turn (a new period of invoices each
    // round), then the median ratio: one run's ratio swings with the other sessions' load.
    for (let round = 1; round <= rounds; round++) {
      const period = `2026-${String(round + 1).padStart(2, '0')}`;
      await fill(period, `r${round}-`, count);
      process.stdout.write(`invoice-batch: ${rounds > 1 ? `round ${round}: ` : ''}${count} invoices with a ${PDF.length / 1024} KB PDF each\n`);
      const writes = await rowWrites(mr.db.sql, mr.applicationName);
      let meter = cpuMeter(mr.db.sql, mr.applicationName, named);
      await meter.ready;
      const loadBefore = load();
      mark('durable-start');
      let t = Date.now();
      const { batch, workflowId } = await profiled(round === rounds ? profile : undefined, () => sendBatch(period));
      const durable = { label: 'invoice-batch workflow', count: batch.total, seconds: (Date.now() - t) / 1000, load: `${loadBefore}–${load()}` };
      mark('durable-end');
      const durableCpu = await meter.stop();
      const written = await writes(batch.total);
      const received = await smtp.counts();
      await smtp.reset();

      meter = cpuMeter(undefined, undefined, named);
      const plainLoadBefore = load();
      mark('plain-start');
      t = Date.now();
      await profiled(round === rounds && profile ? `${profile}.plain` : undefined, () => sendPlain(`r${round}-`, count));
      const plain = { label: 'plain pooled nodemailer loop', count, seconds: (Date.now() - t) / 1000, load: `${plainLoadBefore}–${load()}` };
      mark('plain-end');
      const plainCpu = await meter.stop();
      await smtp.reset();
      ratios.push(report('invoice-batch', [durable, plain]));
      process.stdout.write(`${formatCpu('invoice-batch: workflow', durableCpu, batch.total)}\n${formatCpu('invoice-batch: plain   ', plainCpu, count)}\n`);
      if (written) process.stdout.write(`invoice-batch: rows written per message: ${written}\n`);
      const histories = [];
      for await (const wf of mr.app.temporal.workflow.list({ query: `WorkflowId STARTS_WITH "${workflowId}"` })) histories.push(wf.historyLength);
      process.stdout.write(`invoice-batch: ${received.messages} messages to ${received.recipients} addresses received from the workflow (server: ${server === 'recording' ? 'recording, parsing on the main thread' : 'sink in a worker thread'}); ${histories.length} workflow runs, longest history ${Math.max(...histories)} events; database: ${mr.db.kind}\n`);
    }
    transport.close();
    if (rounds > 1) process.stdout.write(`invoice-batch: ratios ${ratios.map((r) => r.toFixed(2)).join(' ')}, median ${median(ratios).toFixed(2)}\n`);
  } finally {
    await mr.stop();
    await smtp.close();
  }
}
