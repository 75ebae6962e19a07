/**
 * A client that closes the connection in the middle of a download (a browser
 * tab closed, a cancelled save) is normal, not a server error: the stream ends
 * with ERR_STREAM_PREMATURE_CLOSE or a reset socket. Anything else is rethrown.
 */
export function ignoreClientGone(err: unknown): void {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') return;
  throw err;
}
