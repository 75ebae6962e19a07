import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { apiClient } from '../helpers/http';
import { startTestMailroom, temporalAvailable, type TestMailroom } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

describeIfServer('PostgreSQL (DATABASE_URL) and Temporal', Boolean(process.env.DATABASE_URL) && temporalAvailable())('operators CLI (npm run mailroom)', () => {
  let mr: TestMailroom;
  beforeAll(async () => {
    mr = await startTestMailroom({ roles: { api: true, worker: false } });
  });
  afterAll(() => mr?.stop());

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
});
