import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describeIfServer } from '../helpers/require-server';

const root = path.resolve(__dirname, '../..');
const composeAvailable = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describeIfServer('docker-compose', composeAvailable)('docker-compose.yml', () => {
  it('is accepted by docker compose and runs every piece of the scaled deployment', () => {
    const out = execFileSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), 'config', '--services'], { encoding: 'utf8' });
    expect(out.split('\n').filter(Boolean).sort()).toEqual(['api', 'mailpit', 'postgres', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
    const full = execFileSync('docker-compose', ['-f', path.join(root, 'docker-compose.yml'), 'config'], { encoding: 'utf8' });
    expect(full).toContain('OrganizationId');
    expect(full).toMatch(/replicas: 2/);
  });
});
