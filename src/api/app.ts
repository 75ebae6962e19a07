import express, { type Express } from 'express';
import { httpRequests } from '../metrics';
import { AppError } from '../shared/errors';
import { sessionTimes } from '../auth/sign-in';
import { authenticate } from './auth';
import { operatorAuthenticate, refuseOperatorOnTenantRoutes } from './operator-auth';
import type { AppContext } from './context';
import { buildOpenApiDocument, createRegistry, DOCS_HTML, DOCS_INIT_JS } from './openapi';
import { errorMiddleware, sendProblem } from './problem';
import { allowHeader, ApiRouter } from './router';
import { metricsGuard, mountDocs, rateLimits, securityHeaders } from './security';
import { registerDeliveryRoutes } from './routes/delivery';
import { registerDocumentRoutes } from './routes/documents';
import { registerOAuthRoutes } from './routes/oauth';
import { registerOrganizationRoutes } from './routes/organizations';
import { registerInvoiceRoutes } from './routes/invoices';
import { registerInvoiceBatchHistoryRoutes } from './routes/invoice-batch-history';
import { registerNotificationListRoutes } from './routes/notification-lists';
import { registerSentEmailOverviewRoutes } from './routes/sent-emails-overview';
import { registerNotificationRoutes } from './routes/notifications';
import { registerOutgoingRoutes } from './routes/outgoing';
import { registerTemplateRoutes } from './routes/templates';
import { registerMailboxOAuthRoutes } from './routes/mailbox-oauth';
import { registerQuarantineRoutes } from './routes/quarantine';
import { registerReceptionRoutes } from './routes/reception';
import { registerSettingsRoutes } from './routes/settings';
import { registerEmailRoutes } from './routes/emails';
import { mountHealthRoutes } from './routes/health';
import { registerMemberRoutes } from './routes/members';
import { registerApiKeyRoutes } from './routes/api-keys';
import { registerAuthRoutes } from './routes/auth';
import { registerUserRoutes } from './routes/users';
import { registerSentEmailRoutes } from './routes/sent-emails';
import { registerStructureRoutes } from './routes/structures';
import { mountConsole } from './console';

/** Route groups, one file each; a feature adds its registrar here. */
const ROUTE_GROUPS: ((r: ApiRouter, ctx: AppContext) => void)[] = [
  registerAuthRoutes,
  registerUserRoutes,
  registerApiKeyRoutes,
  registerMemberRoutes,
  registerStructureRoutes,
  registerDocumentRoutes,
  registerEmailRoutes,
  registerSettingsRoutes,
  registerOutgoingRoutes,
  registerOAuthRoutes,
  registerReceptionRoutes,
  registerQuarantineRoutes,
  registerMailboxOAuthRoutes,
  registerTemplateRoutes,
  // Before the invoice routes: /invoice-batches/preview must win over /invoice-batches/:id.
  registerInvoiceBatchHistoryRoutes,
  registerInvoiceRoutes,
  registerNotificationRoutes,
  registerNotificationListRoutes,
  // Before the sent log: /sent-emails/stats and /sent-emails/sync must win over /sent-emails/:id.
  registerDeliveryRoutes,
  registerSentEmailOverviewRoutes,
  registerSentEmailRoutes,
];

/** The routes and their OpenAPI document; registrars only keep `ctx` for their handlers. */
export function buildApi(ctx: AppContext): { api: ApiRouter; operators: ApiRouter; document: ReturnType<typeof buildOpenApiDocument> } {
  const registry = createRegistry();
  const api = new ApiRouter(registry);
  for (const register of ROUTE_GROUPS) register(api, ctx);
  // Platform operators' routes: their own router, ahead of the organisations' authentication.
  const operators = new ApiRouter(registry);
  registerOrganizationRoutes(operators, ctx);
  return { api, operators, document: buildOpenApiDocument(registry) };
}

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());

  app.use((req, res, next) => {
    const end = httpRequests.startTimer();
    res.on('finish', () => end({ method: req.method, route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched', status: res.statusCode }));
    next();
  });

  app.use('/metrics', metricsGuard(ctx.config));
  mountHealthRoutes(app, ctx);

  const { api, operators, document } = buildApi(ctx);

  app.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  mountDocs(app, DOCS_HTML, DOCS_INIT_JS);

  app.use(
    '/api/v1',
    ...rateLimits(ctx.config),
    express.json({ limit: ctx.config.API_BODY_LIMIT, type: ['application/json', 'application/*+json'] }),
    operatorAuthenticate(ctx.operator ?? null),
    operators.router,
    refuseOperatorOnTenantRoutes,
    authenticate(ctx.prisma, ctx.sql, sessionTimes(ctx.config)),
    api.router,
  );
  mountConsole(app);

  app.use((req, res) => {
    // RFC 9110 §15.5.6: a known resource asked with a method it does not support is a 405 naming the ones it does.
    const allowed = [...api.methodsFor(req.path), ...operators.methodsFor(req.path)];
    if (allowed.length) {
      res.setHeader('Allow', allowHeader(allowed));
      sendProblem(res, new AppError('METHOD_NOT_ALLOWED', `${req.method} is not supported on ${req.path}; use ${allowHeader(allowed)}`), req.originalUrl);
      return;
    }
    sendProblem(res, new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`), req.originalUrl);
  });
  app.use(errorMiddleware(ctx.logger));
  return app;
}
