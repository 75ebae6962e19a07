import type { CookieOptions, Request, Response } from 'express';
import { SESSION_COOKIE } from '../shared/auth';

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on
 * cross-site writes), Path=/, Secure when the request came over HTTPS (as
 * Express sees it through the trusted proxy). It lives as long as the
 * session's absolute expiry; the server ends idle sessions earlier.
 */
function options(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure };
}

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeSeconds: number): void {
  res.cookie(SESSION_COOKIE, token, { ...options(req), maxAge: maxAgeSeconds * 1000 });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, options(req));
}

/**
 * The session token candidates from the Cookie header (RFC 6265 §5.4:
 * `name=value` pairs separated by "; "). A browser may send several cookies
 * of the same name (other paths, or one planted by a sibling domain), so every
 * non-empty value is a candidate — at most three, to bound the lookups.
 */
export function readSessionCookies(req: Request): string[] {
  const header = req.headers.cookie;
  if (!header) return [];
  const found: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const value = eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE ? part.slice(eq + 1).trim() : '';
    if (value && found.length < 3) found.push(value);
  }
  return found;
}
