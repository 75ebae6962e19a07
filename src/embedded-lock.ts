import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';

/**
 * One owner for the embedded PGlite database: two processes on one PGlite
 * directory corrupt it. The owner creates `<data>/mailroom.lock` exclusively
 * (O_EXCL) and writes its PID; the file is removed when the process exits.
 * After a crash (SIGKILL, power loss) the file stays, but its PID is no longer
 * alive, so the next start takes the lock over. A lock naming our own PID is
 * stale too (a container restarted as PID 1 finds its previous life's file).
 */
export const LOCK_FILE = 'mailroom.lock';

export interface LockInfo {
  pid: number;
  startedAt: string;
  role: string;
}

export interface EmbeddedLock {
  file: string;
  release(): void;
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else — still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock of a data directory, if anyone alive does. */
export function readLiveLock(dataDir: string): LockInfo | null {
  const file = path.join(dataDir, LOCK_FILE);
  let info: LockInfo;
  try {
    info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return null; // absent, or half-written by a process that died at that instant
  }
  return info.pid !== process.pid && isAlive(info.pid) ? info : null;
}

export class DataDirLockedError extends ConfigError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `Mailroom is already running on ${dataDir} (process ${holder.pid}, started ${holder.startedAt}, ${holder.role}).\n` +
        'The embedded database can only be opened by one process. Use the running service (the CLI talks to it: ' +
        '`npm run mailroom -- --help`), stop it first, or give this one its own MAILROOM_DATA_DIR.',
    );
  }
}

export function acquireEmbeddedLock(dataDir: string, role: string): EmbeddedLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const body = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), role } satisfies LockInfo);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, body, { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if ((JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo).pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLiveLock(dataDir);
      if (holder) throw new DataDirLockedError(dataDir, holder);
      // Stale: its owner died without cleaning up. Remove it and try again; if
      // another starter wins the race, the next round sees it alive.
      fs.rmSync(file, { force: true });
    }
  }
  throw new ConfigError(`Could not take the lock ${file}; remove it if no Mailroom is running on ${dataDir}`);
}
