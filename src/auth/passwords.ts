import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;
const KEY_LENGTH = 32;
const R = 8;
const P = 1;

/**
 * Passwords are hashed with scrypt (memory-hard, RFC 7914) from node:crypto:
 * no native dependency. The stored form carries its parameters
 * (`scrypt$N$r$p$salt$hash`), so the cost can be raised without breaking old hashes.
 */
export async function hashPassword(password: string, N: number): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r: R, p: P, maxmem: maxmem(N, R, P) });
  return ['scrypt', N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const N = Number(n);
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, { N, r: Number(r), p: Number(p), maxmem: maxmem(N, Number(r), Number(p)) });
  return crypto.timingSafeEqual(actual, expected);
}

/** A hash of nothing, checked when the email is unknown so both answers take as long. */
let dummy: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string, N: number): Promise<false> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString('hex'), N);
  await verifyPassword(password, await dummy);
  return false;
}

// scrypt needs 128·N·r bytes (+ a little); Node's default cap is 32 MiB.
const maxmem = (N: number, r: number, p: number) => 128 * N * r * p + 16 * 1024 * 1024;
