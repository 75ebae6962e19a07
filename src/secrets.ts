import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM for secrets at rest (SMTP/IMAP passwords, OAuth refresh tokens).
 * Stored form: `v1.<iv>.<tag>.<ciphertext>` in base64url, so a future key
 * rotation can add `v2` without guessing.
 */
export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** A separate key for another purpose (e.g. signing OAuth state), derived with HKDF so the master key is never reused as is. */
  deriveKey(purpose: string): Buffer;
}

export function parseKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('MAILROOM_SECRET_KEY must be 32 bytes, base64 or hex encoded');
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return ['v1', iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
    },
    deriveKey(purpose) {
      return Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), `mailroom:${purpose}`, 32));
    },
    decrypt(stored) {
      const [version, iv, tag, data] = stored.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unrecognised secret format');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key comes from MAILROOM_SECRET_KEY; in embedded mode, when absent, one is
 * generated once into <data>/secret.key (mode 600) so restarts can still decrypt.
 */
export function resolveSecretKey(opts: { envKey?: string; dataDir: string; allowGenerate: boolean }): Buffer {
  if (opts.envKey) return parseKey(opts.envKey);
  const file = path.join(opts.dataDir, 'secret.key');
  if (fs.existsSync(file)) return parseKey(fs.readFileSync(file, 'utf8'));
  if (!opts.allowGenerate) throw new Error('MAILROOM_SECRET_KEY is required when DATABASE_URL is set');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
