/**
 * `npm run bench -- bookings --count 10000 [--single 1000] [--bulk-size 500] [--restart [kill]] [--profile dir]`:
 * the embedded default (`node scripts/start.js`: PGlite + Temporal dev server with
 * its SQLite file, in a fresh data folder) in a child process, driven through its
 * HTTP API. Creates `single` future bookings with one `POST /bookings` each (20
 * clients), then `count` more with `POST /bookings/bulk`, each booking a workflow waiting
 * for its reminder. A counting SMTP server receives the confirmations. Prints the
 * creation rates, the time from the last creation to the last confirmation, the
 * peak resident memory (VmHWM) of the Mailroom process and, apart, of the dev
 * server; and a baseline: the same rows inserted without workflows (PGlite, 500 a
 * statement) as a ratio. `--restart` stops the process (SIGTERM) halfway through
 * the bulk creations and starts it again, `--restart kill` kills it (SIGKILL):
 * the figures then say whether a confirmation was lost or repeated. `--profile
 * <folder>` writes CPU profiles of the measured process. Memory is measured from a second start on the
 * data folder the first one created (as the `idle` benchmark does).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createDatabase } from '../src/db/client';
import { apiClient } from '../tests/helpers/http';
import { embeddedSetup, memoryOf, startEmbedded, type Embedded } from './_embedded';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3600_000;

/** Counts messages and their Message-IDs: parsing 10,000 mails here would take the CPU the measured process needs. */
async function countingSmtpServer() {
  const ids: string[] = [];
  let last = 0;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, size: 10 * 1024 * 1024,
    onData(stream, _session, done) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 8192) head += c.toString('latin1');
      });
      stream.on('end', () => {
        ids.push(/^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? crypto.randomUUID());
        last = Date.now();
        done();
      });
    },
  });
  // A client killed mid-transaction (--restart kill) resets its connections: not this server's failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, count: () => ids.length, unique: () => new Set(ids).size, lastAt: () => last, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Where the process's memory is, from its own metrics (loopback may read them). */
async function inside(mr: Embedded): Promise<string> {
  const text = await fetch(`${mr.apiUrl}/metrics`).then((r) => r.text(), () => '');
  const mb = (name: string) => Math.round(Number(new RegExp(`^mailroom_${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 1024 / 1024);
  const m = memoryOf(mr.child.pid!);
  return `RSS ${m.rssMb} MB (peak ${m.peakMb}), JS heap used ${mb('nodejs_heap_size_used_bytes')} of ${mb('nodejs_heap_size_total_bytes')} MB, external ${mb('nodejs_external_memory_bytes')} MB`;
}

/** The same rows with no workflow and no mail: in-memory PGlite, one statement per 500. */
async function plainInsert(count: number): Promise<number> {
  const db = await createDatabase({});
  await db.migrate();
  const org = await db.prisma.organization.create({ data: { name: 'Plain' } });
  const member = await db.prisma.member.create({ data: { organizationId: org.id, firstName: 'Jeanne', lastName: 'Pilote' } });
  const resources = await db.prisma.resource.createManyAndReturn({ data: Array.from({ length: 50 }, (_, i) => ({ organizationId: org.id, name: `F-BNC${i}` })) });
  const base = Date.now() + 30 * 24 * HOUR;
  const t = Date.now();
  for (let i = 0; i < count; i += 500) {
    await db.prisma.booking.createMany({ data: Array.from({ length: Math.min(500, count - i) }, (_, k) => ({ organizationId: org.id, memberId: member.id, resourceId: resources[(i + k) % 50]!.id, startAt: new Date(base + (i + k) * HOUR), endAt: new Date(base + (i + k) * HOUR + 1800_000), status: 'confirmed' })) });
  }
  const seconds = (Date.now() - t) / 1000;
  await db.close();
  return seconds;
}

export default async function bookings({ count, single = Math.min(count, 1000), 'bulk-size': bulkSize = 500, restart = false, profile }: { count: number; single?: number; 'bulk-size'?: number; restart?: boolean | string; profile?: string }): Promise<void> {
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  const smtp = await countingSmtpServer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-bookings-'));
  const setup = await embeddedSetup(dataDir, { SMTP_URL: smtp.url, RATE_LIMIT_KEY_PER_MINUTE: '0', RATE_LIMIT_CLIENT_PER_MINUTE: '0' });
  // The first start creates the database and the Temporal file (its memory peak is not this
  // benchmark's subject, nor what a running installation sees): measured from the second.
  const first = await startEmbedded(setup);
  await first.stop();
  // `--profile <folder>`: CPU profiles of the measured process (main thread and workflow thread), written when it stops.
  if (profile) setup.nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${path.resolve(String(profile))}`];
  let mr: Embedded = await startEmbedded(setup, first.apiKey);
  const devPeak = { mb: 0 };
  const sample = setInterval(() => {
    const pid = mr.devServerPid();
    if (pid) devPeak.mb = Math.max(devPeak.mb, memoryOf(pid).peakMb);
  }, 1000);
  const peaks: number[] = [];
  try {
    process.stdout.write(`bookings: embedded default ready (load ${load()}); Mailroom process ${memoryOf(mr.child.pid!).rssMb} MB RSS at rest\n`);
    let api = apiClient(`${mr.apiUrl}/api/v1`, mr.apiKey);
    const member = (await api.post('/members', { firstName: 'Jeanne', lastName: 'Pilote', emails: [{ address: 'jeanne@bench.example' }] })).body as { id: string };
    const resources: string[] = [];
    for (let i = 0; i < 50; i++) resources.push((await api.post('/resources', { name: `F-BNC${i}` })).body.id);
    const base = Date.now() + 30 * 24 * HOUR;
    const item = (i: number) => ({ memberId: member.id, resourceId: resources[i % 50]!, start: new Date(base + i * HOUR).toISOString(), end: new Date(base + i * HOUR + 1800_000).toISOString() });

    // Single POSTs: 20 clients, one booking per request.
    const queue = Array.from({ length: single }, (_, i) => count + i);
    let t = Date.now();
    await Promise.all(Array.from({ length: 20 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const res = await api.post('/bookings', item(i));
        if (res.status !== 201) throw new Error(`single: ${res.status} ${res.text.slice(0, 500)}`);
      }
    }));
    const lastSingle = Date.now();
    const singleSeconds = (lastSingle - t) / 1000;
    while (smtp.count() < single) await sleep(100);
    const singleConfirmed = (smtp.lastAt() - lastSingle) / 1000;
    // Their workflows are started after their confirmations: let that finish before the bulk.
    await sleep(Math.max(3000, single * 10));

    // Bulk: requests of bulkSize, two in flight (an importer's pace).
    const chunks = Array.from({ length: Math.ceil(count / bulkSize) }, (_, c) => Array.from({ length: Math.min(bulkSize, count - c * bulkSize) }, (_, k) => item(c * bulkSize + k)));
    let restartAt = restart ? Math.floor(chunks.length / 2) : -1;
    t = Date.now();
    let pausedMs = 0;
    let sent = 0;
    const takeChunk = () => (sent === restartAt ? undefined : chunks[sent++]);
    const runChunks = () => Promise.all([0, 1].map(async () => {
      for (let c = takeChunk(); c; c = takeChunk()) {
        const res = await api.post('/bookings/bulk', { bookings: c });
        if (res.status !== 201) throw new Error(`bulk: ${res.status} ${res.text.slice(0, 500)}`);
      }
    }));
    await runChunks();
    if (restart) {
      const p = Date.now();
      peaks.push(memoryOf(mr.child.pid!).peakMb);
      // In the middle of the confirmations' groups, not before they start.
      while (smtp.count() < single + Math.min(1000, Math.floor(count / 4))) await sleep(20);
      const before = smtp.count();
      await mr.stop(restart === 'kill' ? 'SIGKILL' : 'SIGTERM');
      mr = await startEmbedded(setup, mr.apiKey);
      api = apiClient(`${mr.apiUrl}/api/v1`, mr.apiKey);
      pausedMs = Date.now() - p;
      process.stdout.write(`bookings: ${restart === 'kill' ? 'killed (SIGKILL)' : 'stopped (SIGTERM)'} and restarted after ${sent * bulkSize} bookings (${before} confirmations out), back in ${(pausedMs / 1000).toFixed(1)} s\n`);
      restartAt = -1;
      await runChunks();
    }
    const lastBulk = Date.now();
    const bulkSeconds = (lastBulk - t - pausedMs) / 1000;
    while (smtp.count() < count + single) await sleep(100);
    const bulkConfirmed = (smtp.lastAt() - lastBulk) / 1000;
    process.stdout.write(`bookings: after the bulk confirmations: ${await inside(mr)}\n`);

    await sleep(2000); // anything sent twice would arrive now
    peaks.push(memoryOf(mr.child.pid!).peakMb);
    const now = memoryOf(mr.child.pid!).rssMb;
    process.stdout.write(`bookings: at the end: ${await inside(mr)}\n`);
    const plainSeconds = await plainInsert(count);

    const rate = (n: number, s: number) => (n / s).toFixed(0);
    process.stdout.write(`bookings: ${count} bookings through POST /bookings/bulk (${bulkSize} a request, 2 in flight): ${bulkSeconds.toFixed(1)} s = ${rate(count, bulkSeconds)}/s; last confirmation ${bulkConfirmed.toFixed(1)} s after the last creation\n`);
    process.stdout.write(`bookings: ${single} before them through POST /bookings (20 clients): ${singleSeconds.toFixed(1)} s = ${rate(single, singleSeconds)}/s; last confirmation ${singleConfirmed.toFixed(1)} s after the last creation\n`);
    process.stdout.write(`bookings: baseline, the same ${count} rows inserted without workflows: ${plainSeconds.toFixed(2)} s = ${rate(count, plainSeconds)}/s; bulk / plain = ${((count / bulkSeconds) / (count / plainSeconds)).toFixed(3)}\n`);
    process.stdout.write(`bookings: confirmations received ${smtp.count()} (distinct Message-IDs ${smtp.unique()}, ${smtp.count() - smtp.unique()} sent twice) for ${count + single} bookings${restart ? `, with a restart (${restart === 'kill' ? 'SIGKILL' : 'SIGTERM'})` : ''}\n`);
    process.stdout.write(`bookings: peak resident memory (VmHWM) of the Mailroom process (API + worker): ${Math.max(...peaks)} MB (${now} MB now, ${count + single} workflows waiting); Temporal dev server: ${devPeak.mb} MB; load ${load()}\n`);
  } finally {
    clearInterval(sample);
    await mr.stop();
    await smtp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
