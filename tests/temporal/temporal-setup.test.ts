import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { targetFromConfig } from '../../src/temporal/connection';
import { findTemporalCli } from '../../src/temporal/dev-server';
import { ensureSchedule } from '../../src/temporal/schedules';
import { temporalAvailable } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

describe('finding the Temporal CLI for the embedded dev server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  const fake = path.join(dir, 'temporal');
  fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });

  it('prefers TEMPORAL_CLI_PATH, then PATH, then the SDK download', () => {
    expect(findTemporalCli(fake, '')).toEqual({ type: 'existing-path', path: fake });
    expect(findTemporalCli(undefined, `/nonexistent${path.delimiter}${dir}`)).toEqual({ type: 'existing-path', path: fake });
    expect(findTemporalCli(undefined, '/nonexistent')).toEqual({ type: 'cached-download' });
  });

  it('says so when TEMPORAL_CLI_PATH points nowhere', () => {
    expect(() => findTemporalCli(path.join(dir, 'missing'))).toThrow(/TEMPORAL_CLI_PATH/);
  });
});

describe('configuration', () => {
  it('connects to an external cluster with namespace, TLS and API key (Temporal Cloud)', () => {
    const t = targetFromConfig(loadConfig({ TEMPORAL_ADDRESS: 'ns.a1b2.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.a1b2', TEMPORAL_API_KEY: 'key' }));
    expect(t).toEqual({ address: 'ns.a1b2.tmprl.cloud:7233', namespace: 'ns.a1b2', tls: true, apiKey: 'key' });
    expect(targetFromConfig(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' })).tls).toBeUndefined();
  });

  it('refuses invalid values naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url' })).toThrow(/PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/);
  });
});

describeIfServer('Temporal dev server', temporalAvailable())('Temporal Schedules created at start', () => {
  it('are created once and updated in place on the next start', async () => {
    const connection = await Connection.connect({ address: process.env.MAILROOM_TEST_TEMPORAL_ADDRESS! });
    const client = new Client({ connection });
    const scheduleId = `test-schedule-${Date.now()}`;
    const options = (every: '10 minutes' | '5 minutes') => ({
      scheduleId,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow' as const, workflowType: 'sendEmailWorkflow', taskQueue: 'nowhere', args: [{ sentEmailId: 'x', organizationId: 'y' }] },
      state: { paused: true, note: 'test' },
    });
    try {
      expect(await ensureSchedule(client, options('10 minutes'))).toBe('created');
      expect(await ensureSchedule(client, options('5 minutes'))).toBe('updated');
      const description = await client.schedule.getHandle(scheduleId).describe();
      expect(description.spec.intervals?.[0]?.every).toBe(5 * 60 * 1000);
      const ids: string[] = [];
      for await (const s of client.schedule.list()) ids.push(s.scheduleId);
      expect(ids.filter((id) => id === scheduleId)).toHaveLength(1);
    } finally {
      await client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
      await connection.close();
    }
  });
});
