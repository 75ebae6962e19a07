import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { apiClient, eventually } from '../helpers/http';
import { spawnWorkerProcess, temporalAvailable } from '../helpers/mailroom';
import { freePort } from '../helpers/ports';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const COUNT = 60;
const KILL_AT = 15;

/**
 * Scaled mode end to end, every part its own OS process: the API
 * (`npm run api`) and two workers (`npm run worker`) on PostgreSQL (a schema
 * of their own) and the Temporal server started for the test run. A platform
 * operator onboards a club through the operators' API, the club's admin sends
 * an invoice batch with the CLI, and one worker is killed with SIGKILL in the
 * middle of it.
 */
describeIfServer('PostgreSQL (DATABASE_URL) and Temporal', Boolean(process.env.DATABASE_URL) && temporalAvailable())('scaled mode: API and two workers as separate processes', () => {
  jest.setTimeout(150_000);
  let db: TestDatabase;
  let smtp: RecordingSmtpServer;
  let api: ChildProcess | undefined;
  let workers: ReturnType<typeof spawnWorkerProcess>[] = [];
  let apiOutput = '';
  const dataDir = fs.mkdtempSync(path.join(process.env.MAILROOM_TEST_TMP ?? '/tmp', 'scaled-'));
  const operatorToken = `mrop_${crypto.randomBytes(32).toString('base64url')}`;

  afterAll(async () => {
    for (const w of workers) await w.kill();
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    }
    await smtp?.close();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('onboards a club through the operators’ API, sends its invoices with the CLI, survives a worker killed mid-batch, one message per address', async () => {
    db = await createTestDatabase();
    smtp = await startRecordingSmtpServer({
      onMessage: async () => {
        // The 15th message is on the wire: kill the first worker, whatever it holds.
        if (smtp.messages.length + 1 === KILL_AT) await workers[0]?.kill();
      },
    });
    const port = await freePort();
    const env: Record<string, string> = {
      DATABASE_URL: db.url!,
      TEMPORAL_ADDRESS: process.env.MAILROOM_TEST_TEMPORAL_ADDRESS!,
      TEMPORAL_TASK_QUEUE: `scaled-${crypto.randomBytes(4).toString('hex')}`,
      MAILROOM_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
      MAILROOM_OPERATOR_TOKEN: operatorToken,
      MAILROOM_DATA_DIR: dataDir, // documents: the volume API and workers share
      SMTP_URL: smtp.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      INVOICE_BATCH_CHUNK_SIZE: '10',
      INVOICE_BATCH_RATE_PER_MINUTE: '600',
      SEND_HEARTBEAT_SECONDS: '2',
      SEND_RETRY_INITIAL_SECONDS: '0.2',
      SEND_RETRY_MAX_SECONDS: '1',
      ...(process.env.MAILROOM_WORKFLOW_BUNDLE ? { MAILROOM_WORKFLOW_BUNDLE: process.env.MAILROOM_WORKFLOW_BUNDLE } : {}),
    };
    api = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts'), 'api'], { cwd: root, env: { ...process.env, ...env, LOG_LEVEL: 'warn', NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
    api.stdout!.on('data', (c: Buffer) => (apiOutput += c.toString()));
    api.stderr!.on('data', (c: Buffer) => (apiOutput += c.toString()));
    workers = [spawnWorkerProcess(env), spawnWorkerProcess(env)];
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/healthz`)).ok, 90_000, 250).catch((err) => {
      throw new Error(`the API did not start: ${apiOutput}`, { cause: err });
    });
    await Promise.all(workers.map((w) => w.ready));

    // The platform operator onboards the club.
    const onboarded = await apiClient(url, operatorToken).post('/api/v1/organizations', { name: 'Résidence Les Cèdres' });
    expect(onboarded.status).toBe(201);
    const admin = apiClient(url, onboarded.body.adminApiKey.key);
    const structure = (await admin.post('/api/v1/structures', { name: 'Les Cèdres' })).body;
    const members = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => (await admin.post('/api/v1/members', { firstName: `R${i}`, lastName: 'Cèdre', structureId: structure.id, emails: [{ address: `resident${i}@example.org` }] })).body as { id: string }),
    );
    const invoices = members.map((m, i) => ({ number: `C-${i}`, period: '2025-11', memberId: m.id, structureId: structure.id, amountExclTax: 10, amountInclTax: 12, pdfBase64: Buffer.from(`%PDF-1.4\n%invoice ${i}\n%%EOF\n`).toString('base64') }));
    expect((await admin.post('/api/v1/invoices', { invoices })).status).toBe(201);

    // The club's admin sends the month with the CLI, which only knows the API.
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, MAILROOM_URL: url, MAILROOM_API_KEY: onboarded.body.adminApiKey.key as string };
    for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'MAILROOM_OPERATOR_TOKEN']) delete cliEnv[k];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/index.ts'), 'batch:send', '--period', '2025-11', '--structure', structure.id, '--all'], { cwd: root, env: cliEnv });
    expect(stdout).toMatch(new RegExp(`batch \\S+: ${COUNT} messages`));
    expect(stdout).toContain(`batch completed: ${COUNT} sent, 0 failed, 0 cancelled`);

    // The first worker really died mid-batch; the second finished the work.
    expect(workers[0]!.child.signalCode).toBe('SIGKILL');
    expect(workers[1]!.child.exitCode).toBeNull();

    const perAddress = new Map<string, { deliveries: number; messageIds: Set<string> }>();
    for (const m of smtp.messages) {
      for (const rcpt of m.envelope.rcptTo) {
        const seen = perAddress.get(rcpt) ?? { deliveries: 0, messageIds: new Set<string>() };
        seen.deliveries++;
        seen.messageIds.add(m.messageId!);
        perAddress.set(rcpt, seen);
      }
    }
    expect([...perAddress.keys()].sort()).toEqual(members.map((_, i) => `resident${i}@example.org`).sort());
    // Exactly one message per address: one Message-ID each. The worker dies while the server holds a
    // message it has not yet answered, so that message's outcome is unknown to Mailroom and it is sent
    // again as the same message (same Message-ID, DESIGN "exactly one send per intent"); only messages
    // in flight at the kill (at most the batch's 5 parallel sends) can arrive twice.
    for (const [address, seen] of perAddress) expect([address, seen.messageIds.size]).toEqual([address, 1]);
    const again = [...perAddress.values()].filter((s) => s.deliveries > 1);
    expect(again.length).toBeLessThanOrEqual(5);
    for (const s of again) expect(s.deliveries).toBe(2);
  });
});
