// Liveness of what runs on a Pi: the converged fleet (converged-fleet.ts: a SlurmPartition with
// pi1 as a compute node, a replica-3 GlusterVolume with a brick on pi1, a MinioPool on all four)
// with a resync of 10 minutes, so only liveness can move status in time. pi1 is powered off and
// on; every resource's Ready is sampled once a second and its transitions timed. Prints the
// figures; the bounds asserted are the (30 s each way), for every resource whose Ready
// follows the Pi (a resource that keeps serving with one Pi gone may stay Ready: that is printed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultFleet } from './converged-fleet.ts';

const node = 'pi1';
let ff: FaultFleet;

before(async () => {
  ff = await FaultFleet.start({ name: 'e2elivres', subnet: '10.213.78.0/24', resyncMs: 10 * 60_000 });
});

after(async () => {
  await ff?.close();
});

type Sample = Awaited<ReturnType<FaultFleet['readiness']>>[number];

/** Samples readiness every second until `done` holds; returns when each resource first met `check`. */
async function firstSeen(
  since: number,
  check: (s: Sample) => boolean,
  done: (seen: Map<string, number>) => boolean,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !done(seen)) {
    for (const s of await ff.readiness()) {
      const key = `${s.kind}/${s.name}`;
      if (!seen.has(key) && check(s)) seen.set(key, Date.now() - since);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return seen;
}

const figures = (m: Map<string, number>): string => [...m].map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ');

test(
  'a Pi powered off and on: the PiNode and the Slurm, Gluster and MinIO resources on it follow within 30 s',
  { timeout: 600_000 },
  async () => {
    const resources = (await ff.readiness()).map((s) => `${s.kind}/${s.name}`);
    const offAt = Date.now();
    await ff.fleet.stop(node);
    // Watch 45 s: long enough for anything that follows the Pi to show it.
    const down = await firstSeen(
      offAt,
      (s) => s.ready !== 'True',
      () => Date.now() - offAt > 45_000,
      60_000,
    );
    console.log(
      `# liveness resources: ${node} off → not Ready: ${figures(down)}; stayed Ready: ${resources.filter((r) => !down.has(r)).join(', ') || 'none'}`,
    );

    await ff.fleet.start(node);
    const answeredAt = Date.now();
    const back = await firstSeen(
      answeredAt,
      (s) => s.ready === 'True',
      (seen) => resources.every((r) => seen.has(r)),
      300_000,
    );
    console.log(`# liveness resources: ${node} sshd answering → Ready: ${figures(back)}`);

    assert.ok((down.get(`pinode/${node}`) ?? Infinity) <= 30_000, `pinode/${node} not Ready within 30 s: ${figures(down)}`);
    assert.ok(down.has('slurmpartition/batch'), 'the partition with a compute node gone is not Ready');
    for (const [resource, ms] of down) assert.ok(ms <= 30_000, `${resource} went not Ready after ${ms} ms`);
    for (const resource of resources) {
      assert.ok(
        (back.get(resource) ?? Infinity) <= 30_000,
        `${resource} Ready again ${back.get(resource)} ms after sshd answered: ${figures(back)}`,
      );
    }
  },
);
