import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A tiny TCP server on 127.0.0.1 that records every connection and every byte
 * it receives. With a `greeting` it plays the first line of a protocol (e.g.
 * an IMAP `* OK` or an SMTP `220`) so a client would go on and send its login;
 * every later line gets `reply(line)` if given. Used to prove that nothing
 * (no connection, no password) reaches a server an attacker pointed us to.
 */
export interface TcpRecorder {
  host: string;
  port: number;
  connections: number;
  received(): string;
  close(): Promise<void>;
}

export async function startTcpRecorder(opts: { greeting?: string; reply?: (line: string) => string | undefined } = {}): Promise<TcpRecorder> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const rec = { connections: 0 };
  const server = net.createServer((socket) => {
    rec.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (opts.greeting) socket.write(opts.greeting);
    let pending = '';
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      pending += d.toString('latin1');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        const answer = opts.reply?.(line);
        if (answer) socket.write(answer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    get connections() {
      return rec.connections;
    },
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An IMAP server that greets and answers every tagged command NO: enough for a client to send LOGIN. */
export const imapLike = () => startTcpRecorder({ greeting: '* OK IMAP4rev1 ready\r\n', reply: (line) => (line.includes(' ') ? `${line.split(' ')[0]} NO not today\r\n` : undefined) });
