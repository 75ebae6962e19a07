import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import request from 'supertest';
import { errorMiddleware } from '../../src/api/problem';
import { metricsGuard } from '../../src/api/security';
import { eventually } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

/**
 * The hostile tester's 5xx findings, one by one: each answers a 4xx
 * problem+json naming the field now, and the service keeps its data.
 */
describeIfServer('Temporal dev server', temporalAvailable())('no input yields a server error', () => {
  jest.setTimeout(60_000);
  let mr: TestMailroom;
  let org: TestOrg;
  let memberId: string;
  let structureId: string;

  beforeAll(async () => {
    mr = await startTestMailroom({ env: { RATE_LIMIT_KEY_PER_MINUTE: '40', RATE_LIMIT_CLIENT_PER_MINUTE: '0' } });
    org = await mr.newOrganization('Club');
    structureId = (await org.admin.post('/api/v1/structures', { name: 'Hangar' })).body.id;
    memberId = (await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin', structureId, emails: [{ address: 'jeanne@club.example' }] })).body.id;
  });
  afterAll(async () => {
    await mr?.stop();
  });

  const expectProblem = (res: { status: number; headers: Headers; body: { errors?: { field: string }[] } }, status: number, field?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    if (field) expect(res.body.errors?.map((e) => e.field)).toContain(field);
  };

  test('NUL and lone surrogates are refused in bodies, query strings and paths', async () => {
    expectProblem(await org.staff.post('/api/v1/members', { firstName: 'Je\u0000anne', lastName: 'M' }), 422, 'body.firstName');
    expectProblem(await org.staff.raw('POST', '/api/v1/members', '{"firstName":"\\ud800","lastName":"M"}', { 'Content-Type': 'application/json' }), 422, 'body.firstName');
    expectProblem(await org.staff.get('/api/v1/members?q=%00'), 422, 'query.q');
    expectProblem(await org.staff.get('/api/v1/members/%00'), 400, 'path.id'); // not a UUID, before anything else
    expectProblem(await org.staff.post('/api/v1/templates/a%00b/preview', {}), 400, 'path.key');
    expectProblem(await org.staff.get('/api/v1/sent-emails?q=a%00b'), 422, 'query.q');
  });

  test('a key the schema drops is no reason to refuse; a kept one with a NUL is refused', async () => {
    const created = await org.staff.raw('POST', '/api/v1/members', '{"firstName":"Stray","lastName":"Key","x\\u0000y":"\\u0000","\\ud800":1}', { 'Content-Type': 'application/json' });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('x\u0000y');
    const preview = await org.staff.post('/api/v1/templates/document.other/preview', { data: { 'nom\u0000': 'x' } });
    expectProblem(preview, 422, 'body.data.nom\u0000');
  });

  test('a known path asked with a method it does not have answers 405 with the methods it has', async () => {
    const res = await org.staff.raw('PUT', '/api/v1/members', {});
    expectProblem(res, 405);
    expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    const put = await org.staff.raw('PUT', `/api/v1/members/${memberId}`, {});
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toContain('PATCH');
    expectProblem(await org.staff.raw('PUT', '/api/v1/no-such-thing', {}), 404);
    // A literal path is its own resource, not an id: PATCH /bookings/bulk is not the booking "bulk".
    const bulk = await org.staff.raw('PATCH', '/api/v1/bookings/bulk', {});
    expect(bulk.status).toBe(405);
    expect(bulk.headers.get('allow')).toBe('POST');
    const options = await org.staff.raw('OPTIONS', '/api/v1/sent-emails/sync');
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('POST');
  });

  test('addresses as RFC 5322 writes them are taken; years from 1 to 9999 are dates', async () => {
    for (const email of ["o'brien+club@example.org", 'a&b{c}@club.example', 'x`~!#$%^*=?|@sub.club-example.fr']) {
      expect({ email, status: (await org.admin.post('/api/v1/users/invitations', { email, role: 'staff' })).status }).toEqual({ email, status: 201 });
    }
    for (const email of ['a@b', 'a..b@club.example', '.a@club.example', 'a@-club.example', '"quoted"@club.example', 'a@[192.0.2.1]', `${'x'.repeat(65)}@club.example`]) {
      expectProblem(await org.admin.post('/api/v1/users/invitations', { email, role: 'staff' }), 422, 'body.email');
    }
    expect((await org.staff.post('/api/v1/validities', { memberId, kind: 'archive', expiresAt: '0566-06-15T00:58:25Z' })).status).toBe(201);
    expect((await org.staff.get('/api/v1/sent-emails/stats/timeline?from=1343-11-24T17:59:49Z&to=1343-12-07T00:00:00Z')).status).toBe(200);
    expectProblem(await org.staff.post('/api/v1/validities', { memberId, kind: 'archive', expiresAt: '0000-01-01T00:00:00Z' }), 422, 'body.expiresAt');
    // A webhook is a URI (RFC 3986): ASCII, an internationalised host in punycode.
    expectProblem(await org.admin.put('/api/v1/settings/alerts', { webhookUrl: 'https://Ïle.example/hook' }), 422, 'body.webhookUrl');
  });

  test('numbers and dates are bounded to what the database holds', async () => {
    const invoice = { number: 'F-1', period: '2026-05', memberId, structureId, amountExclTax: 30_000_000, amountInclTax: 1, currency: 'EUR' };
    expectProblem(await org.staff.post('/api/v1/invoices', invoice), 422);
    expectProblem(await org.staff.post('/api/v1/invoices', { ...invoice, amountExclTax: 1, currency: 'éé€' }), 422);
    expect((await org.staff.post('/api/v1/invoices', { ...invoice, amountExclTax: 21_474_836.47 })).status).toBe(201);
    for (const balance of [30_000_000, 1e308]) expectProblem(await org.staff.put(`/api/v1/members/${memberId}/balance`, { balance }), 422, 'body.balance');
    expectProblem(await org.staff.post('/api/v1/validities', { memberId, kind: 'medical', expiresAt: '+275760-09-13T00:00:00Z' }), 422, 'body.expiresAt');
    expectProblem(await org.staff.post('/api/v1/validities', { memberId, kind: 'medical', expiresAt: '10000-01-01T00:00:00Z' }), 422, 'body.expiresAt');
    expectProblem(await org.admin.delete('/api/v1/sent-emails?before=0.5'), 400, 'query.before');
    expectProblem(await org.admin.delete('/api/v1/sent-emails'), 400, 'query.before');
    expectProblem(await org.staff.get('/api/v1/members?page=99999999999'), 400, 'query.page');
  });

  test('deep nesting and oversized template data are refused, not overflowed', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const res = await org.staff.raw('POST', '/api/v1/templates/document.other/preview', `{"data":{"x":${deep}}}`, { 'Content-Type': 'application/json' });
    expectProblem(res, 422);
    expectProblem(await org.staff.post('/api/v1/emails', { to: 'a@club.example', template: { key: 'document.other', data: { big: 'x'.repeat(70_000) } } }), 422, 'body.template.data');
  });

  test('content types follow RFC 2045, and a badly stored one is served as bytes', async () => {
    const upload = { filename: 'a.pdf', contentType: 'application/pdf\r\nX-Injected: 1', contentBase64: 'JVBERg==' };
    expectProblem(await org.staff.post(`/api/v1/members/${memberId}/documents`, upload), 422, 'body.contentType');
    const ok = await org.staff.post(`/api/v1/members/${memberId}/documents`, { ...upload, contentType: 'application/pdf; name="a b.pdf"' });
    expect(ok.status).toBe(201);
    await mr.db.prisma.document.update({ where: { id: ok.body.id }, data: { contentType: 'text/html\r\nSet-Cookie: x=1' } });
    const dl = await org.staff.get(`/api/v1/documents/${ok.body.id}/content`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('application/octet-stream');
    expect(dl.headers.get('set-cookie')).toBeNull();
  });

  test('search takes %, _ and \\ literally (members, sent log)', async () => {
    for (const lastName of ['Taux_100%', 'Tauxx1000', 'Back\\slash']) await org.staff.post('/api/v1/members', { firstName: 'A', lastName });
    const names = async (q: string) => (await org.staff.get(`/api/v1/members?q=${encodeURIComponent(q)}`)).body.items.map((m: { lastName: string }) => m.lastName);
    expect(await names('x_1')).toEqual(['Taux_100%']);
    expect(await names('%')).toEqual(['Taux_100%']);
    expect(await names('k\\s')).toEqual(['Back\\slash']);
    for (const subject of ['Remise 50%', 'Remise 500']) await org.staff.post('/api/v1/emails', { to: 'a@club.example', subject, text: 'x' });
    const subjects = (await org.staff.get(`/api/v1/sent-emails?q=${encodeURIComponent('50%')}`)).body.items.map((e: { subject: string }) => e.subject);
    expect(subjects).toEqual(['Remise 50%']);
  });

  test('an empty id is not the list', async () => {
    expectProblem(await org.staff.get('/api/v1/structures/'), 404);
  });

  test('security headers, docs without stored keys, and a rate limit per key', async () => {
    const docs = await fetch(`${mr.url}/api/docs`);
    expect(docs.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect(docs.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await (await fetch(`${mr.url}/api/docs/init.js`)).text()).not.toContain('persistAuthorization');
    expect((await fetch(`${mr.url}/api/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await fetch(`${mr.url}/api/docs/assets/index.html`)).status).toBe(404);
    const json = await org.staff.get('/api/v1/members');
    expect(json.headers.get('content-security-policy')).toContain("default-src 'none'");

    // A fresh key so the limit is not shared with the other tests; 40 a minute here.
    const other = await mr.newOrganization('Busy');
    let last = await other.staff.get('/api/v1/members');
    for (let i = 0; i < 45 && last.status !== 429; i++) last = await other.staff.get('/api/v1/members');
    expectProblem(last, 429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another key is not throttled by the busy one.
    expect((await org.admin.get('/api/v1/settings/organization')).status).toBe(200);
  });
});

describe('a client aborting a download', () => {
  test('is logged at debug, not as an error', async () => {
    const logger = { error: jest.fn(), debug: jest.fn() };
    const app = express();
    app.get('/file', async (_req, res, next) => {
      try {
        await pipeline(Readable.from((function* () { for (let i = 0; i < 4096; i++) yield Buffer.alloc(64 * 1024, 7); })()), res);
      } catch (err) {
        next(err);
      }
    });
    app.use(errorMiddleware(logger as never));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const req = http.get(`http://127.0.0.1:${port}/file`, (res) => res.once('data', () => { req.destroy(); resolve(); }));
      req.on('error', () => undefined);
    });
    await eventually(async () => logger.debug.mock.calls.length > 0);
    expect(logger.error).not.toHaveBeenCalled();
    server.close();
  });
});

describe('/metrics', () => {
  const app = (token?: string) => {
    const a = express();
    a.set('trust proxy', 'loopback');
    a.use('/metrics', metricsGuard({ METRICS_TOKEN: token }), (_req, res) => void res.send('mailroom_up 1'));
    return a;
  };
  test('with METRICS_TOKEN only the bearer token opens them; without it only loopback clients', async () => {
    const guarded = app('a-long-metrics-token-1234');
    expect((await request(guarded).get('/metrics')).status).toBe(401);
    expect((await request(guarded).get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
    expect((await request(guarded).get('/metrics').set('Authorization', 'Bearer a-long-metrics-token-1234')).text).toBe('mailroom_up 1');
    const open = app();
    expect((await request(open).get('/metrics')).status).toBe(200); // supertest connects over loopback
    // Behind a reverse proxy on loopback, the real client is the forwarded one.
    expect((await request(open).get('/metrics').set('X-Forwarded-For', '203.0.113.9')).status).toBe(403);
  });
});
