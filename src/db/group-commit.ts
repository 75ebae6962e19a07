/**
 * Group commit: items handed in while a flush is running wait for the next
 * one, which takes them all together. Each caller's promise settles when its
 * own item is written, so nothing is acknowledged before it is durable, and
 * under load many items share one database round trip. `waitMs`: a flush
 * waits that long for more items (or until `maxItems`), for callers whose
 * items are safe meanwhile and whose statements cost more than their rows.
 */
export function groupCommit<T>(flush: (items: T[]) => Promise<void>, opts: { waitMs?: number; maxItems?: number } = {}): (item: T) => Promise<void> {
  const { waitMs = 0, maxItems = Infinity } = opts;
  const pending: { item: T; settle: (err?: unknown) => void }[] = [];
  let busy = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (busy || !pending.length) return;
    if (waitMs <= 0 || pending.length >= maxItems) void drain();
    else timer ??= setTimeout(() => void drain(), waitMs);
  };
  const drain = async () => {
    clearTimeout(timer);
    timer = undefined;
    busy = true;
    const taken = pending.splice(0, maxItems);
    try {
      await flush(taken.map((p) => p.item));
      for (const p of taken) p.settle();
    } catch (err) {
      for (const p of taken) p.settle(err ?? new Error('flush failed'));
    }
    busy = false;
    schedule();
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, settle: (err) => (err ? reject(err) : resolve()) });
      schedule();
    });
}
