import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { SqlRunner } from '../db/sql';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../logger';
import type { PlatformTransportConfig } from '../mail/transports';
import type { OperatorCredential } from '../operators/operator-credential';
import type { SecretBox } from '../secrets';
import type { Storage } from '../storage';

/** Everything a route may use, injected once when the app is built. */
export interface AppContext {
  prisma: PrismaClient;
  sql: SqlRunner;
  storage: Storage;
  secrets: SecretBox;
  config: Config;
  logger: Logger;
  temporal: Client;
  platform: PlatformTransportConfig;
  /** The platform operator's credential (operators' routes); absent = those routes refuse everyone. */
  operator?: OperatorCredential | null;
}
