import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, type ErrorCode } from '../shared/errors';
import { problemType } from './problem';

/**
 * Requests Node's HTTP parser refuses before Express sees them — a request line
 * or headers past its size limit (RFC 6585 §5, 431), or bytes that are not HTTP —
 * are answered as problem+json like every other error, instead of Node's bare
 * status line with no body.
 */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away (or a half-written answer) has nobody to read a reply.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
    const { status, title } = ERROR_CODES[code];
    const detail = code === 'HEADERS_TOO_LARGE' ? 'The request line and headers are too long (keep the URL and headers under 16 KB)' : 'The request is not valid HTTP';
    const body = JSON.stringify({ type: problemType(code), title, status, detail, code });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
