import express, { type Express } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { httpRequests } from '../metrics';
import { AppError } from '../shared/errors';
import { authenticate } from './auth';
import type { AppContext } from './context';
import { buildOpenApiDocument, createRegistry, DOCS_HTML, DOCS_INIT_JS } from './openapi';
import { errorMiddleware, sendProblem } from './problem';
import { ApiRouter } from './router';
import { registerDeliveryRoutes } from './routes/delivery';
import { registerDocumentRoutes } from './routes/documents';
import { registerOAuthRoutes } from './routes/oauth';
import { registerInvoiceRoutes } from './routes/invoices';
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
import { registerSentEmailRoutes } from './routes/sent-emails';
import { registerStructureRoutes } from './routes/structures';

/** Route groups, one file each; a feature adds its registrar here. */
const ROUTE_GROUPS: ((r: ApiRouter, ctx: AppContext) => void)[] = [
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
  registerInvoiceRoutes,
  registerNotificationRoutes,
  // Before the sent log: /sent-emails/stats and /sent-emails/sync must win over /sent-emails/:id.
  registerDeliveryRoutes,
  registerSentEmailRoutes,
];

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const end = httpRequests.startTimer();
    res.on('finish', () => end({ method: req.method, route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched', status: res.statusCode }));
    next();
  });

  mountHealthRoutes(app, ctx);

  const registry = createRegistry();
  const api = new ApiRouter(registry);
  for (const register of ROUTE_GROUPS) register(api, ctx);
  const document = buildOpenApiDocument(registry);

  app.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.get(['/api/docs', '/api/docs/'], (_req, res) => {
    res.type('html').send(DOCS_HTML);
  });
  app.get('/api/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_INIT_JS);
  });
  app.use('/api/docs/assets', express.static(getAbsoluteFSPath(), { index: false }));

  app.use(
    '/api/v1',
    express.json({ limit: ctx.config.API_BODY_LIMIT, type: ['application/json', 'application/*+json'] }),
    authenticate(ctx.prisma),
    api.router,
  );

  app.use((req, res) => {
    sendProblem(res, new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`), req.originalUrl);
  });
  app.use(errorMiddleware(ctx.logger));
  return app;
}
