import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `<data>/credentials.json` (mode 600): what a local operator needs to reach
 * the embedded service — its URL, the platform-operator token, and the first
 * organisation's admin key. The CLI reads it in embedded mode.
 */
export const CREDENTIALS_FILE = 'credentials.json';

export interface Credentials {
  apiUrl?: string;
  operatorToken?: string;
  organizationId?: string;
  organizationName?: string;
  adminApiKey?: string;
  /** The first admin's one-time link to set a password in the console. */
  adminSetupUrl?: string;
  adminSetupExpiresAt?: string;
  createdAt?: string;
}

export const credentialsPath = (dataDir: string) => path.join(dataDir, CREDENTIALS_FILE);

export function readCredentials(dataDir: string): Credentials | null {
  try {
    return JSON.parse(fs.readFileSync(credentialsPath(dataDir), 'utf8')) as Credentials;
  } catch {
    return null;
  }
}

/** Merges `patch` into the file, written whole to a temporary file and renamed, never readable by others. */
export function updateCredentials(dataDir: string, patch: Credentials): string {
  const file = credentialsPath(dataDir);
  const next = { ...(readCredentials(dataDir) ?? {}), ...patch };
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return file;
}
