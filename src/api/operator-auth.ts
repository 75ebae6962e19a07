import type { NextFunction, Request, Response } from 'express';
import { OPERATOR_TOKEN_PREFIX, type OperatorCredential } from '../operators/operator-credential';
import { AppError } from '../shared/errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** True when the request carries the platform operator's credential. */
    operator?: boolean;
  }
}

const bearer = (req: Request) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

/** Marks requests made with the platform operator's token; runs before the organisations' authentication. */
export function operatorAuthenticate(credential: OperatorCredential | null) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = bearer(req);
    req.operator = Boolean(credential && token?.startsWith(OPERATOR_TOKEN_PREFIX) && credential.verify(token));
    next();
  };
}

/** Operators' routes: only the operator's token; an organisation's key or session is refused. */
export function requireOperator(req: Request): void {
  if (req.operator) return;
  if (!req.headers.authorization) throw new AppError('UNAUTHENTICATED', "This route needs the platform operator's credential: \"Authorization: Bearer <operator token>\"");
  throw new AppError('FORBIDDEN', "Only the platform operator's credential can use this route, never an organisation's key");
}

/**
 * After the operators' routes: the operator's token is not an organisation's
 * key, so it cannot reach an organisation's data by accident.
 */
export function refuseOperatorOnTenantRoutes(req: Request, _res: Response, next: NextFunction): void {
  if (req.operator) return next(new AppError('FORBIDDEN', "The platform operator's credential only opens the operators' routes (/api/v1/organizations); use one of the organisation's API keys"));
  next();
}
