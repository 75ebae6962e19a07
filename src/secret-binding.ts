import { validationError } from './shared/errors';

/**
 * A stored password is bound to where it was given: the host, port, security
 * mode and user name it was saved with. It is only ever sent there. Changing
 * any of them (in a PUT or in a verify request) needs the password again;
 * otherwise an admin key could point the stored secret at a server of its own
 * and read it (or downgrade the connection to plain text and sniff it).
 */
export interface Binding {
  host: string | null;
  port: number | null;
  security: string;
  username: string | null | undefined;
}

export interface Bound extends Binding {
  passwordEnc: string | null;
}

const norm = (b: Binding) => [(b.host ?? '').trim().toLowerCase().replace(/\.$/, ''), b.port ?? null, b.security, b.username ?? null];

export function sameBinding(a: Binding, b: Binding): boolean {
  const x = norm(a);
  const y = norm(b);
  return x.every((v, i) => v === y[i]);
}


/**
 * What a PUT does with the stored secret. `given`: absent (undefined) keeps the
 * stored one if the binding is unchanged, `null` removes it, a string replaces it.
 * Returns `undefined` to leave the column as it is, else the new plain value (or null).
 */
export function secretOnUpdate(saved: Bound | null | undefined, next: Binding, given: string | null | undefined, field: string): string | null | undefined {
  if (given !== undefined) return given;
  if (!saved?.passwordEnc || sameBinding(saved, next)) return undefined;
  throw validationError(field, 'PASSWORD_AGAIN');
}

/** The password a verify request may use: the one given, else the stored one only for the very server it was saved for. */
export function secretForUse(saved: Bound | null | undefined, next: Binding, given: string | null | undefined, field: string, decrypt: (enc: string) => string): string | undefined {
  if (given !== undefined && given !== null) return given;
  if (given === null || !saved?.passwordEnc) return undefined;
  if (!sameBinding(saved, next)) throw validationError(field, 'PASSWORD_AGAIN');
  return decrypt(saved.passwordEnc);
}
