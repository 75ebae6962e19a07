import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The console's component tests (Vitest in web/, `web/test/`) run inside the root `npm test`,
 * so the README's one test command covers them. Vitest runs once while this file is collected
 * and each of its tests becomes a Jest test here: a failure reads as the failing test, with
 * Vitest's message, and CI counts them.
 */
const WEB = path.resolve(__dirname, '../../web');

interface VitestReport {
  numTotalTests: number;
  testResults: { name: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

function runVitest(): { report: VitestReport | null; output: string } {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-vitest-')), 'report.json');
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('JEST_')) delete env[key];
  const result = spawnSync(process.execPath, [path.join(WEB, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${out}`], { cwd: WEB, encoding: 'utf8', env, timeout: 300_000 });
  const output = `exit ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}\n${result.error?.message ?? ''}`;
  const report = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as VitestReport) : null;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { report, output };
}

const { report, output } = runVitest();

describe('console component tests (Vitest, web/test)', () => {
  it('ran, and found tests', () => {
    if (!report) throw new Error(`Vitest wrote no report:\n${output}`);
    expect(report.numTotalTests).toBeGreaterThan(0);
  });

  for (const file of report?.testResults ?? []) {
    describe(path.relative(WEB, file.name), () => {
      // A file that failed to load has no tests: say why.
      if (file.assertionResults.length === 0) it('loads', () => void expect(file.message ?? '').toBe(''));
      for (const test of file.assertionResults) {
        it(test.fullName, () => {
          // Skipped or todo counts as failed: no skips (house rules).
          if (test.status !== 'passed') throw new Error(`${test.status}\n${test.failureMessages.join('\n')}`);
        });
      }
    });
  }
});
