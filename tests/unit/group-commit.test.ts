import { groupCommit } from '../../src/db/group-commit';

describe('group commit', () => {
  it('writes what arrives during a flush together in the next one, and settles each caller after its own write', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const write = groupCommit<number>(async (items) => {
      flushes.push(items);
      if (flushes.length === 1) await gate; // the first write is slow
    });
    const settled: number[] = [];
    const first = write(1).then(() => settled.push(1));
    const later = [2, 3, 4].map((n) => write(n).then(() => settled.push(n)));
    await new Promise((r) => setImmediate(r));
    // 2, 3 and 4 wait for the first write to finish; none is acknowledged before it is written.
    expect(flushes).toEqual([[1]]);
    expect(settled).toEqual([]);
    release();
    await Promise.all([first, ...later]);
    expect(flushes).toEqual([[1], [2, 3, 4]]);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it('fails only the callers whose write failed, and keeps going', async () => {
    const write = groupCommit<string>(async (items) => {
      if (items.includes('bad')) throw new Error('database down');
    });
    await expect(write('bad')).rejects.toThrow('database down');
    await expect(write('good')).resolves.toBeUndefined();
  });

  it('with waitMs, gathers what arrives meanwhile into one write, and writes at once when maxItems are waiting', async () => {
    const flushes: number[][] = [];
    const write = groupCommit<number>(async (items) => void flushes.push(items), { waitMs: 20, maxItems: 3 });
    const first = [1, 2].map((n) => write(n));
    await new Promise((r) => setImmediate(r));
    // Nothing written yet: the first write waits for others.
    expect(flushes).toEqual([]);
    await Promise.all(first);
    expect(flushes).toEqual([[1, 2]]);
    await Promise.all([3, 4, 5, 6].map((n) => write(n)));
    // Three waiting make a full write; the fourth waits for the next.
    expect(flushes).toEqual([[1, 2], [3, 4, 5], [6]]);
  });
});
