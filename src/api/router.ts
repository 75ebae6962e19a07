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
  /**
   * Request bodies the handler reads itself, by media type, for the document only (an upload
   * taking JSON or the raw bytes): a zod schema, or `'binary'` for bytes of that type.
   */
  uploads?: Record<string, z.ZodTypeAny | 'binary'>;
  /** The handler returns where to send the browser (a path of this site): answered 303 See Other with that Location. */
  redirect?: true;
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

  /** Each route's path as a pattern, to tell "no such method here" (405) from "no such path" (404). */
  private readonly shapes: { method: string; pattern: RegExp; params: number }[] = [];

  constructor(readonly registry: OpenAPIRegistry, readonly base = '/api/v1') {
    // OPTIONS names the methods of the resource itself: `/sent-emails/sync` is not `/sent-emails/:id`.
    this.router.use((req, res, next) => {
      if (req.method !== 'OPTIONS') return next();
      const methods = this.resourceMethods(req.path);
      if (!methods.length) return next();
      res.setHeader('Allow', allowHeader(methods));
      res.status(204).end();
    });
  }

  /** The methods this router answers on `path` (under base), upper case; empty when the path is unknown. */
  methodsFor(path: string): string[] {
    return path.startsWith(`${this.base}/`) ? this.resourceMethods(path.slice(this.base.length)) : [];
  }

  /**
   * The methods of the route shapes that fit `path` best: a literal segment beats a parameter
   * (`/bookings/bulk` is never the booking whose id is "bulk", ids being UUIDs).
   */
  private resourceMethods(path: string): string[] {
    const fits = this.shapes.filter((r) => r.pattern.test(path));
    const fewest = Math.min(...fits.map((r) => r.params));
    return [...new Set(fits.filter((r) => r.params === fewest).map((r) => r.method))];
  }

  add<P extends AnyObject, Q extends AnyObject, B extends z.ZodTypeAny, R extends z.ZodTypeAny>(spec: RouteSpec<P, Q, B, R>): void {
    this.document(spec);
    const parts = spec.path.split('/');
    const params = parts.filter((p) => p.startsWith(':')).length;
    const pattern = new RegExp(`^${parts.map((p) => (p.startsWith(':') ? '[^/]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`);
    this.shapes.push({ method: spec.method.toUpperCase(), pattern, params });
    // The more literal shapes that could own this route's paths, gathered once every route is known.
    let literal: RegExp[] | undefined;
    const role = spec.role ?? 'staff';
    this.router[spec.method](spec.path, async (req, res, next) => {
      // A literal route of another method owns this path (PATCH /bookings/bulk): not ours, a 405 follows.
      if (params && (literal ??= this.shapes.filter((r) => r.params < params).map((r) => r.pattern)).some((p) => p.test(req.path))) return next();
      try {
        if (role === 'operator') requireOperator(req);
        const auth = role === 'public' || role === 'operator' ? (req.auth as AuthContext) : requireRole(req, role);
        const jsonBody = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body);
        // Depth first (recursive code must never see a 10,000-deep array), text after the schema
        // has dropped what it does not know: a stray key nobody stores is no reason to refuse.
        if (jsonBody) assertDepth(req.body, 'body');
        const params = assertCleanInput(parse(spec.params, req.params, 'path', 'BAD_REQUEST'), 'path');
        const query = assertCleanInput(parse(spec.query, req.query, 'query', 'BAD_REQUEST'), 'query');
        // An upload's JSON form has its own schema (the raw form is the handler's): through it like any body,
        // so a stray key is dropped before the text checks, as on every other route.
        const uploadJson = jsonBody && spec.uploads?.['application/json'];
        const bodySchema = spec.body ?? (uploadJson && uploadJson !== 'binary' ? uploadJson : undefined);
        const body = assertCleanInput(parse(bodySchema, req.body ?? {}, 'body', 'VALIDATION_FAILED'), 'body');
        const result = await spec.handler({ params, query, body, auth, req, res } as HandlerInput<z.output<P>, z.output<Q>, z.output<B>>);
        if (result === HANDLED) return;
        if (spec.redirect && typeof result === 'string') {
          res.redirect(303, result);
          return;
        }
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
    const status = String(spec.status ?? (spec.redirect ? 303 : spec.response || spec.produces ? 200 : 204));
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
        body: spec.body
          ? { required: !spec.body.safeParse({}).success, content: { 'application/json': { schema: spec.body } } }
          : spec.uploads
            ? { required: true, content: Object.fromEntries(Object.entries(spec.uploads).map(([type, schema]) => [type, { schema: schema === 'binary' ? { type: 'string' as const, format: 'binary' } : schema }])) }
            : undefined,
      },
      responses: {
        [status]: spec.redirect
          ? { description: 'See Other: the browser goes on to the page in `Location`', headers: { Location: { description: 'a path of this site', schema: { type: 'string' } } } }
          : spec.response
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

/** An Allow header (RFC 9110 §10.2.1): GET brings HEAD along, as Express answers it. */
export const allowHeader = (methods: string[]) => [...new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ');

/** Deepest JSON accepted: far beyond any real document, far below what recursive code (templates, Prisma) survives. */
export const MAX_JSON_DEPTH = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const refuse = (error: ReturnType<typeof fieldError>): never => {
  throw invalid([error]);
};

/** Absurdly deep JSON is refused before any schema or domain code walks it. */
export function assertDepth(value: unknown, where: string): void {
  const walk = (v: unknown, path: string, depth: number): void => {
    if (v === null || typeof v !== 'object') return;
    if (depth > MAX_JSON_DEPTH) refuse(fieldError(path, 'TOO_DEEP', { levels: MAX_JSON_DEPTH }));
    for (const [k, child] of Object.entries(v)) walk(child, `${path}.${k.slice(0, 50)}`, depth + 1);
  };
  walk(value, where, 0);
}

/**
 * Text the database cannot store (U+0000) or that is not Unicode (lone UTF-16
 * surrogates, e.g. "\ud800" in JSON) is refused, in values and in the keys of
 * free-form objects (template data), for every route; returns the value checked.
 * Runs on what a schema kept, which is no deeper than the input assertDepth passed.
 */
export function assertCleanInput<T>(value: T, where: string): T {
  const checkText = (s: string, path: string) => {
    if (s.includes('\u0000')) refuse(fieldError(path, 'NUL_CHARACTER'));
    if (LONE_SURROGATE.test(s)) refuse(fieldError(path, 'LONE_SURROGATE'));
  };
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') return checkText(v, path);
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      checkText(k, `${path}.${k.slice(0, 50)}`);
      walk(child, `${path}.${k}`);
    }
  };
  walk(value, where);
  return value;
}

function parse<T extends z.ZodTypeAny | undefined>(schema: T, value: unknown, where: string, code: 'BAD_REQUEST' | 'VALIDATION_FAILED') {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = zodToFieldErrors(result.error, where);
  throw new AppError(code === 'BAD_REQUEST' && where === 'body' ? 'VALIDATION_FAILED' : code, errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { errors });
}
