import type { NextFunction, Request, Response } from 'express';
import { findActiveApiKey } from '../auth/api-keys';
import { findSession, type SessionTimes } from '../auth/sessions';
import { sameToken } from '../auth/tokens';
import type { SqlRunner } from '../db/sql';
import type { PrismaClient } from '../generated/prisma/client';
import { CSRF_HEADER } from '../shared/auth';
import { AppError, problem } from '../shared/errors';
import { readSessionCookies } from './session-cookie';

export interface AuthContext {
  organizationId: string;
  role: 'admin' | 'staff';
  /** The API key used; null for a staff session. */
  keyId: string | null;
  /** The signed-in staff user; null for an API key. */
  userId: string | null;
  /** The staff session; null for an API key. */
  sessionId: string | null;
  /** Set when the key belongs to a member (member self-service routes). */
  memberId: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
    /** Why a present credential was not accepted (CSRF, suspension), reported by `requireRole`. */
    authRefused?: AppError;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves `Authorization: Bearer <key>` (integrators) or the session cookie
 * (staff console) to the organisation and role; never says which part was
 * wrong. A cookie-authenticated write must carry the session's CSRF token in
 * X-CSRF-Token (synchronizer token); keys need none, as browsers never send
 * them on their own. A bad or expired cookie is ignored here (public routes
 * still work); routes that need a user then answer 401.
 */
export function authenticate(prisma: PrismaClient, sql: SqlRunner, times: SessionTimes) {
  const touched = new Map<string, number>();
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const header = req.headers.authorization;
      if (header) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match) throw new AppError('UNAUTHENTICATED', 'Use "Authorization: Bearer <api key>"');
        const key = await findActiveApiKey(sql, match[1]!);
        if (!key) throw new AppError('UNAUTHENTICATED', 'The API key is unknown or revoked');
        if (key.suspended) throw problem('FORBIDDEN', 'ORGANIZATION_SUSPENDED');
        req.auth = { organizationId: key.organizationId, role: key.role, keyId: key.id, userId: null, sessionId: null, memberId: key.memberId };
        // lastUsedAt at most once a minute per key, off the request path.
        const now = Date.now();
        if ((touched.get(key.id) ?? 0) < now - 60_000) {
          touched.set(key.id, now);
          prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
        }
        return next();
      }
      let session: Awaited<ReturnType<typeof findSession>> = null;
      for (const token of readSessionCookies(req)) {
        session = await findSession(prisma, token, times);
        if (session) break;
      }
      if (!session) return next();
      const { user } = session;
      if (user.organization.suspendedAt) {
        req.authRefused = problem('FORBIDDEN', 'ORGANIZATION_SUSPENDED');
        return next();
      }
      if (!SAFE_METHODS.has(req.method) && !sameToken(String(req.get(CSRF_HEADER) ?? ''), session.csrfToken)) {
        req.authRefused = problem('FORBIDDEN', 'CSRF_REJECTED');
        return next();
      }
      req.auth = { organizationId: user.organizationId, role: user.role, keyId: null, userId: user.id, sessionId: session.id, memberId: null };
      next();
    } catch (err) {
      next(err);
    }
  };
}

const RANK = { staff: 1, admin: 2 } as const;

/**
 * `member` admits any valid key, member keys included: the route itself must
 * then check that a member key only touches its own member.
 */
export function requireRole(req: Request, role: 'admin' | 'staff' | 'member'): AuthContext {
  const auth = req.auth;
  if (!auth && req.authRefused) throw req.authRefused;
  if (!auth) throw problem('UNAUTHENTICATED', 'SIGN_IN_OR_KEY');
  if (role === 'member') return auth;
  if (auth.memberId) throw new AppError('FORBIDDEN', 'A member key can only use member self-service routes');
  if (RANK[auth.role] < RANK[role]) throw problem('FORBIDDEN', 'ROLE_REQUIRED', { role });
  return auth;
}

/** For routes only a signed-in user can use (their own profile, password). */
export function requireUser(auth: AuthContext): AuthContext & { userId: string } {
  if (!auth.userId) throw problem('FORBIDDEN', 'STAFF_USERS_ONLY');
  return auth as AuthContext & { userId: string };
}
