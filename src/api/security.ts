import crypto from 'node:crypto';
import path from 'node:path';
import express, { type Express, type Request, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config';
import { AppError, problem } from '../shared/errors';
import { sendProblem } from './problem';

/**
 * Browser-facing hardening shared by every route. The global headers are the
 * strict ones an API answer needs (nothing may load, nothing may frame it);
 * a route that serves a page sets its own Content-Security-Policy after them
 * (the docs page below, the console, downloads), which replaces the default.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Same-origin by default; the console and docs load only their own files.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // HTTPS is the reverse proxy's business (the API itself may listen on plain HTTP behind it).
    strictTransportSecurity: false,
  });
}

/** The docs page: Swagger UI's two files and our init script, nothing else of swagger-ui-dist. */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_ASSETS: Record<string, string> = { 'swagger-ui.css': 'text/css', 'swagger-ui-bundle.js': 'application/javascript' };
// The package's folder alone: its main module evaluates the whole browser bundle in Node (~10 MB of heap, for nothing).
const swaggerDir = () => path.dirname(require.resolve('swagger-ui-dist/package.json'));

export function mountDocs(app: Express, html: string, initJs: string): void {
  const docsCsp: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    next();
  };
  app.get(['/api/docs', '/api/docs/'], docsCsp, (_req, res) => {
    res.type('html').send(html);
  });
  app.get('/api/docs/init.js', docsCsp, (_req, res) => {
    res.type('application/javascript').send(initJs);
  });
  app.get('/api/docs/assets/:file', docsCsp, (req, res, next) => {
    const file = String(req.params.file);
    const type = DOCS_ASSETS[file];
    if (!type) return next();
    res.type(type).sendFile(path.join(swaggerDir(), file), { maxAge: '1d' });
  });
}

const isLoopback = (ip: string | undefined) => {
  try {
    return Boolean(ip) && ipaddr.process(ip!).range() === 'loopback';
  } catch {
    return false;
  }
};

/**
 * /metrics: with METRICS_TOKEN, a bearer token (compared in constant time);
 * without it, loopback clients only (a Prometheus on the same host, or the
 * reverse proxy's own health checks), never the public.
 */
export function metricsGuard(config: Pick<Config, 'METRICS_TOKEN'>): RequestHandler {
  const expected = config.METRICS_TOKEN ? crypto.createHash('sha256').update(config.METRICS_TOKEN).digest() : null;
  return (req, res, next) => {
    if (expected) {
      const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (crypto.timingSafeEqual(expected, crypto.createHash('sha256').update(given).digest())) return next();
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendProblem(res, new AppError('UNAUTHENTICATED', 'The metrics need the METRICS_TOKEN bearer token'), req.originalUrl);
    }
    if (isLoopback(req.ip)) return next();
    sendProblem(res, new AppError('FORBIDDEN', 'The metrics are only served to loopback clients unless METRICS_TOKEN is set'), req.originalUrl);
  };
}

/** Who a request counts against: its API key (hashed) or session, and its client address. */
const credentialOf = (req: Request) => {
  const auth = req.get('authorization');
  const cookie = req.get('cookie');
  const raw = auth ?? (cookie && /(?:^|;\s*)mailroom[^=]*=([^;]+)/i.exec(cookie)?.[1]);
  return raw ? crypto.createHash('sha256').update(raw).digest('base64url') : null;
};

/**
 * Per key and per client address, a sliding minute (RATE_LIMIT_*_PER_MINUTE,
 * 0 turns a limit off). Answered with 429 problem+json and Retry-After.
 */
export function rateLimits(config: Pick<Config, 'RATE_LIMIT_KEY_PER_MINUTE' | 'RATE_LIMIT_CLIENT_PER_MINUTE'>): RequestHandler[] {
  const handler: RequestHandler = (req, res) => {
    const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
    const seconds = info?.resetTime ? Math.max(1, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000)) : 60;
    res.setHeader('Retry-After', String(seconds));
    sendProblem(res, problem('RATE_LIMITED', 'TOO_MANY_REQUESTS', { seconds }, { extra: { retryAfterSeconds: seconds } }), req.originalUrl);
  };
  const common = { windowMs: 60_000, standardHeaders: 'draft-7' as const, legacyHeaders: false, handler };
  const limits: RequestHandler[] = [];
  if (config.RATE_LIMIT_CLIENT_PER_MINUTE > 0) {
    limits.push(rateLimit({ ...common, limit: config.RATE_LIMIT_CLIENT_PER_MINUTE, keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}` }));
  }
  if (config.RATE_LIMIT_KEY_PER_MINUTE > 0) {
    limits.push(rateLimit({ ...common, limit: config.RATE_LIMIT_KEY_PER_MINUTE, skip: (req) => !credentialOf(req), keyGenerator: (req) => `key:${credentialOf(req)}` }));
  }
  return limits.length ? limits : [express.Router()];
}
