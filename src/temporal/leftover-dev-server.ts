import fs from 'node:fs';
import { isAlive } from '../embedded-lock';

/**
 * A Mailroom killed without a chance to clean up (kill -9, OOM killer) leaves
 * its embedded Temporal dev server running: it holds the Temporal ports and
 * the SQLite file, so the next start could not launch its own. Once the data
 * directory's lock is ours, any `temporal server start-dev` still using this
 * directory's `temporal.db` belongs to a dead owner and is stopped. Linux
 * only (/proc); elsewhere the port stays busy and the start says so.
 */
export function findLeftoverDevServers(dbFile: string): number[] {
  if (process.platform !== 'linux') return [];
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    const db = args.indexOf('--db-filename');
    if (args.includes('start-dev') && db >= 0 && args[db + 1] === dbFile) found.push(pid);
  }
  return found;
}

export async function stopLeftoverDevServers(dbFile: string, timeoutMs = 10_000): Promise<number[]> {
  const pids = findLeftoverDevServers(dbFile);
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
  return pids;
}
