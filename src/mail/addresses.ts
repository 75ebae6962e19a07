import addressparser from 'nodemailer/lib/addressparser';

/**
 * An address as RFC 5321 §4.1.2 lets a mailer write it without quoting: a dot-atom local part
 * (letters, digits and !#$%&'*+/=?^_`{|}~- with single dots between, RFC 5322 §3.2.3), `@`, and a
 * domain of letter-digit-hyphen labels (RFC 1035 §2.3.1), at least two of them, the last one
 * alphabetic or punycode. `o'brien@`, `a&b@` and `x+tag@` are real members' addresses; quoted
 * local parts and address literals (`[192.0.2.1]`) are refused, as no member has one and header
 * tricks hide there.
 */
export const EMAIL_ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** RFC 5321 §4.5.3.1: at most 64 octets before the @, 254 in all (a path of 256 with its brackets). */
export const isEmailAddress = (a: string) => a.length <= 254 && a.indexOf('@') <= 64 && EMAIL_ADDRESS.test(a);


export interface ParsedAddress {
  name: string;
  address: string;
}

/**
 * Parses one recipient as people write it (`a@b.fr` or `Jeanne Martin <a@b.fr>`)
 * and checks the address part. Returns null when it is not a single valid address.
 */
export function parseAddress(input: string): ParsedAddress | null {
  // A bare valid address (most calls: envelopes, recipients of every sent message) is its own
  // parse: nothing in it is special to the parser, which cost ~7 KB of garbage a call.
  if (isEmailAddress(input)) return { name: '', address: input };
  if (/[\r\n]/.test(input)) return null; // header injection (RFC 5322 §2.2)
  // A sender written `Name <addr>` is parsed for every message it sends: its parse is kept.
  let parsed = parsedNamed.get(input);
  if (parsed === undefined) {
    if (parsedNamed.size >= 1000) parsedNamed.clear();
    parsedNamed.set(input, (parsed = parseNamed(input)));
  }
  return parsed && { ...parsed };
}

const parsedNamed = new Map<string, ParsedAddress | null>();

function parseNamed(input: string): ParsedAddress | null {
  const parsed = addressparser(input.trim(), { flatten: true });
  if (parsed.length !== 1) return null;
  const { name, address } = parsed[0]!;
  if (!address || !isEmailAddress(address)) return null;
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
