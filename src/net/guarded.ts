import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { ImapFlowOptions } from 'imapflow';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { connectOutbound, outboundPolicy, resolveOutbound, type OutboundPolicy } from './outbound-policy';

/**
 * The three kinds of outbound connection a tenant can point somewhere, each
 * made through the outbound policy: the address is checked after resolution
 * and the connection goes to that checked address (no second lookup).
 */

/** nodemailer connects through `getSocket`: our checked TCP socket; nodemailer still does TLS/STARTTLS with the host name as SNI. */
export function guardSmtp<T extends SMTPTransport.Options>(options: T, policy?: OutboundPolicy): T {
  return {
    ...options,
    getSocket: (opts: SMTPTransport.Options, callback: (err: Error | null, socket?: { connection: net.Socket }) => void) => {
      connectOutbound(String(opts.host), Number(opts.port ?? (opts.secure ? 465 : 587)), opts.connectionTimeout ?? 20_000, policy ?? outboundPolicy()).then(
        (connection) => callback(null, { connection }),
        (err: Error) => callback(err),
      );
    },
  } as T;
}

/** imapflow connects to the checked address; `servername` keeps SNI and certificate checks on the name. */
export async function guardImap(options: ImapFlowOptions, policy?: OutboundPolicy): Promise<ImapFlowOptions> {
  const host = String(options.host);
  const { address } = await resolveOutbound(host, policy ?? outboundPolicy());
  return { ...options, host: address, ...(net.isIP(host) ? {} : { servername: options.servername ?? host }) };
}

export interface GuardedResponse {
  status: number;
  ok: boolean;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * An HTTP(S) request through the policy. Redirects are never followed (a 3xx is
 * returned as is), so a receiver cannot bounce us into the private network.
 * The body read is capped: only a short excerpt is ever used.
 */
export async function guardedRequest(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; maxBytes?: number },
  policy?: OutboundPolicy,
): Promise<GuardedResponse> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Unsupported protocol ${u.protocol}`);
  const { address, family } = await resolveOutbound(u.hostname, policy ?? outboundPolicy());
  const lib = u.protocol === 'https:' ? https : http;
  const maxBytes = init.maxBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        method: init.method,
        hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        headers: { ...init.headers, ...(init.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(init.body)) } : {}) },
        // Only the address already checked: the request never resolves the name a second time.
        lookup: ((_h: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => (opts?.all ? cb(null, [{ address, family }]) : cb(null, address, family))) as never,
        servername: net.isIP(u.hostname) ? undefined : u.hostname,
        agent: false,
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < maxBytes) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, headers: res.headers, text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`Request to ${u.host} timed out`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(init.body);
  });
}
