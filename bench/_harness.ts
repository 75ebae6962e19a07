import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createOrganization } from '../src/auth/api-keys';
import { loadConfig } from '../src/config';
import { createDatabase, type Database } from '../src/db/client';
import { startMailroom, type Mailroom } from '../src/runtime';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';

/**
 * A Mailroom for benchmarks: its own Temporal dev server, PostgreSQL (a fresh
 * schema) when DATABASE_URL is set, else in-memory PGlite; API and worker in
 * this process, logs silent.
 */
export interface BenchMailroom {
  app: Mailroom;
  db: Database;
  organizationId: string;
  apiKey: string;
  /** The PostgreSQL application name of this bench's connections (bench/_cpu.ts). */
  applicationName?: string;
  stop(): Promise<void>;
}

export interface BenchDatabaseOptions {
  /** A named PostgreSQL schema instead of a fresh random one (e.g. a filled database to reuse). */
  schema?: string;
  /** Leave the schema in place at stop, for the next run. */
  keep?: boolean;
}

export async function startBenchMailroom(env: Record<string, string> = {}, roles = { api: true, worker: true }, dbOpts: BenchDatabaseOptions = {}): Promise<BenchMailroom> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-'));
  const devServer: DevServer = await startDevServer({});
  const bundle = path.join(dir, 'workflows.js');
  if (roles.worker) fs.writeFileSync(bundle, (await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } })).code);
  let url: string | undefined;
  let schema: string | undefined;
  if (process.env.DATABASE_URL) {
    schema = dbOpts.schema ?? `bench_${crypto.randomBytes(4).toString('hex')}`;
    const u = new URL(process.env.DATABASE_URL);
    u.searchParams.set('schema', schema);
    // Names this bench's backends, so bench/_cpu.ts counts their CPU and no other session's.
    u.searchParams.set('application_name', schema);
    url = u.toString();
  }
  const db = await createDatabase({ url, poolSize: 20 });
  await db.migrate();
  const config = loadConfig({
    MAILROOM_DATA_DIR: dir, MAILROOM_SECRET_KEY: crypto.randomBytes(32).toString('base64'), TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_TASK_QUEUE: 'bench', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...(url ? { DATABASE_URL: url } : {}), ...env,
  });
  const app = await startMailroom(config, { roles, db, workflowBundlePath: roles.worker ? bundle : undefined });
  const { organizationId, key } = await createOrganization(db.prisma, 'Bench');
  return {
    app, db, organizationId, apiKey: key, applicationName: schema,
    async stop() {
      await app.stop();
      if (schema && !dbOpts.keep) await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await db.close();
      await devServer.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * With BENCH_MARKS=1, prints the monotonic clock at a phase's edges to stderr, so a
 * whole-process `perf record -k CLOCK_MONOTONIC` can be cut per phase (`perf report --time a,b`).
 */
export function mark(phase: string): void {
  if (process.env.BENCH_MARKS) process.stderr.write(`bench-mark ${phase} ${(Number(process.hrtime.bigint()) / 1e9).toFixed(6)} ${Date.now()}\n`);
}

/** The machine's 1-minute load average, printed beside every figure (the machine is shared). */
export const load = () => os.loadavg()[0]!.toFixed(1);

/** Prints both rows and their ratio; returns the ratio (NaN without a baseline). */
export function report(name: string, rows: { label: string; count: number; seconds: number; load?: string }[]): number {
  const [durable, baseline] = rows;
  for (const r of rows) process.stdout.write(`${name}: ${r.label.padEnd(34)} ${r.count} in ${r.seconds.toFixed(2)} s = ${(r.count / r.seconds).toFixed(1)} /s${r.load ? ` (load ${r.load})` : ''}\n`);
  if (!durable || !baseline) return NaN;
  const ratio = durable.count / durable.seconds / (baseline.count / baseline.seconds);
  process.stdout.write(`${name}: ratio durable / plain = ${ratio.toFixed(2)}\n`);
  return ratio;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * `--profile <file>`: a CPU profile of the durable path alone (open it in
 * Chrome DevTools), so set-up and the baseline do not blur the picture; a file
 * name ending in `.heapprofile` gives a sampling heap profile instead.
 */
export async function profiled<T>(file: string | undefined, run: () => Promise<T>): Promise<T> {
  if (!file) return run();
  const inspector = await import('node:inspector/promises');
  const session = new inspector.Session();
  session.connect();
  // `.heapprofile`: a sampling heap profile instead (every allocation, collected ones included): where the garbage comes from.
  const heap = file.endsWith('.heapprofile');
  if (heap) {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  } else {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  try {
    return await run();
  } finally {
    const { profile } = heap ? await session.post('HeapProfiler.stopSampling') : await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
