import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { apiClient } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

describeIfServer('PostgreSQL (DATABASE_URL) and Temporal', Boolean(process.env.DATABASE_URL) && temporalAvailable())('operators CLI (npm run mailroom)', () => {
  let mr: TestMailroom;
  let smtp: RecordingSmtpServer;
  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });

  const cli = async (...args: string[]) => (await run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/index.ts'), ...args], { cwd: root, env: { ...process.env, ...mr.env } })).stdout;

  it('creates an organisation with an admin key that works, then staff keys that can be revoked', async () => {
    const created = await cli('org:create', '--name', 'Résidence Les Tilleuls');
    const orgId = /organization: (\S+)/.exec(created)![1]!;
    const adminKey = /admin API key \(shown once\): (\S+)/.exec(created)![1]!;
    expect((await apiClient(mr.url, adminKey).get('/api/v1/members')).status).toBe(200);

    const staff = await cli('key:create', '--org', orgId, '--role', 'staff', '--name', 'accueil');
    const keyId = /key id: (\S+)/.exec(staff)![1]!;
    const staffKey = /API key \(shown once\): (\S+)/.exec(staff)![1]!;
    const staffApi = apiClient(mr.url, staffKey);
    expect((await staffApi.get('/api/v1/members')).status).toBe(200);
    expect((await staffApi.post('/api/v1/structures', { name: 'x' })).status).toBe(403);

    const listed = await cli('key:list', '--org', orgId);
    expect(listed).toContain('accueil');
    expect(listed).not.toContain(staffKey);

    await cli('key:revoke', keyId, '--org', orgId);
    expect((await staffApi.get('/api/v1/members')).status).toBe(401);
    await expect(cli('key:revoke', keyId, '--org', orgId)).rejects.toThrow(/no active key/);
  });

  it('sends an invoice batch and follows it to the end, then reports its status', async () => {
    const org = await mr.newOrganization('Résidence CLI');
    const structure = (await org.admin.post('/api/v1/structures', { name: 'Les Lilas' })).body;
    for (let i = 0; i < 3; i++) {
      const m = (await org.staff.post('/api/v1/members', { firstName: `C${i}`, lastName: 'Cli', structureId: structure.id, emails: [{ address: `cli${i}@example.org` }] })).body;
      await org.staff.post('/api/v1/invoices', { number: `CLI-${i}`, period: '2024-09', memberId: m.id, structureId: structure.id, amountExclTax: 10, amountInclTax: 12, pdfBase64: Buffer.from('%PDF-1.4 x').toString('base64') });
    }
    const out = await cli('batch:send', '--period', '2024-09', '--structure', structure.id, '--all');
    expect(out).toMatch(/batch \S+: 3 messages/);
    expect(out).toContain('batch completed: 3 sent, 0 failed, 0 cancelled');
    const batchId = /batch (\S+): 3 messages/.exec(out)![1]!;
    expect(await cli('batch:status', batchId)).toContain('completed  total 3  sent 3  failed 0');
    expect(smtp.messages).toHaveLength(3);
  });
});
