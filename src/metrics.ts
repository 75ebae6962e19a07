import client from 'prom-client';

/** Prometheus metrics, one registry per process (tests build several apps, hence the guard). */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'mailroom_' });

export const httpRequests = new client.Histogram({
  name: 'mailroom_http_request_duration_seconds',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const emailsQueued = new client.Counter({
  name: 'mailroom_emails_queued_total',
  help: 'Outgoing messages recorded for sending',
  labelNames: ['template'] as const,
  registers: [registry],
});
