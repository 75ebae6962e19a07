import fc from 'fast-check';
import { templateRegistry } from '../../src/templates/registry';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

type Doc = { components: { schemas: Record<string, { properties: Record<string, { pattern?: string; enum?: string[]; properties?: Record<string, { enum?: string[] }> }> }> }; paths: Record<string, Record<string, { requestBody: { content: { 'application/json': { schema: { properties: Record<string, { enum?: string[]; properties?: Record<string, { enum?: string[] }> }> } } } } }>> };

/**
 * What the OpenAPI document admits, the service accepts (schemathesis' positive-data check), and
 * what it refuses is refused naming the field: base64 contents are a pattern of the document
 * (a refinement it did not show), template keys an enum (any text was admitted, then 422).
 */
describeIfServer('Temporal dev server', temporalAvailable())('input the document describes', () => {
  jest.setTimeout(60_000);
  let mr: TestMailroom;
  let org: TestOrg;
  let memberId: string;
  let doc: Doc;

  beforeAll(async () => {
    mr = await startTestMailroom();
    org = await mr.newOrganization('Club');
    memberId = (await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin', emails: [{ address: 'jeanne@club.example' }] })).body.id;
    doc = (await org.staff.get('/api/openapi.json')).body as Doc;
  });
  afterAll(async () => {
    await mr?.stop();
  });

  it('accepts every base64 content of the documented pattern, and refuses others naming body.contentBase64', async () => {
    const pattern = doc.components.schemas.DocumentUpload!.properties.contentBase64!.pattern!;
    expect(pattern).toBeDefined();
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(new RegExp(pattern), { size: 'small' }).filter((s) => s.length > 0), async (contentBase64) => {
        const res = await org.staff.post(`/api/v1/members/${memberId}/documents`, { filename: 'a.bin', contentBase64 });
        expect([res.status, res.body.detail]).toEqual([201, undefined]);
      }),
      { numRuns: 25 },
    );
    // A stray key is dropped by the schema before the text checks, as on every route (a NUL in its name was a 422).
    const stray = await org.staff.post(`/api/v1/members/${memberId}/documents`, { filename: 'a.bin', contentBase64: 'eA==', 'x\u0000y': 1 });
    expect(stray.status).toBe(201);
    const bad = await org.staff.post(`/api/v1/members/${memberId}/documents`, { filename: 'a.bin', contentBase64: 'é3' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.contentBase64', code: 'NOT_BASE64' })]);
  });

  it('lists the template keys, and refuses another naming the field', async () => {
    const keys = [...templateRegistry.keys()].sort();
    const send = doc.paths['/api/v1/documents/{id}/send']!.post!.requestBody.content['application/json'].schema.properties.template!;
    const emails = doc.components.schemas.SendEmail!.properties.template!;
    expect([...send.enum!].sort()).toEqual(keys);
    expect([...emails.properties!.key!.enum!].sort()).toEqual(keys);

    const documentId = (await org.staff.post(`/api/v1/members/${memberId}/documents`, { filename: 'devis.pdf', kind: 'quote', contentBase64: 'JVBERi0xLjQK' })).body.id;
    for (const template of keys) {
      const res = await org.staff.post(`/api/v1/documents/${documentId}/send`, { to: ['jeanne@club.example'], template });
      expect([template, res.status]).toEqual([template, 202]);
    }
    const bad = await org.staff.post(`/api/v1/documents/${documentId}/send`, { to: ['jeanne@club.example'], template: 'nope' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.template' })]);
    const badMail = await org.staff.post('/api/v1/emails', { to: 'jeanne@club.example', template: { key: 'nope' } });
    expect(badMail.status).toBe(422);
    expect(badMail.body.errors).toEqual([expect.objectContaining({ field: 'body.template.key' })]);
  });

  it('names the refused placeholders of a draft template by their place in the request', async () => {
    const res = await org.admin.post('/api/v1/templates/document.quote/preview', { draft: { subject: 'Devis &inconnu', text: 'Bonjour' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.draft.subject', code: 'UNKNOWN_PLACEHOLDER' })]);
  });
});
