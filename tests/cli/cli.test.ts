import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { apiClient } from '../helpers/http';
import { freePort } from '../helpers/ports';
import { startTestMailroom, temporalAvailable, type TestMailroom } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';
import { startRecordingSmtpServer, type RecordingSmtpServer } from '../helpers/smtp-server';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const OPERATOR_TOKEN = `mrop_${crypto.randomBytes(32).toString('base64url')}`;

/**
 * The CLI against a running service, as a scaled deployment uses it
 * (MAILROOM_URL + a key); tests/embedded/one-owner.test.ts covers finding the
 * embedded service through the data directory.
 */
describeIfServer('PostgreSQL (DATABASE_URL) and Temporal', Boolean(process.env.DATABASE_URL) && temporalAvailable())('operators CLI (npm run mailroom) beside the running service', () => {
  let mr: TestMailroom;
  let smtp: RecordingSmtpServer;
  beforeAll(async () => {
    smtp = await startRecordingSmtpServer();
    mr = await startTestMailroom({ env: { SMTP_URL: smtp.url, MAILROOM_OPERATOR_TOKEN: OPERATOR_TOKEN, PASSWORD_SCRYPT_N: '16384' } });
  });
  afterAll(async () => {
    await mr?.stop();
    await smtp?.close();
  });

  /** The CLI process sees only the API: no DATABASE_URL, no Temporal address. */
  const cliFull = async (env: Record<string, string>, ...args: string[]) => {
    const base = { ...process.env };
    for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'MAILROOM_DATA_DIR']) delete base[k];
    return run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/index.ts'), ...args], { cwd: root, env: { ...base, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', MAILROOM_URL: mr.url, ...env } });
  };
  const cli = async (env: Record<string, string>, ...args: string[]) => (await cliFull(env, ...args)).stdout;
  const asOperator = (...args: string[]) => cli({ MAILROOM_OPERATOR_TOKEN: OPERATOR_TOKEN }, ...args);
  const failure = async (p: Promise<unknown>) => {
    const err = (await p.then(() => null, (e: unknown) => e)) as { code: number; stderr: string } | null;
    expect(err).not.toBeNull();
    return err!;
  };

  it('onboards an organisation whose admin key works, then staff keys that can be listed and revoked', async () => {
    const created = await asOperator('org:create', '--name', 'Résidence Les Tilleuls', '--time-zone', 'Europe/Brussels');
    const orgId = /organization: (\S+)/.exec(created)![1]!;
    const adminKey = /admin API key \(shown once\): (\S+)/.exec(created)![1]!;
    expect((await apiClient(mr.url, adminKey).get('/api/v1/members')).status).toBe(200);
    expect(await asOperator('org:list', '--search', 'Tilleuls')).toBe(`${orgId}  Résidence Les Tilleuls  Europe/Brussels\n`);
    expect(await asOperator('org:rename', orgId, '--name', 'Les Tilleuls')).toContain(`${orgId}  Les Tilleuls`);

    const staff = await asOperator('key:create', '--org', orgId, '--role', 'staff', '--name', 'accueil');
    const keyId = /key id: (\S+)/.exec(staff)![1]!;
    const staffKey = /API key \(shown once\): (\S+)/.exec(staff)![1]!;
    const staffApi = apiClient(mr.url, staffKey);
    expect((await staffApi.get('/api/v1/members')).status).toBe(200);
    expect((await staffApi.post('/api/v1/structures', { name: 'x' })).status).toBe(403);

    const listed = await asOperator('key:list', '--org', orgId);
    expect(listed).toContain('accueil');
    expect(listed).not.toContain(staffKey);

    expect(await asOperator('key:revoke', keyId, '--org', orgId)).toBe(`revoked ${keyId}\n`);
    expect((await staffApi.get('/api/v1/members')).status).toBe(401);
  });

  it("prints the API's problem as one line and exits non-zero", async () => {
    const unknownOrg = '0190f5a2-7c3e-7d41-9b0a-3c5e8f1d2a4b';
    const again = await failure(asOperator('key:revoke', '0190f5a2-7c3e-7d41-9b0a-3c5e8f1d2a4c', '--org', unknownOrg));
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: 404 Not found: Organization ${unknownOrg} not found\n`);
    const malformed = await failure(asOperator('key:revoke', 'no-such-key', '--org', 'no-such-org'));
    expect(malformed.stderr).toBe('error: 400 Bad request: path.id: not a UUID; path.keyId: not a UUID\n');
    const invalid = await failure(asOperator('org:create', '--name', 'X', '--time-zone', 'Mars/Olympus'));
    expect(invalid.stderr).toBe('error: 422 Validation failed: body.timeZone: not an IANA time zone\n');
    // An organisation's key is not the operator's.
    const org = await mr.newOrganization('Pas opérateur');
    const notOperator = await failure(cli({ MAILROOM_OPERATOR_TOKEN: '' }, '--operator-token', org.adminKey, 'org:list'));
    expect(notOperator.stderr).toMatch(/^error: 403 Forbidden: Only the platform operator's credential can use this route/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await failure(cli({ MAILROOM_API_KEY: org.adminKey, MAILROOM_URL: closed }, 'sent:list'));
    expect(unreachable.stderr).toBe(`error: cannot reach Mailroom at ${closed}: ECONNREFUSED\n`);
  });

  it('sends an invoice batch and follows it to the end, reports its status, lists and purges the sent log', async () => {
    const org = await mr.newOrganization('Résidence CLI');
    const asOrg = (...args: string[]) => cli({ MAILROOM_API_KEY: org.adminKey }, ...args);
    const structure = (await org.admin.post('/api/v1/structures', { name: 'Les Lilas' })).body;
    for (let i = 0; i < 3; i++) {
      const m = (await org.staff.post('/api/v1/members', { firstName: `C${i}`, lastName: 'Cli', structureId: structure.id, emails: [{ address: `cli${i}@example.org` }] })).body;
      await org.staff.post('/api/v1/invoices', { number: `CLI-${i}`, period: '2024-09', memberId: m.id, structureId: structure.id, amountExclTax: 10, amountInclTax: 12, pdfBase64: Buffer.from('%PDF-1.4 x').toString('base64') });
    }
    const { stdout: out, stderr: bar } = await cliFull({ MAILROOM_API_KEY: org.adminKey }, 'batch:send', '--period', '2024-09', '--structure', structure.id, '--all');
    expect(out).toMatch(/batch \S+: 3 messages/);
    expect(bar).toMatch(/invoices \|.*\| 3\/3 sent, 0 failed/);
    expect(out).toContain('batch completed: 3 sent, 0 failed, 0 cancelled');
    const batchId = /batch (\S+): 3 messages/.exec(out)![1]!;
    expect(await asOrg('batch:status', batchId)).toContain('2024-09  completed  total 3  sent 3  failed 0');
    expect(smtp.messages.filter((m) => /cli\d@example\.org/.test(m.envelope.rcptTo.join()))).toHaveLength(3);

    const sent = await asOrg('sent:list', '--status', 'sent');
    expect(sent.trim().split('\n')).toHaveLength(4);
    expect(sent).toContain('3 of 3');
    expect(await asOrg('sent:purge', '--before', new Date(Date.now() + 60_000).toISOString())).toBe('deleted 3 sent-log entries\n');
    expect(await asOrg('sent:list')).toBe('no messages\n');

    // Another organisation's batch is not visible with this key.
    const other = await mr.newOrganization('Autre');
    expect((await failure(cli({ MAILROOM_API_KEY: other.adminKey }, 'batch:status', batchId))).stderr).toMatch(/^error: 404 /);
  });

  it('onboards with the first admin invited by mail, who can then invite staff with users:invite', async () => {
    const created = await asOperator('org:create', '--name', 'Club de voile', '--admin-email', 'capitaine@voile.example');
    const adminKey = /admin API key \(shown once\): (\S+)/.exec(created)![1]!;
    expect(created).toMatch(/first admin invited \(capitaine@voile\.example\); link: http\S+\/invite\/\S+\n/);
    const invited = await cli({ MAILROOM_API_KEY: adminKey }, 'users:invite', '--email', 'matelot@voile.example', '--name', 'Matelot');
    expect(invited).toMatch(/^invited matelot@voile\.example \(user \S+\)\ninvitation link: http\S+\/invite\/\S+\n$/);
    const users = (await apiClient(mr.url, adminKey).get('/api/v1/users')).body.items.map((u: { email: string; role: string; status: string }) => `${u.email} ${u.role} ${u.status}`);
    expect(users.sort()).toEqual(['capitaine@voile.example admin invited', 'matelot@voile.example staff invited']);
    const again = await failure(cli({ MAILROOM_API_KEY: adminKey }, 'users:invite', '--email', 'capitaine@voile.example', '--role', 'boss'));
    expect(again.stderr).toBe('error: --role must be admin or staff\n');
  });

  it('asks for a poll of the mailbox, and says so when there is none', async () => {
    const org = await mr.newOrganization('Sans boîte');
    const err = await failure(cli({ MAILROOM_API_KEY: org.staffKey }, 'mailbox:poll'));
    expect(err.stderr).toMatch(/^error: 404 Not found: .*mailbox/i);
  });

  it('migrates PostgreSQL beside running services (db:migrate is the one command that opens the database)', async () => {
    const out = await cli({ DATABASE_URL: mr.db.url! }, 'db:migrate');
    expect(out).toMatch(/^database up to date \(\d+ migrations, 0 applied now\)\n$/);
  });
});
