import { createApiKey, revokeApiKey } from '../../src/auth/api-keys';
import { apiClient } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

describeIfServer('Temporal dev server', temporalAvailable())('API authentication, roles and tenant isolation', () => {
  let mr: TestMailroom;
  let a: TestOrg;
  let b: TestOrg;

  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false } });
    a = await mr.newOrganization('Aéroclub A');
    b = await mr.newOrganization('Résidence B');
  });
  afterAll(() => mr?.stop());

  it('refuses requests without a key, with a malformed header, or with an unknown key (401 problem+json)', async () => {
    for (const client of [apiClient(mr.url), apiClient(mr.url, 'mr_not-a-real-key')]) {
      const res = await client.get('/api/v1/members');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    const res = await apiClient(mr.url).get('/api/v1/members', { Authorization: 'Basic abc' });
    expect(res.status).toBe(401);
  });

  it('refuses a revoked key', async () => {
    const { key, record } = await createApiKey(mr.db.prisma, { organizationId: a.organizationId, role: 'admin', name: 'temp' });
    expect((await apiClient(mr.url, key).get('/api/v1/members')).status).toBe(200);
    expect(await revokeApiKey(mr.db.prisma, a.organizationId, record.id)).toBe(true);
    expect((await apiClient(mr.url, key).get('/api/v1/members')).status).toBe(401);
  });

  it('stores keys hashed only', async () => {
    const keys = await mr.db.prisma.apiKey.findMany({ where: { organizationId: a.organizationId } });
    for (const k of keys) {
      expect(k.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(k.hash).not.toContain(a.adminKey);
    }
  });

  it('lets staff read and write members but not administer structures (403)', async () => {
    expect((await a.staff.post('/api/v1/members', { firstName: 'Josiane', lastName: 'Mailly' })).status).toBe(201);
    const res = await a.staff.post('/api/v1/structures', { name: 'Les Tilleuls' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await a.admin.post('/api/v1/structures', { name: 'Les Tilleuls' })).status).toBe(201);
  });

  it("never shows or changes another organisation's members, structures, documents or sent emails (404)", async () => {
    const structure = (await b.admin.post('/api/v1/structures', { name: 'B only' })).body;
    const member = (await b.admin.post('/api/v1/members', { firstName: 'Bea', lastName: 'Bee', emails: [{ address: 'bea@example.org' }] })).body;
    const doc = (await b.admin.post(`/api/v1/members/${member.id}/documents`, { filename: 'b.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 b').toString('base64') })).body;
    const sent = await mr.db.prisma.sentEmail.create({
      data: { organizationId: b.organizationId, idempotencyKey: 'k1', fromAddress: 'b@example.org', to: ['x@example.org'], subject: 's', messageId: '<k1@example.org>' },
    });

    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/members/${member.id}`],
      ['PATCH', `/api/v1/members/${member.id}`, { firstName: 'Hacked' }],
      ['DELETE', `/api/v1/members/${member.id}`],
      ['GET', `/api/v1/members/${member.id}/documents`],
      ['POST', `/api/v1/members/${member.id}/documents`, { filename: 'x.txt', contentBase64: 'eA==' }],
      ['GET', `/api/v1/structures/${structure.id}`],
      ['PATCH', `/api/v1/structures/${structure.id}`, { name: 'Hacked' }],
      ['GET', `/api/v1/documents/${doc.id}`],
      ['GET', `/api/v1/documents/${doc.id}/content`],
      ['GET', `/api/v1/sent-emails/${sent.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await a.admin.raw(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(res.body.code).toBe('NOT_FOUND');
    }
    // Lists never leak either.
    expect((await a.admin.get('/api/v1/members?q=Bee')).body.total).toBe(0);
    expect((await a.admin.get('/api/v1/structures')).body.items.map((s: { name: string }) => s.name)).not.toContain('B only');
    expect((await a.admin.get('/api/v1/sent-emails')).body.items).toEqual([]);
    // A's member cannot be attached to B's structure.
    const bad = await a.admin.post('/api/v1/members', { firstName: 'X', lastName: 'Y', structureId: structure.id });
    expect(bad.status).toBe(422);
    // And nothing of B changed.
    expect((await b.admin.get(`/api/v1/members/${member.id}`)).body.firstName).toBe('Bea');
    expect((await b.admin.get(`/api/v1/structures/${structure.id}`)).body.name).toBe('B only');
  });

  it('answers bad JSON with 400, invalid fields with 422 naming the field, unknown routes with 404, all as problem+json', async () => {
    const badJson = await a.admin.raw('POST', '/api/v1/members', '{"firstName": ', { 'Content-Type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ code: 'INVALID_JSON' });

    const invalid = await a.admin.post('/api/v1/members', { firstName: '', lastName: 'X', emails: [{ address: 'nope' }] });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.firstName' })]));

    const badEmail = await a.admin.post('/api/v1/members', { firstName: 'A', lastName: 'B', emails: [{ address: 'not an address' }] });
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.errors).toEqual([{ field: 'body.emails.0.address', reason: 'not a valid email address', code: 'EMAIL', params: {} }]);

    const badPage = await a.admin.get('/api/v1/members?page=0');
    expect(badPage.status).toBe(400);
    expect(badPage.body.errors[0].field).toBe('query.page');

    const unknown = await a.admin.get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('answers an oversized body with 413', async () => {
    const big = { firstName: 'x'.repeat(31 * 1024 * 1024), lastName: 'y' };
    const res = await a.admin.post('/api/v1/members', big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('pages lists 10 at a time with the total', async () => {
    for (let i = 0; i < 23; i++) await a.admin.post('/api/v1/members', { firstName: `P${i}`, lastName: `Pager${String(i).padStart(2, '0')}` });
    const p1 = await a.admin.get('/api/v1/members?q=Pager');
    expect(p1.body).toMatchObject({ page: 1, pageSize: 10, total: 23 });
    expect(p1.body.items).toHaveLength(10);
    const p3 = await a.admin.get('/api/v1/members?q=Pager&page=3');
    expect(p3.body.items.map((m: { lastName: string }) => m.lastName)).toEqual(['Pager20', 'Pager21', 'Pager22']);
  });

  it('serves health, readiness, metrics and the OpenAPI document built from the route schemas', async () => {
    const c = apiClient(mr.url);
    expect((await c.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await c.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: { ok: true }, temporal: { ok: true } });
    expect((await c.get('/metrics')).text).toContain('mailroom_http_request_duration_seconds');
    const doc = (await c.get('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/members', '/api/v1/members/{id}', '/api/v1/emails', '/api/v1/sent-emails/{id}', '/api/v1/documents/{id}/content']));
    expect(doc.paths['/api/v1/members'].post.requestBody.content['application/json'].schema).toBeDefined();
    const docs = await c.get('/api/docs');
    expect(docs.text).toContain('swagger-ui-bundle.js');
    expect((await c.get('/api/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });
});
