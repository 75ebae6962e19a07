import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import { AppError } from '../shared/errors';
import { requireRole, type AuthContext } from './auth';
import { zodToFieldErrors } from './problem';
import { problemSchema } from './zod';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodType<Record<string, unknown>>;

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  auth: AuthContext;
  req: Request;
  res: Response;
}

/** Returned by handlers that wrote the response themselves (downloads, redirects). */
export const HANDLED = Symbol('handled');

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodTypeAny, R extends z.ZodTypeAny> {
  method: Method;
  /** Express-style path under /api/v1, e.g. `/members/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /**
   * Least role allowed. Default `staff`; `admin` for settings and purges;
   * `member` admits member keys too (the handler checks they act on themselves);
   * `public` needs no key.
   */
  role?: 'admin' | 'staff' | 'member' | 'public';
  params?: P;
  query?: Q;
  body?: B;
  response?: R;
  /** Success status; 204 when the handler returns nothing. */
  status?: number;
  /** For non-JSON answers (documented only). */
  produces?: string;
  description?: string;
  handler: (input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | typeof HANDLED | void>;
}

/**
 * The thin API layer: each route is one zod-described spec that both validates
 * the request and documents it in the OpenAPI registry, then calls domain code.
 */
export class ApiRouter {
  readonly router: Router = express.Router();

  constructor(readonly registry: OpenAPIRegistry, readonly base = '/api/v1') {}

  add<P extends AnyObject, Q extends AnyObject, B extends z.ZodTypeAny, R extends z.ZodTypeAny>(spec: RouteSpec<P, Q, B, R>): void {
    this.document(spec);
    const role = spec.role ?? 'staff';
    this.router[spec.method](spec.path, async (req, res, next) => {
      try {
        const auth = role === 'public' ? (req.auth as AuthContext) : requireRole(req, role);
        const params = parse(spec.params, req.params, 'path', 'BAD_REQUEST');
        const query = parse(spec.query, req.query, 'query', 'BAD_REQUEST');
        const body = parse(spec.body, req.body ?? {}, 'body', 'VALIDATION_FAILED');
        const result = await spec.handler({ params, query, body, auth, req, res } as HandlerInput<z.output<P>, z.output<Q>, z.output<B>>);
        if (result === HANDLED) return;
        if (result === undefined) {
          res.status(spec.status ?? 204).end();
          return;
        }
        res.status(spec.status ?? 200).json(result);
      } catch (err) {
        next(err);
      }
    });
  }

  private document(spec: RouteSpec<AnyObject, AnyObject, z.ZodTypeAny, z.ZodTypeAny>): void {
    const status = String(spec.status ?? (spec.response ? 200 : 204));
    const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: problemSchema } } };
    this.registry.registerPath({
      method: spec.method,
      path: this.base + spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: spec.summary,
      description: spec.description,
      tags: spec.tags,
      security: spec.role === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
      request: {
        params: spec.params as never,
        query: spec.query as never,
        body: spec.body ? { content: { 'application/json': { schema: spec.body } } } : undefined,
      },
      responses: {
        [status]: spec.response
          ? { description: 'Success', content: { [spec.produces ?? 'application/json']: { schema: spec.response } } }
          : { description: spec.produces ? `Content (${spec.produces})` : 'No content' },
        '4XX': problem,
        '500': problem,
      },
    });
  }
}

function parse<T extends z.ZodTypeAny | undefined>(schema: T, value: unknown, where: string, code: 'BAD_REQUEST' | 'VALIDATION_FAILED') {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = zodToFieldErrors(result.error, where);
  throw new AppError(code === 'BAD_REQUEST' && where === 'body' ? 'VALIDATION_FAILED' : code, errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { errors });
}
