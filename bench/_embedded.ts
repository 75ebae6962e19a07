/**
 * The embedded default as a user runs it (`npm start`: compiled
 * JavaScript, PGlite and the Temporal dev server in a fresh data folder), in a
 * child process the benchmark talks to over HTTP, so what is measured is that
 * process alone — not the benchmark's own code, TypeScript loader or bundler.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../tests/helpers/ports';

const root = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in MB. */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return { peakMb: 0, rssMb: 0 };
  }
}

/** Direct children of a process (the dev server is one of Mailroom's). */
export function childrenOf(pid: number): { pid: number; name: string }[] {
  const out: { pid: number; name: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(entry), name: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface Embedded {
  child: ChildProcess;
  apiUrl: string;
  apiKey: string;
  /** The Temporal dev server's process, once found. */
  devServerPid(): number | undefined;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface EmbeddedSetup {
  dataDir: string;
  env: Record<string, string>;
  /** Node flags beyond `npm start`'s (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeFlags?: string[];
}

export async function embeddedSetup(dataDir: string, env: Record<string, string>): Promise<EmbeddedSetup> {
  // Compile once before anything is measured (as `npm start` does after a change).
  const build = spawnSync(process.execPath, ['scripts/start.js', '--build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  return { dataDir, env: { MAILROOM_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', TEMPORAL_DEV_PORT: String(devPort), TEMPORAL_UI_PORT: String(uiPort), LOG_LEVEL: 'warn', ...env } };
}

/** The Node flags `npm start` gives the process (package.json), so the benchmark runs the same thing. */
/** What `npm start` runs (package.json), e.g. `node --max-semi-space-size=2 scripts/start.js`. */
export function npmStartCommand(): string {
  return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
}

function startFlags(): string[] {
  return npmStartCommand().split(/\s+/).filter((w) => w.startsWith('--'));
}

/** Starts the embedded default; the admin key is read from its first start's output (or given). */
export async function startEmbedded(setup: EmbeddedSetup, knownKey?: string): Promise<Embedded> {
  const env = { ...process.env, ...setup.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [...startFlags(), ...(setup.nodeFlags ?? []), 'scripts/start.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const apiUrl = `http://127.0.0.1:${setup.env.PORT}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Mailroom exited with ${child.exitCode}: ${output.slice(-2000)}`);
    if (output.includes('Mailroom is running') && (await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false))) break;
    await sleep(250);
  }
  const apiKey = knownKey ?? /Admin API key[^\n]*\n\s*\n\s*(\S+)/.exec(output)?.[1];
  if (!apiKey) throw new Error(`no admin key in the output: ${output.slice(0, 2000)}`);
  let devPid: number | undefined;
  return {
    child, apiUrl, apiKey,
    devServerPid() {
      devPid ??= childrenOf(child.pid!).find((c) => c.name.startsWith('temporal'))?.pid;
      return devPid;
    },
    stop: (signal = 'SIGINT') => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    }),
  };
}
