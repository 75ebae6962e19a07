/**
 * Messages this process is sending now, by SentEmail id. Temporal takes an
 * activity attempt for dead when it misses its heartbeat timeout, and schedules
 * the next attempt; under load (a busy event loop, a slow database) the attempt
 * is alive and still talking to the SMTP server, and the next attempt often
 * lands on the same worker. Without this registry both sent the message: the
 * new attempt found no accepted mark (the old one had not read its 250 yet) and
 * sent the stored bytes again, a third copy after a worker crash (seen in
 * tests/send/send-email.test.ts under load). An attempt now waits for this
 * process's earlier attempts at the same messages to end, then reads the rows
 * again: a message they sent is `sent` and is skipped.
 *
 * Process-wide (a module, not a delivery instance), like the accepted marks'
 * journals: every delivery of the worker shares it. An attempt on another
 * process cannot be seen from here; there the heartbeat timeout stays the
 * bound (SEND_HEARTBEAT_SECONDS), and RFC 5321 §6.1's duplicate the price.
 */
const sending = new Map<string, Promise<void>>();

/**
 * Waits until none of `ids` is being sent by this process, then claims them all
 * in the same turn of the event loop (no other attempt can claim one in between).
 * `whileWaiting` runs every `everyMs` until then (the caller's heartbeat).
 * Returns whether it waited (rows read before are stale then) and the release.
 */
export async function claimSending(ids: readonly string[], whileWaiting: () => void, everyMs: number): Promise<{ waited: boolean; release: () => void }> {
  let waited = false;
  for (let busy = busyOf(ids); busy.length; busy = busyOf(ids)) {
    waited = true;
    whileWaiting();
    const beat = setInterval(whileWaiting, everyMs);
    try {
      await Promise.all(busy);
    } finally {
      clearInterval(beat);
    }
  }
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const claimed = [...new Set(ids)];
  for (const id of claimed) sending.set(id, mine);
  return {
    waited,
    release: () => {
      for (const id of claimed) if (sending.get(id) === mine) sending.delete(id);
      done();
    },
  };
}

const busyOf = (ids: readonly string[]) => [...new Set(ids.map((id) => sending.get(id)).filter((p): p is Promise<void> => p !== undefined))];

/** For tests: whether this process is sending the message now. */
export const isSending = (id: string) => sending.has(id);
