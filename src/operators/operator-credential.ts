import crypto from 'node:crypto';
import { readCredentials, updateCredentials } from './credentials-file';

/**
 * The platform operator's credential: one bearer token, distinct from every
 * organisation's API keys (`mrop_` prefix vs `mr_`). Scaled deployments give
 * it in MAILROOM_OPERATOR_TOKEN; the embedded default creates one at first
 * start and keeps it in the credentials file. Only its sha256 stays in memory,
 * compared in constant time.
 */
export const OPERATOR_TOKEN_PREFIX = 'mrop_';

export interface OperatorCredential {
  verify(token: string): boolean;
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

export function operatorCredential(token: string): OperatorCredential {
  const expected = digest(token);
  return { verify: (candidate) => crypto.timingSafeEqual(digest(candidate), expected) };
}

export const newOperatorToken = () => OPERATOR_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');

/** The configured token, else (embedded only) the one in the credentials file, created if missing. */
export function resolveOperatorCredential(opts: { envToken?: string; dataDir: string; embedded: boolean }): OperatorCredential | null {
  if (opts.envToken) return operatorCredential(opts.envToken);
  if (!opts.embedded) return null;
  let token = readCredentials(opts.dataDir)?.operatorToken;
  if (!token) {
    token = newOperatorToken();
    updateCredentials(opts.dataDir, { operatorToken: token });
  }
  return operatorCredential(token);
}
