import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { answerClientErrors } from '../../src/api/client-error';

/** What Node's parser refuses before Express runs still comes back as problem+json. */
describe('requests refused by the HTTP parser', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers an over-long URL with 431 problem+json naming the limit', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/members?cursor=${'%F0%9F%98%80'.repeat(2000)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as { status: number; code: string; detail: string };
    expect(body).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    expect(body.detail).toMatch(/16 KB/);
    // An ordinary request on the same server is unaffected.
    expect(await (await fetch(`http://127.0.0.1:${port}/api/v1/members`)).text()).toBe('ok');
  });

  it('answers bytes that are not HTTP with 400 problem+json', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
});
