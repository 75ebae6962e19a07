import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import { AppError, invalid } from '../shared/errors';
import { fieldError } from '../shared/field-reasons';
import { requireRole, type AuthContext } from './auth';
import { requireOperator } from './operator-auth';
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
   * `public` needs no key; `operator` only the platform operator's credential
   * (operators' routes, on their own ApiRouter ahead of the organisations' auth).
   */
  role?: 'admin' | 'staff' | 'member' | 'public' | 'operator';
  params?: P;
  query?: Q;
  body?: B;
  response?: R;
  /** Success status; 204 when the handler returns nothing. */
  status?: number;
  /** Media type of a download the handler writes itself (documented as a 200 with a binary body; any type, "*\/*", when it is the stored file's own). */
  produces?: string;
  description?: string;
  handler: (input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | typeof HANDLED | void>;
}

/**
 * The thin API layer: each route is one zod-described spec that both validates
 * the request and documents it in the OpenAPI registry, then calls domain code.
 */
export class ApiRouter {
  // strict: `/structures/` (an empty id) is not `/structures` (the list).
  readonly router: Router = express.Router({ strict: true });

  constructor(readonly registry: OpenAPIRegistry, readonly base = '/api/v1') {}

  add<P extends AnyObject, Q extends AnyObject, B extends z.ZodTypeAny, R extends z.ZodTypeAny>(spec: RouteSpec<P, Q, B, R>): void {
    this.document(spec);
    const role = spec.role ?? 'staff';
    this.router[spec.method](spec.path, async (req, res, next) => {
      try {
        if (role === 'operator') requireOperator(req);
        const auth = role === 'public' || role === 'operator' ? (req.auth as AuthContext) : requireRole(req, role);
        assertCleanInput(req.params, 'path');
        assertCleanInput(req.query, 'query');
        if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) assertCleanInput(req.body, 'body');
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
    const status = String(spec.status ?? (spec.response || spec.produces ? 200 : 204));
    const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: problemSchema } } };
    this.registry.registerPath({
      method: spec.method,
      path: this.base + spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: spec.summary,
      description: spec.description,
      tags: spec.tags,
      security: spec.role === 'public' ? [] : spec.role === 'operator' ? [{ operatorAuth: [] }] : [{ bearerAuth: [] }, { cookieAuth: [] }],
      request: {
        params: spec.params as never,
        query: spec.query as never,
        // An absent body is parsed as `{}`: the body is required exactly when `{}` is not enough.
        body: spec.body ? { required: !spec.body.safeParse({}).success, content: { 'application/json': { schema: spec.body } } } : undefined,
      },
      responses: {
        [status]: spec.response
          ? { description: 'Success', content: { [spec.produces ?? 'application/json']: { schema: spec.response } } }
          : spec.produces
            ? { description: `The file (${spec.produces})`, content: { [spec.produces]: { schema: { type: 'string', format: 'binary' } } } }
            : { description: 'No content' },
        '4XX': problem,
        '500': problem,
      },
    });
  }
}

/** Deepest JSON accepted: far beyond any real document, far below what recursive code (templates, Prisma) survives. */
export const MAX_JSON_DEPTH = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text the database cannot store (U+0000) or that is not Unicode (lone UTF-16
 * surrogates, e.g. "\ud800" in JSON) and absurdly deep nesting are refused
 * here, for every route, before any schema or domain code sees them.
 */
export function assertCleanInput(value: unknown, where: string): void {
  const fail = (error: ReturnType<typeof fieldError>) => {
    throw invalid([error]);
  };
  const checkText = (s: string, path: string) => {
    if (s.includes('\u0000')) fail(fieldError(path, 'NUL_CHARACTER'));
    if (LONE_SURROGATE.test(s)) fail(fieldError(path, 'LONE_SURROGATE'));
  };
  const walk = (v: unknown, path: string, depth: number): void => {
    if (typeof v === 'string') return checkText(v, path);
    if (v === null || typeof v !== 'object') return;
    if (depth > MAX_JSON_DEPTH) fail(fieldError(path, 'TOO_DEEP', { levels: MAX_JSON_DEPTH }));
    for (const [k, child] of Object.entries(v)) {
      checkText(k, `${path}.${k.slice(0, 50)}`);
      walk(child, `${path}.${k}`, depth + 1);
    }
  };
  walk(value, where, 0);
}

function parse<T extends z.ZodTypeAny | undefined>(schema: T, value: unknown, where: string, code: 'BAD_REQUEST' | 'VALIDATION_FAILED') {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = zodToFieldErrors(result.error, where);
  throw new AppError(code === 'BAD_REQUEST' && where === 'body' ? 'VALIDATION_FAILED' : code, errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { errors });
}
