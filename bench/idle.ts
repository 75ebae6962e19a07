/**
 * `npm run bench -- idle [--seconds 40] [--command "node scripts/start.js"]`: the
 * embedded default's memory at rest. Starts the command (default: what `npm start`
 * runs) in a fresh data folder once to initialise it, stops it, starts it again,
 * waits `seconds` at rest and prints the resident memory of that process (API +
 * worker; the Temporal dev server is its child and not counted).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../tests/helpers/ports';
import { npmStartCommand } from './_embedded';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

export default async function idle({ seconds = 40, command = npmStartCommand() }: { seconds?: number; command?: string }): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-idle-'));
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const env = { ...process.env, MAILROOM_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', TEMPORAL_DEV_PORT: String(devPort), TEMPORAL_UI_PORT: String(uiPort), LOG_LEVEL: 'warn' };
  const [bin, ...args] = command.split(' ');
  try {
    for (const round of ['initialise', 'measure']) {
      const child = spawn(bin!, args, { cwd: path.resolve(__dirname, '..'), env, stdio: 'ignore' });
      const t = Date.now();
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
        if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
        await sleep(1000);
      }
      if (round === 'measure') {
        process.stdout.write(`idle: ${command}: ready ${((Date.now() - t) / 1000).toFixed(0)} s after start (existing data folder)\n`);
        await sleep(seconds * 1000);
        process.stdout.write(`idle: resident memory after ${seconds} s at rest: ${rssMb(child.pid!)} MB (API + worker process; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
      }
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
