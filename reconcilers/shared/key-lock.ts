// One run per key at a time in this process, for a kind whose objects share hosts (every
// SlurmPartition of a cluster converges the whole cluster): two workers at once would send the
// same steps twice and race. The second waits, then finds little or nothing left to do.
const tails = new Map<string, Promise<unknown>>();

export async function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
