import type { NextFunction, Request, Response } from 'express';
import { findActiveApiKey } from '../auth/api-keys';
import type { PrismaClient } from '../generated/prisma/client';
import { AppError } from '../shared/errors';

export interface AuthContext {
  organizationId: string;
  role: 'admin' | 'staff';
  keyId: string;
  /** Set when the key belongs to a member (member self-service routes). */
  memberId: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
}

/** Resolves `Authorization: Bearer <key>` to the organisation and role; never says which part was wrong. */
export function authenticate(prisma: PrismaClient) {
  const touched = new Map<string, number>();
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const header = req.headers.authorization;
      if (!header) return next();
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new AppError('UNAUTHENTICATED', 'Use "Authorization: Bearer <api key>"');
      const key = await findActiveApiKey(prisma, match[1]!);
      if (!key) throw new AppError('UNAUTHENTICATED', 'The API key is unknown or revoked');
      req.auth = { organizationId: key.organizationId, role: key.role, keyId: key.id, memberId: key.memberId };
      // lastUsedAt at most once a minute per key, off the request path.
      const now = Date.now();
      if ((touched.get(key.id) ?? 0) < now - 60_000) {
        touched.set(key.id, now);
        prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
      }
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
  if (!auth) throw new AppError('UNAUTHENTICATED', 'This route needs an API key: "Authorization: Bearer <api key>"');
  if (role === 'member') return auth;
  if (auth.memberId) throw new AppError('FORBIDDEN', 'A member key can only use member self-service routes');
  if (RANK[auth.role] < RANK[role]) throw new AppError('FORBIDDEN', `This action needs the ${role} role`);
  return auth;
}
