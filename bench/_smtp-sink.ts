import { Worker } from 'node:worker_threads';

/**
 * The benchmarks' receiving SMTP server: `smtp-server` on 127.0.0.1 in a
 * worker thread of its own, reading each message to its end and answering
 * 250, without parsing it. The tests' recording server parses every message
 * with mailparser on the bench's own main thread: about as much CPU per
 * message as the plain nodemailer loop itself spends, added to both sides
 * alike, which pulled the printed ratio towards 1. A real relay does not run
 * on the sender's thread.
 */
export interface SmtpSink {
  host: string;
  port: number;
  url: string;
  /** The worker thread's id in the system (its CPU time is read from /proc by bench/_cpu.ts). */
  tid: number;
  /** Messages accepted since the last reset, and how many distinct recipient addresses they went to. */
  counts(): Promise<{ messages: number; recipients: number; bytes: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

// CommonJS run with `eval`, so the worker needs no TypeScript loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { SMTPServer } = require(workerData.smtpServer);
let messages = 0, bytes = 0, recipients = new Set();
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, closeTimeout: 200, size: 50 * 1024 * 1024,
  onData(stream, session, callback) {
    let n = 0;
    stream.on('data', (chunk) => { n += chunk.length; });
    stream.on('end', () => {
      messages += 1; bytes += n;
      for (const r of session.envelope.rcptTo) recipients.add(r.address.toLowerCase());
      callback(null, '2.0.0 Ok: queued as ' + messages);
    });
  },
});
server.on('error', () => undefined);
const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.server.address().port, tid }));
parentPort.on('message', (m) => {
  if (m === 'counts') parentPort.postMessage({ messages, recipients: recipients.size, bytes });
  if (m === 'reset') { messages = 0; bytes = 0; recipients = new Set(); parentPort.postMessage({ reset: true }); }
  if (m === 'close') server.close(() => parentPort.postMessage({ closed: true }));
});
`;

export async function startSmtpSink(): Promise<SmtpSink> {
  const worker = new Worker(WORKER, { eval: true, workerData: { smtpServer: require.resolve('smtp-server') } });
  const next = () => new Promise<Record<string, number | boolean>>((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    worker.once('message', (m: Record<string, number | boolean>) => {
      worker.off('error', fail);
      resolve(m);
    });
    worker.once('error', fail);
  });
  const { port, tid } = (await next()) as { port: number; tid: number };
  const host = '127.0.0.1';
  return {
    host,
    port,
    tid,
    url: `smtp://${host}:${port}/?ignore_tls=true`,
    async counts() {
      const reply = next();
      worker.postMessage('counts');
      return (await reply) as { messages: number; recipients: number; bytes: number };
    },
    async reset() {
      const reply = next();
      worker.postMessage('reset');
      await reply;
    },
    async close() {
      const reply = next();
      worker.postMessage('close');
      await reply;
      await worker.terminate();
    },
  };
}
