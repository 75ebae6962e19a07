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

/** The session token from the Cookie header (RFC 6265 §5.4: `name=value` pairs separated by "; "). */
export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
