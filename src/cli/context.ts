import { loadConfig, type Config } from '../config';
import { readLiveLock } from '../embedded-lock';
import { readCredentials, credentialsPath } from '../operators/credentials-file';
import { CliError, createApiClient, type ApiClient } from './client';

/**
 * What CLI commands work with: the running service's HTTP API, never the
 * database (except `db:migrate`). Scaled: MAILROOM_URL (or --url) and a key.
 * Embedded: the service that holds the data directory's lock, found with its
 * URL and credentials in <data>/credentials.json.
 */
export interface GlobalFlags {
  url?: string;
  key?: string;
  operatorToken?: string;
}

export interface CliContext {
  config: Config;
  /** An organisation's API (its key: --key, MAILROOM_API_KEY, embedded: the first admin key). */
  api(): ApiClient;
  /** The operators' API (--operator-token, MAILROOM_OPERATOR_TOKEN, embedded: the generated token). */
  operator(): ApiClient;
  out(line: string): void;
}

function embeddedService(config: Config): { url: string; credentials: ReturnType<typeof readCredentials> } {
  const holder = readLiveLock(config.dataDir);
  const credentials = readCredentials(config.dataDir);
  if (!holder) {
    throw new CliError(
      `Mailroom is not running on ${config.dataDir}: start it with \`npm start\` (the CLI talks to the running service), ` +
        'or set MAILROOM_URL to reach a service elsewhere.',
    );
  }
  if (!holder.role.includes('api') || !credentials?.apiUrl) {
    throw new CliError(`The Mailroom process ${holder.pid} on ${config.dataDir} runs no API (${holder.role}); start it with \`npm start\`, or set MAILROOM_URL.`);
  }
  return { url: credentials.apiUrl, credentials };
}

export function createCliContext(flags: () => GlobalFlags, env: NodeJS.ProcessEnv = process.env): CliContext {
  const config = loadConfig(env);
  const target = () => {
    const f = flags();
    const url = f.url ?? config.MAILROOM_URL;
    if (url) return { url, credentials: null };
    if (!config.embeddedDatabase) throw new CliError('Set MAILROOM_URL (or --url) to the Mailroom API: with DATABASE_URL the CLI cannot guess where the service runs.');
    return embeddedService(config);
  };
  return {
    config,
    api() {
      const { url, credentials } = target();
      const key = flags().key ?? config.MAILROOM_API_KEY ?? credentials?.adminApiKey;
      if (!key) throw new CliError("This command acts for an organisation: give its API key with --key or MAILROOM_API_KEY.");
      return createApiClient(url, key);
    },
    operator() {
      const { url, credentials } = target();
      const token = flags().operatorToken ?? config.MAILROOM_OPERATOR_TOKEN ?? credentials?.operatorToken;
      if (!token) {
        throw new CliError(
          `This is a platform operator's command: give the operator token with --operator-token or MAILROOM_OPERATOR_TOKEN` +
            (credentials ? ` (embedded: it is in ${credentialsPath(config.dataDir)})` : '') + '.',
        );
      }
      return createApiClient(url, token);
    },
    out: (line) => process.stdout.write(line + '\n'),
  };
}
