import fs from 'node:fs';
import type { SqlRunner } from '../src/db/sql';

/**
 * CPU time spent during a phase, per place: this process's main thread, its
 * other threads by name (the SMTP sink's worker, libuv's file threads,
 * Temporal's core), the processes it started (the Temporal dev server, Dovecot) and the
 * PostgreSQL backends serving it. Read from /proc, so the profiler's own cost
 * does not inflate a path made of many small calls. Other sessions sharing the
 * machine do not count here, only the wall-clock figures feel them.
 */
export interface CpuSplit {
  main: number;
  threads: Record<string, number>;
  children: Record<string, number>;
  postgres: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function ticks(statFile: string): number {
  try {
    const stat = fs.readFileSync(statFile, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0; // gone meanwhile
  }
}

function threadTicks(named: Record<number, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    // Node names all its threads `node` (V8's GC helpers, libuv's file threads, workers).
    let comm: string;
    try {
      comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim().replace(/[0-9]+$/, '');
    } catch {
      continue; // the thread ended meanwhile
    }
    const name = tid === String(process.pid) ? 'main' : (named[Number(tid)] ?? (comm === 'node' ? 'node (GC, files)' : comm));
    out.set(name, (out.get(name) ?? 0) + ticks(`/proc/self/task/${tid}/stat`));
  }
  return out;
}

/**
 * CPU ticks of the processes this one started (the Temporal dev server, Dovecot), by name:
 * each with its reaped children (cutime, cstime: Dovecot's imap processes that have ended)
 * and the descendants still running. A difference of two readings counts each process once.
 */
function descendantTicks(): Map<string, number> {
  const procs = new Map<string, { ppid: string; comm: string; own: number; reaped: number }>();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(pid, { ppid: f[1]!, comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) });
    } catch {
      // exited
    }
  }
  const out = new Map<string, number>();
  const self = String(process.pid);
  for (const [pid, p] of procs) {
    // The process of ours it descends from.
    let top = pid;
    let up = p.ppid;
    for (let hops = 0; up !== self && up !== '0' && up !== '1' && hops < 20; hops++) [top, up] = [up, procs.get(up)?.ppid ?? '0'];
    if (up !== self) continue;
    const comm = procs.get(top)!.comm;
    const name = comm.startsWith('temporal') ? 'Temporal server' : comm.startsWith('dovecot') ? 'Dovecot' : comm;
    out.set(name, (out.get(name) ?? 0) + p.own + (top === pid ? p.reaped : 0));
  }
  return out;
}

/**
 * Starts measuring. PostgreSQL backends are found by the application name the
 * bench harness gives its pool and sampled every 200 ms, so one that ends before
 * the phase does is counted up to its last sample.
 */
export function cpuMeter(sql: SqlRunner | undefined, applicationName: string | undefined, named: Record<number, string> = {}) {
  const threads0 = threadTicks(named);
  const children0 = descendantTicks();
  const pg = new Map<number, { first: number; last: number }>();
  let initial = true;
  const samplePg = async () => {
    if (!sql || !applicationName) return;
    const rows = await sql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]).catch(() => []);
    for (const { pid } of rows) {
      const t = ticks(`/proc/${pid}/stat`);
      const seen = pg.get(pid);
      if (seen) seen.last = Math.max(seen.last, t);
      else pg.set(pid, { first: initial ? t : 0, last: t }); // a backend opened during the phase counts from zero
    }
  };
  const ready = samplePg().then(() => void (initial = false));
  const timer = setInterval(() => void samplePg(), 200);
  return {
    ready,
    async stop(): Promise<CpuSplit> {
      clearInterval(timer);
      await ready;
      await samplePg();
      const threads1 = threadTicks(named);
      const threads: Record<string, number> = {};
      for (const [name, t] of threads1) if (name !== 'main') threads[name] = (t - (threads0.get(name) ?? 0)) * TICK_MS;
      const children: Record<string, number> = {};
      for (const [name, t] of descendantTicks()) children[name] = (t - (children0.get(name) ?? 0)) * TICK_MS;
      return {
        main: ((threads1.get('main') ?? 0) - (threads0.get('main') ?? 0)) * TICK_MS,
        threads,
        children,
        postgres: [...pg.values()].reduce((n, p) => n + p.last - p.first, 0) * TICK_MS,
      };
    },
  };
}

/** One line: milliseconds of CPU per message in each place. */
export function formatCpu(label: string, split: CpuSplit, count: number): string {
  const per = (ms: number) => (ms / count).toFixed(2);
  const threads = Object.entries(split.threads).filter(([, ms]) => ms / count >= 0.01).sort((a, b) => b[1] - a[1]).map(([n, ms]) => `${n} ${per(ms)}`).join(', ');
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const children = Object.entries(split.children).filter(([, ms]) => ms / count >= 0.01).map(([n, ms]) => `${n} ${per(ms)}`).join('; ');
  const total = split.main + sum(split.threads) + sum(split.children) + split.postgres;
  return `${label}: CPU ms per message: main thread ${per(split.main)}; other threads ${threads || '0'}; ${children ? `${children}; ` : ''}PostgreSQL ${per(split.postgres)}; total ${per(total)}`;
}

/**
 * Rows written in the bench's schema per message, by table (inserts, updates and
 * how many of those were HOT, i.e. touched no index): the database's share of a
 * message is mostly these. PostgreSQL counts them when each transaction ends,
 * and publishes at most once a second, hence the short wait.
 */
export async function rowWrites(sql: SqlRunner, schema: string | undefined) {
  if (!schema) return async () => '';
  const read = () => sql.query<{ relname: string; ins: string; upd: string; hot: string }>(
    'SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE schemaname = $1', [schema],
  );
  await new Promise((r) => setTimeout(r, 1100));
  const before = new Map((await read()).map((r) => [r.relname, r]));
  return async (count: number) => {
    await new Promise((r) => setTimeout(r, 1100));
    const parts: string[] = [];
    for (const r of await read()) {
      const b = before.get(r.relname);
      const d = (k: 'ins' | 'upd' | 'hot') => (Number(r[k]) - Number(b?.[k] ?? 0)) / count;
      if (d('ins') + d('upd') >= 0.01) parts.push(`${r.relname} ${d('ins').toFixed(2)} ins ${d('upd').toFixed(2)} upd (${d('hot').toFixed(2)} HOT)`);
    }
    return parts.sort().join('; ');
  };
}
