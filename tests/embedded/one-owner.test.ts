import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { apiClient, eventually } from '../helpers/http';
import { temporalAvailable } from '../helpers/mailroom';
import { freePort } from '../helpers/ports';
import { describeIfServer } from '../helpers/require-server';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Embedded database (no DATABASE_URL) in a fresh data folder; Temporal is the
 * tests' shared server so no dev server is left behind when a test kills the
 * process with SIGKILL.
 */
function baseEnv(dataDir: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'MAILROOM_SECRET_KEY', 'SMTP_URL', 'NODE_ENV', 'MAILROOM_URL', 'MAILROOM_API_KEY', 'MAILROOM_OPERATOR_TOKEN']) delete env[k];
  return { ...env, MAILROOM_DATA_DIR: dataDir };
}

function startMailroom(dataDir: string, mode: 'all' | 'worker', env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts'), ...(mode === 'all' ? [] : [mode])], {
    cwd: root,
    env: { ...baseEnv(dataDir), LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function running(r: Running): Promise<void> {
  try {
    await eventually(async () => r.output().includes('Mailroom is running'), 90_000, 250);
  } catch (err) {
    throw new Error(`did not start: ${r.output()}`, { cause: err });
  }
}

describeIfServer('Temporal dev server', temporalAvailable())('one owner for the embedded database', () => {
  jest.setTimeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-owner-'));
  const env = () => ({
    TEMPORAL_ADDRESS: process.env.MAILROOM_TEST_TEMPORAL_ADDRESS!,
    TEMPORAL_TASK_QUEUE: `owner-${crypto.randomBytes(4).toString('hex')}`,
    ...(process.env.MAILROOM_WORKFLOW_BUNDLE ? { MAILROOM_WORKFLOW_BUNDLE: process.env.MAILROOM_WORKFLOW_BUNDLE } : {}),
  });
  const started: Running[] = [];
  afterAll(async () => {
    for (const r of started) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The CLI finds the service through the data folder alone. */
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/index.ts'), ...args], { cwd: root, env: baseEnv(dataDir) });
  const cliError = async (...args: string[]) => {
    const err = (await cli(...args).then(() => null, (e: unknown) => e)) as { code: number; stderr: string } | null;
    expect(err).not.toBeNull();
    expect(err!.code).toBe(1);
    return err!.stderr;
  };

  it('refuses a second process on the same data folder, lets the CLI work through the service, and takes the lock over after a crash', async () => {
    const port = await freePort();
    const first = startMailroom(dataDir, 'all', { ...env(), PORT: String(port) });
    started.push(first);
    await running(first);
    const credentials = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
    expect(credentials).toMatchObject({ apiUrl: `http://127.0.0.1:${port}`, operatorToken: expect.stringMatching(/^mrop_/), adminApiKey: expect.stringMatching(/^mr_/) });
    expect(fs.statSync(path.join(dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);

    // A second `npm start`, and an embedded worker, are refused with a clear message.
    for (const mode of ['all', 'worker'] as const) {
      const second = startMailroom(dataDir, mode, { ...env(), PORT: String(await freePort()) });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`Mailroom is already running on ${dataDir} (process ${first.child.pid}`);
      expect(second.output()).not.toMatch(/\n\s+at /);
    }

    // While it runs, the CLI talks to it: operators' and organisation commands.
    const orgs = (await cli('org:list')).stdout;
    expect(orgs).toContain(`${credentials.organizationId}  My organisation`);
    const key = (await cli('key:create', '--org', credentials.organizationId, '--role', 'staff', '--name', 'accueil')).stdout;
    const staffKey = /API key \(shown once\): (\S+)/.exec(key)![1]!;
    expect((await apiClient(`http://127.0.0.1:${port}`, staffKey).get('/api/v1/members')).status).toBe(200);
    expect((await cli('key:list', '--org', credentials.organizationId)).stdout).toContain('accueil');
    expect((await cli('sent:list')).stdout).toBe('no messages\n');
    expect(await cliError('db:migrate')).toContain(`Mailroom (process ${first.child.pid}) owns the embedded database in ${dataDir}`);

    // Killed without a chance to clean up: the next start takes the lock over.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(fs.existsSync(path.join(dataDir, 'mailroom.lock'))).toBe(true);
    expect(await cliError('sent:list')).toBe(`error: Mailroom is not running on ${dataDir}: start it with \`npm start\` (the CLI talks to the running service), or set MAILROOM_URL to reach a service elsewhere.\n`);

    const third = startMailroom(dataDir, 'all', { ...env(), PORT: String(await freePort()) });
    started.push(third);
    await running(third);
    expect((await cli('org:list')).stdout).toContain('My organisation');
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'mailroom.lock'))).toBe(false);

    // Stopped: db:migrate may open the database now.
    expect((await cli('db:migrate')).stdout).toMatch(/^database up to date \(\d+ migrations, 0 applied now\)\n$/);
  });
});
