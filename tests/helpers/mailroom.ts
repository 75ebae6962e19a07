import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createApiKey, createOrganization } from '../../src/auth/api-keys';
import { loadConfig, type Config } from '../../src/config';
import { startMailroom, type Mailroom, type StartOptions } from '../../src/runtime';
import { apiClient, type ApiClient } from './http';
import { createTestDatabase, type TestDatabase } from './db';

export const temporalAvailable = () => Boolean(process.env.MAILROOM_TEST_TEMPORAL_ADDRESS);

export interface TestMailroom {
  app: Mailroom;
  db: TestDatabase;
  config: Config;
  env: Record<string, string>;
  url: string;
  /** An organisation with an admin and a staff key, and API clients for both. */
  newOrganization(name?: string): Promise<TestOrg>;
  stop(): Promise<void>;
}

export interface TestOrg {
  organizationId: string;
  adminKey: string;
  staffKey: string;
  admin: ApiClient;
  staff: ApiClient;
}

export interface TestMailroomOptions extends Partial<Omit<StartOptions, 'db'>> {
  env?: Record<string, string>;
  db?: TestDatabase;
}

/**
 * A Mailroom for one test file: its own database (schema) and data folder, its
 * own task queue on the shared Temporal dev server, API on a free port.
 */
export async function startTestMailroom(opts: TestMailroomOptions = {}): Promise<TestMailroom> {
  const db = opts.db ?? (await createTestDatabase());
  const dataDir = fs.mkdtempSync(path.join(process.env.MAILROOM_TEST_TMP ?? '/tmp', 'data-'));
  const env: Record<string, string> = {
    MAILROOM_DATA_DIR: dataDir,
    MAILROOM_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    TEMPORAL_ADDRESS: process.env.MAILROOM_TEST_TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TEMPORAL_TASK_QUEUE: `mailroom-test-${crypto.randomBytes(4).toString('hex')}`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    // Loopback only: the tests' servers are there, and nothing else may be reached.
    MAILROOM_OUTBOUND_ALLOW: '127.0.0.0/8,::1/128',
    SEND_RETRY_INITIAL_SECONDS: '0.2',
    SEND_RETRY_MAX_SECONDS: '1',
    SEND_HEARTBEAT_SECONDS: '3',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...(process.env.MAILROOM_WORKFLOW_BUNDLE ? { MAILROOM_WORKFLOW_BUNDLE: process.env.MAILROOM_WORKFLOW_BUNDLE } : {}),
    ...opts.env,
  };
  const config = loadConfig(env);
  const app = await startMailroom(config, { roles: opts.roles ?? { api: true, worker: true }, db, wrapActivities: opts.wrapActivities, transports: opts.transports });
  const url = app.apiUrl ?? '';
  return {
    app,
    db,
    config,
    env,
    url,
    async newOrganization(name = 'Test organisation') {
      const { organizationId, key: adminKey } = await createOrganization(db.prisma, name);
      const { key: staffKey } = await createApiKey(db.prisma, { organizationId, role: 'staff', name: 'staff' });
      return { organizationId, adminKey, staffKey, admin: apiClient(url, adminKey), staff: apiClient(url, staffKey) };
    },
    async stop() {
      await app.stop();
      if (!opts.db) await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A worker in a separate process (`npm run worker`), for tests that kill it
 * with SIGKILL mid-work and start another. Needs PostgreSQL (DATABASE_URL).
 */
export function spawnWorkerProcess(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; kill(): Promise<void> } {
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts'), 'worker'], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: 'info', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"worker ready"')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${output.slice(-2000)}`)));
  });
  return {
    child,
    ready,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
