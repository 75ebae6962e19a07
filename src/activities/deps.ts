import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { SqlRunner } from '../db/sql';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../logger';
import type { TransportCache, PlatformTransportConfig } from '../mail/transports';
import type { SecretBox } from '../secrets';
import type { Storage } from '../storage';

/** What the worker injects into every activity factory; tests pass their own. */
export interface ActivityDeps {
  prisma: PrismaClient;
  /** The same database through its driver, for the bulk statements of hot paths (src/db/bulk.ts); Prisma when absent. */
  sql?: SqlRunner;
  storage: Storage;
  secrets: SecretBox;
  transports: TransportCache;
  platform: PlatformTransportConfig;
  logger: Logger;
  config: Config;
  /** For activities that start or signal other workflows. */
  temporal?: Client;
}
