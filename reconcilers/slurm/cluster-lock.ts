// One converge per cluster at a time in this process: every partition of a cluster converges the
// whole cluster, so two workers reconciling two partitions at once would send the same steps
// twice and race on slurmctld. The second waits, then finds little or nothing left to do.
const tails = new Map<string, Promise<unknown>>();

export async function withClusterLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
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
