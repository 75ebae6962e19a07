import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities, type Activities } from './activities';
import { createApp } from './api/app';
import type { AppContext } from './api/context';
import type { Config } from './config';
import { answerClientErrors } from './api/client-error';
import { createDatabase, type Database } from './db/client';
import { createLogger, type Logger } from './logger';
import { TransportCache } from './mail/transports';
import { acquireEmbeddedLock, type EmbeddedLock } from './embedded-lock';
import { resolveOperatorCredential } from './operators/operator-credential';
import { createOutboundPolicy, noDnsLookup, setOutboundPolicy } from './net/outbound-policy';
import { createSecretBox, resolveSecretKey, type SecretBox } from './secrets';
import { createStorage, type Storage } from './storage';
import { connectClient, connectWorker, targetFromConfig } from './temporal/connection';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { stopLeftoverDevServers } from './temporal/leftover-dev-server';
import { ensureAllMailboxWorkflows } from './reception/mailbox-workflow';
import { ensureSchedules } from './temporal/ensure-schedules';
import { createWorker } from './temporal/worker';
import { startUpkeep } from './db/upkeep';

/**
 * Wires Mailroom together from its configuration. `roles` says what this
 * process runs: the embedded default runs all of it, scaled deployments run
 * `api` and `worker` processes separately.
 */
export interface Mailroom {
  config: Config;
  logger: Logger;
  db: Database;
  storage: Storage;
  secrets: SecretBox;
  temporal: Client;
  devServer?: DevServer;
  worker?: Worker;
  server?: http.Server;
  apiUrl?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  roles: { api: boolean; worker: boolean };
  logger?: Logger;
  /** Tests: reuse an already running Temporal server. */
  temporalAddress?: string;
  workflowBundlePath?: string;
  /** Tests: an already migrated database to use instead of opening one from config. */
  db?: Database;
  /** Tests: replace or wrap activities with test doubles (no module mocking needed). */
  wrapActivities?: (activities: Activities) => Activities;
  /** Tests: a transport cache of their own (e.g. one that fails on purpose). */
  transports?: TransportCache;
}

let runtimeInstalled = false;

export async function startMailroom(config: Config, opts: StartOptions): Promise<Mailroom> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  if (!runtimeInstalled) {
    // Route the SDK's own logs through our level: silent in tests, warnings otherwise.
    try {
      Runtime.install({ logger: new DefaultLogger(config.LOG_LEVEL === 'silent' ? 'ERROR' : 'WARN', (entry) => logger.warn({ sdk: entry.meta }, entry.message)) });
    } catch {
      // Already created by an earlier Temporal call in this process (tests, benchmarks): keep it.
    }
    runtimeInstalled = true;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  setOutboundPolicy(createOutboundPolicy({ allowPrivate: config.MAILROOM_ALLOW_PRIVATE_NETWORKS, allow: config.MAILROOM_OUTBOUND_ALLOW, ...(config.MAILROOM_OUTBOUND_DNS === 'none' ? { lookup: noDnsLookup } : {}) }));
  const ownDb = !opts.db;
  // Only one process may open the embedded database: a second start is refused here.
  const lock: EmbeddedLock | undefined = ownDb && config.embeddedDatabase ? acquireEmbeddedLock(config.dataDir, Object.keys(opts.roles).filter((r) => opts.roles[r as 'api']).join('+')) : undefined;
  try {
    return await start(config, opts, logger, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function start(config: Config, opts: StartOptions, logger: Logger, lock: EmbeddedLock | undefined): Promise<Mailroom> {
  const ownDb = !opts.db;
  const secrets = createSecretBox(resolveSecretKey({ envKey: config.MAILROOM_SECRET_KEY, dataDir: config.dataDir, allowGenerate: config.embeddedDatabase }));
  const storage = createStorage(config.storageDir);
  const db = opts.db ?? (await createDatabase({ url: config.DATABASE_URL, pgliteDir: config.pgliteDir }));
  const migrations = await db.migrate();
  if (migrations.applied.length) logger.info({ applied: migrations.applied }, 'database migrated');
  const upkeep = db.kind === 'pglite' && config.MAILROOM_EMBEDDED_UPKEEP_MINUTES > 0
    ? startUpkeep(db.sql, {
      everyMs: config.MAILROOM_EMBEDDED_UPKEEP_MINUTES * 60_000,
      firstMs: Math.min(60_000, config.MAILROOM_EMBEDDED_UPKEEP_MINUTES * 60_000),
      onPass: (tables) => logger.debug({ tables }, 'embedded database vacuumed and analysed'),
      onError: (table, err) => logger.warn({ table, err }, 'embedded database upkeep failed'),
    })
    : undefined;

  let devServer: DevServer | undefined;
  let address = opts.temporalAddress ?? config.TEMPORAL_ADDRESS;
  if (!address) {
    if (lock) {
      const stopped = await stopLeftoverDevServers(config.temporalDbFile);
      if (stopped.length) logger.warn({ pids: stopped }, 'stopped the Temporal dev server left running by a Mailroom that crashed');
    }
    devServer = await startDevServer({
      dbFile: config.temporalDbFile,
      port: config.TEMPORAL_DEV_PORT,
      ui: true,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      cliPath: config.TEMPORAL_CLI_PATH,
      pipDir: path.join(config.dataDir, 'temporal-cli'),
      notice: config.LOG_LEVEL === 'silent' ? () => undefined : undefined,
      logger,
    });
    address = devServer.address;
    logger.info({ address, ui: devServer.uiUrl }, 'Temporal dev server started');
  }
  const target = targetFromConfig(config, address);
  const { client: temporal, connection } = await connectClient(target);
  const platform = { smtpUrl: config.SMTP_URL, mailFrom: config.MAIL_FROM, outboxDir: config.outboxDir };
  const transports = opts.transports ?? new TransportCache(platform, Math.max(5, config.INVOICE_BATCH_CONCURRENCY));

  let worker: Worker | undefined;
  let workerConnection: NativeConnection | undefined;
  let workerRun: Promise<void> | undefined;
  if (opts.roles.worker) {
    workerConnection = await connectWorker(target);
    const built = createActivities({ prisma: db.prisma, sql: db.sql, storage, secrets, transports, platform, logger, config, temporal });
    const activities = opts.wrapActivities ? opts.wrapActivities(built) : built;
    worker = await createWorker({ connection: workerConnection, namespace: target.namespace, taskQueue: config.TEMPORAL_TASK_QUEUE, activities, workflowBundlePath: opts.workflowBundlePath ?? config.MAILROOM_WORKFLOW_BUNDLE, logger });
    workerRun = worker.run();
    workerRun.catch((err) => logger.error({ err }, 'worker stopped with an error'));
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker ready');
    await ensureSchedules(temporal, config);
    await ensureAllMailboxWorkflows(db.prisma, temporal, config);
  }

  let server: http.Server | undefined;
  let apiUrl: string | undefined;
  if (opts.roles.api) {
    const operator = resolveOperatorCredential({ envToken: config.MAILROOM_OPERATOR_TOKEN, dataDir: config.dataDir, embedded: config.embeddedDatabase });
    const ctx: AppContext = { prisma: db.prisma, sql: db.sql, storage, secrets, config, logger, temporal, platform, operator };
    server = http.createServer(createApp(ctx));
    answerClientErrors(server);
    await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(config.PORT, config.HOST, resolve));
    const port = (server.address() as AddressInfo).port;
    apiUrl = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
    logger.info({ url: apiUrl }, 'API listening');
  }

  let stopped = false;
  return {
    config, logger, db, storage, secrets, temporal, devServer, worker, server, apiUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (server) await new Promise<void>((resolve) => { server!.close(() => resolve()); server!.closeAllConnections(); });
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun?.catch(() => undefined);
      await workerConnection?.close();
      transports.closeAll();
      await (connection as Connection).close();
      await devServer?.stop();
      await upkeep?.stop();
      if (ownDb) await db.close();
      lock?.release();
    },
  };
}
