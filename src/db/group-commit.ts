/**
 * Group commit: items handed in while a flush is running wait for the next
 * one, which takes them all together. Each caller's promise settles when its
 * own item is written, so nothing is acknowledged before it is durable, and
 * under load many items share one database round trip.
 */
export function groupCommit<T>(flush: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let pending: { item: T; settle: (err?: unknown) => void }[] = [];
  let busy = false;
  const drain = async () => {
    busy = true;
    while (pending.length) {
      const taken = pending;
      pending = [];
      try {
        await flush(taken.map((p) => p.item));
        for (const p of taken) p.settle();
      } catch (err) {
        for (const p of taken) p.settle(err ?? new Error('flush failed'));
      }
    }
    busy = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, settle: (err) => (err ? reject(err) : resolve()) });
      if (!busy) void drain();
    });
}
