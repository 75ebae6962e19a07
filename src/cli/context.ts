import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../config';
import { createDatabase, type Database } from '../db/client';
import { connectClient, targetFromConfig } from '../temporal/connection';

/**
 * What CLI commands work with. The database and Temporal are opened lazily,
 * so `org:create` does not need Temporal and `--help` needs nothing.
 */
export interface CliContext {
  config: Config;
  db(): Promise<Database>;
  temporal(): Promise<Client>;
  out(line: string): void;
  close(): Promise<void>;
}

export function createCliContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const config = loadConfig(env);
  let db: Database | undefined;
  let temporal: { client: Client; close(): Promise<void> } | undefined;
  return {
    config,
    async db() {
      if (!db) {
        db = await createDatabase({ url: config.DATABASE_URL, pgliteDir: config.pgliteDir });
        await db.migrate();
      }
      return db;
    },
    async temporal() {
      if (!temporal) {
        const { client, connection } = await connectClient(targetFromConfig(config));
        temporal = { client, close: () => connection.close() };
      }
      return temporal.client;
    },
    out: (line) => process.stdout.write(line + '\n'),
    async close() {
      await temporal?.close();
      await db?.close();
    },
  };
}
