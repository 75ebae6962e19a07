import type { Express } from 'express';
import { registry } from '../../metrics';
import type { AppContext } from '../context';

/** Liveness, readiness (database and Temporal reachable) and Prometheus metrics. */
export function mountHealthRoutes(app: Express, ctx: AppContext): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all([
      ctx.sql.query('SELECT 1').then(
        () => (checks.database = { ok: true }),
        (err: Error) => (checks.database = { ok: false, error: err.message }),
      ),
      withTimeout(ctx.temporal.workflowService.getSystemInfo({}), 3000).then(
        () => (checks.temporal = { ok: true }),
        (err: Error) => (checks.temporal = { ok: false, error: err.message }),
      ),
    ]);
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
