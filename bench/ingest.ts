/**
 * `npm run bench -- ingest --count 2000`: N mails (mixed sizes, a third with a
 * 100 KB PDF) in a Dovecot mailbox, filed through the polling workflow, against
 * a plain imapflow fetch + mailparser loop over the same mailbox. `--warmup N`
 * (1) uncounted rounds first, `--rounds N` (1) measured rounds and their median
 * ratio; CPU per mail by place (bench/_cpu.ts) and the load average beside
 * every figure.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { startDovecot } from '../tests/helpers/dovecot';
import { ensureMailboxWorkflow } from '../src/reception/mailbox-workflow';
import { cpuMeter, formatCpu, rowWrites } from './_cpu';
import { load, mark, median, profiled, report, startBenchMailroom } from './_harness';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100 * 1024, 0x42)]);

function mail(i: number): string {
  const from = i % 2 === 0 ? `member${i % 50}@club.example` : `stranger${i}@elsewhere.example`;
  const text = `Message ${i}\r\n` + 'Lorem ipsum dolor sit amet. '.repeat(1 + (i % 7) * 40);
  const head = [`From: ${from}`, 'To: documents@club.example', `Subject: Document ${i}`, `Message-ID: <bench-${i}@club.example>`, 'MIME-Version: 1.0'];
  if (i % 3 !== 0) return [...head, 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n');
  return [...head, 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', text, '--b',
    'Content-Type: application/pdf', `Content-Disposition: attachment; filename="doc-${i}.pdf"`, 'Content-Transfer-Encoding: base64', '', PDF.toString('base64').replace(/.{76}/g, '$&\r\n'), '--b--', ''].join('\r\n');
}

export default async function ingest({ count, profile, rounds = 1, warmup = 1 }: { count: number; profile?: string; rounds?: number; warmup?: number }): Promise<void> {
  const dovecot = await startDovecot();
  dovecot.addUser('documents', 'pw');
  const imap = { host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: 'documents', pass: 'pw' }, logger: false } as const;
  const client = new ImapFlow(imap);
  await client.connect();
  for (let i = 0; i < count; i++) await client.append('INBOX', mail(i));
  await client.logout();
  process.stdout.write(`ingest: ${count} mails appended to Dovecot\n`);

  // Dovecot listens on loopback, which the outbound policy refuses by default with DATABASE_URL set.
  const mr = await startBenchMailroom({ MAILROOM_OUTBOUND_ALLOW: '127.0.0.0/8,::1/128' });
  try {
    const ratios: number[] = [];
    // `--rounds N`: the plain loop and the workflow N times in turn (each round a new mailbox
    // record, so the workflow stores everything again), then the median ratio: on a shared
    // machine one run's ratio swings with the other sessions' load.
    // `--warmup N` (1) rounds first, not counted: the plain loop ran cold before, while the
    // workflow that followed found mailparser and imapflow already optimised by it.
    for (let round = 1 - warmup; round <= rounds; round++) {
      // Baseline: fetch every message and parse it, nothing stored.
      let meter = cpuMeter(undefined, undefined);
      const plainLoad = load();
      mark('plain-start');
      let t = Date.now();
      const plain = new ImapFlow(imap);
      await plain.connect();
      await plain.mailboxOpen('INBOX', { readOnly: true });
      let parsed = 0;
      for await (const msg of plain.fetch('1:*', { source: true })) {
        await simpleParser(msg.source!);
        parsed += 1;
      }
      await plain.logout();
      const baseline = { label: 'plain imapflow + mailparser loop', count: parsed, seconds: (Date.now() - t) / 1000, load: `${plainLoad}–${load()}` };
      mark('plain-end');
      const plainCpu = await meter.stop();

      // An organisation a round (one mailbox each), with the 50 members half the mail comes from.
      const organizationId = round === 1 - warmup ? mr.organizationId : (await mr.db.prisma.organization.create({ data: { name: `Bench ${round + warmup}` } })).id;
      for (let k = 0; k < 50; k++) {
        await mr.db.prisma.member.create({ data: { organizationId, firstName: `M${k}`, lastName: 'Bench', emails: { create: [{ organizationId, address: `member${k}@club.example`, normalized: `member${k}@club.example` }] } } });
      }
      const box = await mr.db.prisma.mailboxAccount.create({
        data: { organizationId, host: dovecot.host, port: dovecot.port, security: 'none', username: 'documents', passwordEnc: mr.app.secrets.encrypt('pw'), pollIntervalSeconds: 3600 },
      });
      const writes = await rowWrites(mr.db.sql, mr.applicationName);
      meter = cpuMeter(mr.db.sql, mr.applicationName);
      await meter.ready;
      const durableLoad = load();
      mark('durable-start');
      t = Date.now();
      await profiled(round === rounds ? profile : undefined, async () => {
        await ensureMailboxWorkflow(mr.app.temporal, mr.app.config, box);
        // Done when the last mail is in: asked every 10 ms through the driver (~0.1 ms of CPU a
        // time; through Prisma every 50 ms it noticed the end 25 ms late on average).
        for (;;) {
          const [row] = await mr.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "ReceivedMail" WHERE "mailboxId" = $1', [box.id]);
          if (row!.n >= count) break;
          await new Promise((r) => setTimeout(r, 10));
        }
      });
      const durable = { label: 'mailbox-poll workflow (stored+filed)', count, seconds: (Date.now() - t) / 1000, load: `${durableLoad}–${load()}` };
      mark('durable-end');
      const durableCpu = await meter.stop();
      const written = await writes(count);
      const filed = await mr.db.prisma.receivedMail.count({ where: { mailboxId: box.id, category: 'filed' } });
      if (round < 1) {
        process.stdout.write(`ingest: warm-up round done, not counted (${(count / durable.seconds).toFixed(0)} and ${(count / baseline.seconds).toFixed(0)} mails/s)\n`);
        continue;
      }
      if (rounds > 1) process.stdout.write(`ingest: round ${round}\n`);
      ratios.push(report('ingest', [durable, baseline]));
      process.stdout.write(`${formatCpu('ingest: workflow', durableCpu, count)}\n${formatCpu('ingest: plain   ', plainCpu, count)}\n`);
      if (written) process.stdout.write(`ingest: rows written per mail: ${written}\n`);
      process.stdout.write(`ingest: ${filed} filed on members, ${count - filed} left for staff; database: ${mr.db.kind}\n`);
    }
    if (rounds > 1) process.stdout.write(`ingest: ratios ${ratios.map((r) => r.toFixed(2)).join(' ')}, median ${median(ratios).toFixed(2)}\n`);
  } finally {
    await mr.stop();
    await dovecot.close();
  }
}
