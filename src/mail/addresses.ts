import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';

const emailSchema = z.email();

export interface ParsedAddress {
  name: string;
  address: string;
}

/**
 * Parses one recipient as people write it (`a@b.fr` or `Jeanne Martin <a@b.fr>`)
 * and checks the address part. Returns null when it is not a single valid address.
 */
export function parseAddress(input: string): ParsedAddress | null {
  if (/[\r\n]/.test(input)) return null; // header injection (RFC 5322 §2.2)
  const parsed = addressparser(input.trim(), { flatten: true });
  if (parsed.length !== 1) return null;
  const { name, address } = parsed[0]!;
  if (!address || !emailSchema.safeParse(address).success) return null;
  return { name: name ?? '', address };
}

/** Lower-cased form used for matching and uniqueness (local parts are case-insensitive in practice). */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function formatAddress(a: ParsedAddress): string {
  if (!a.name) return a.address;
  // Quote display names with specials so they survive as one phrase (RFC 5322 §3.4).
  return /[()<>[\]:;@\\,."]/.test(a.name) ? `"${a.name.replace(/(["\\])/g, '\\$1')}" <${a.address}>` : `${a.name} <${a.address}>`;
}

/** Zod refinement for API inputs: a recipient string that must parse as one address. */
export const recipientSchema = z
  .string()
  .min(3)
  .max(320)
  .refine((v) => parseAddress(v) !== null, { message: 'not a valid email address' });
