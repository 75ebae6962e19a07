import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ORGANIZATION_ID } from '../../src/shared/search-attributes';
import { apiClient, eventually } from '../helpers/http';
import { freePort, portOpen } from '../helpers/ports';
import { describeIfServer } from '../helpers/require-server';
import { findTemporalCli } from '../../src/temporal/dev-server';

const root = path.resolve(__dirname, '../..');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` as a user runs it: no DATABASE_URL, no TEMPORAL_ADDRESS, a fresh data folder. */
function startEmbedded(dataDir: string, ports: { api: number; temporal: number; ui: number }): Running {
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'MAILROOM_SECRET_KEY', 'SMTP_URL', 'NODE_ENV', 'LOG_LEVEL']) delete env[k];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts')], {
    cwd: root,
    env: { ...env, MAILROOM_DATA_DIR: dataDir, PORT: String(ports.api), TEMPORAL_DEV_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.ui), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function stop(run: Running): Promise<number | null> {
  run.child.kill('SIGINT');
  return run.exited;
}

const cliAvailable = findTemporalCli(process.env.TEMPORAL_CLI_PATH).type === 'existing-path';

describeIfServer('the Temporal CLI', cliAvailable)('embedded default (npm start)', () => {
  jest.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-embedded-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('boots from an empty data folder, prints an admin key and a one-time admin setup link once, sends to the outbox, restarts with its data and stops Temporal on Ctrl-C', async () => {
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    const first = startEmbedded(dataDir, ports);
    try {
      await eventually(async () => first.output().includes('Mailroom is running'), 90_000, 250);
    } catch (err) {
      throw new Error(`did not start: ${first.output()}`, { cause: err });
    }
    const key = /Admin API key[^\n]*\n\n\s+(mr_\S+)/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    const credentials = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
    expect(credentials.adminApiKey).toBe(key);
    expect(fs.statSync(path.join(dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(`http://localhost:${ports.ui}`);

    // The one-time link for the first admin: printed, saved, works once.
    const setupUrl = /Set the first admin's password: (\S+)/.exec(first.output())?.[1];
    expect(setupUrl).toMatch(new RegExp(`^http://localhost:${ports.api}/invite/[A-Za-z0-9_-]{40,}$`));
    expect(credentials.adminSetupUrl).toBe(setupUrl);
    const setupToken = setupUrl!.split('/invite/')[1];
    const anonymous = apiClient(`http://127.0.0.1:${ports.api}`);
    expect((await anonymous.get(`/api/v1/auth/invitations/${setupToken}`)).body).toMatchObject({ email: null, role: 'admin' });
    const accepted = await anonymous.post(`/api/v1/auth/invitations/${setupToken}/accept`, { email: 'admin@club.example', password: 'first admin password', name: 'Admin' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email: 'admin@club.example', role: 'admin' });
    expect(accepted.headers.get('set-cookie')).toMatch(/^mailroom_session=/);
    expect((await anonymous.post(`/api/v1/auth/invitations/${setupToken}/accept`, { email: 'intruder@club.example', password: 'second try password' })).status).toBe(404);
    const signedIn = await anonymous.post('/api/v1/auth/login', { email: 'admin@club.example', password: 'first admin password' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.organization.id).toBe(credentials.organizationId);
    const sessionCookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    expect(await portOpen(ports.ui)).toBe(true);

    const api = apiClient(`http://127.0.0.1:${ports.api}`, key);
    const sent = await api.post('/api/v1/emails', { to: 'jeanne.martin@example.org', subject: 'Bienvenue', text: 'Votre compte est prêt.' });
    expect(sent.status).toBe(202);
    const done = await eventually(async () => {
      const r = await api.get(`/api/v1/sent-emails/${sent.body.id}`);
      return r.body.status === 'sent' ? r.body : undefined;
    }, 30_000);
    const eml = fs.readFileSync(path.join(dataDir, 'outbox', `${sent.body.id}.eml`), 'utf8');
    expect(eml).toContain('Subject: Bienvenue');
    expect(eml).toContain(`Message-ID: ${done.messageId}`);

    // The workflow is visible to operators with its organisation.
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const description = await new Client({ connection }).workflow.getHandle(sent.body.workflowId).describe();
      expect(description.typedSearchAttributes.get(ORGANIZATION_ID)).toBe(credentials.organizationId);
      expect(description.status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }

    expect(await stop(first)).toBe(0);
    expect(await portOpen(ports.temporal)).toBe(false);

    // Restart: same organisation, same key, same log; no second key printed.
    const second = startEmbedded(dataDir, ports);
    try {
      await eventually(async () => second.output().includes('Mailroom is running'), 90_000, 250);
      expect(second.output()).not.toContain('Admin API key');
      expect(second.output()).not.toContain("Set the first admin's password");
      // Sessions live in the database: the admin is still signed in after the restart.
      const session = await apiClient(`http://127.0.0.1:${ports.api}`).get('/api/v1/auth/session', { Cookie: sessionCookie });
      expect(session.status).toBe(200);
      expect(session.body.user.email).toBe('admin@club.example');
      const again = await api.get(`/api/v1/sent-emails/${sent.body.id}`);
      expect(again.body).toMatchObject({ status: 'sent', messageId: done.messageId });
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });
});
