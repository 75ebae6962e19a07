import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey, createOrganization } from '../src/auth/api-keys';
import { loadConfig } from '../src/config';
import { startMailroom } from '../src/runtime';

/**
 * The service as the CI fuzzer sees it (scripts/fuzz.sh): embedded database and
 * Temporal in a temporary folder, free ports, outbound connections to loopback
 * only and no DNS at all, an organisation with an admin and a staff key. Writes
 * `{ url, adminKey, staffKey }` to the file given as argument, then runs until
 * SIGTERM.
 */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx scripts/fuzz-server.ts <keys.json>');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-fuzz-'));
  const port = (base: number) => String(base + crypto.randomInt(0, 2000));
  // Embedded database and Temporal, whatever the CI shell exports (DATABASE_URL is the tests').
  const { DATABASE_URL: _db, TEMPORAL_ADDRESS: _t, SMTP_URL: _s, ...env } = process.env;
  const config = loadConfig({
    ...env,
    MAILROOM_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    TEMPORAL_DEV_PORT: port(27000),
    TEMPORAL_UI_PORT: port(29000),
    // Errors kept (scripts/fuzz.sh prints them when a run fails: a 500's cause is in its log line).
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    MAILROOM_OUTBOUND_ALLOW: '127.0.0.0/8,::1/128',
    MAILROOM_ALLOW_PRIVATE_NETWORKS: 'false',
    MAILROOM_OUTBOUND_DNS: 'none',
    SMTP_VERIFY_TIMEOUT_SECONDS: '2',
    SEND_MAX_ATTEMPTS: '1',
    RATE_LIMIT_KEY_PER_MINUTE: '0',
    RATE_LIMIT_CLIENT_PER_MINUTE: '0',
  });
  const app = await startMailroom(config, { roles: { api: true, worker: true } });
  const { organizationId, key: adminKey } = await createOrganization(app.db.prisma, 'Fuzzing');
  const { key: staffKey } = await createApiKey(app.db.prisma, { organizationId, role: 'staff', name: 'fuzz staff' });
  fs.writeFileSync(out, JSON.stringify({ url: app.apiUrl, adminKey, staffKey }), { mode: 0o600 });
  const stop = () => {
    void app.stop().finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? String(err)}\n`);
  process.exit(1);
});
