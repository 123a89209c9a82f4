// Faults on the Pi side, each injected into one converged fleet (every kind deployed, one
// operator): sshd killed mid-apply, the Pi rebooted mid-apply, its link cut for longer than the
// resync period, its host key replaced, and its disk full while a file is written. Each case
// proves the fault really hit (the apply it landed in did not complete), that the affected
// resource says what happened (condition, reason, Event), that the resources not touching that
// Pi stayed Ready the whole time, and that once the fault is gone everything converges with no
// step that had completed before the fault applied a second time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultFleet, slurmYaml } from '../e2e/converged-fleet.ts';
import { appliedSteps, repeatedAfter } from '../e2e/applied-steps.ts';
import { waitFor } from '../e2e/wait.ts';
import { applyInFlight, endOf, eventsSince, isApply, loginsAfterRestart, ReadinessWatch } from './fault-watch.ts';
import { assertNoSecretLeaks } from './secret-leaks.ts';

const resyncMs = 10_000;
let ff: FaultFleet;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
// To stderr: the runner reads stdout as its own framed messages (scripts/test-console-to-stderr.mjs).
const figure = (text: string): boolean => process.stderr.write(`# figure: ${text}\n`);

/** Every kind with a member on `node` is affected by a fault of its SSH; the other PiNodes are not. */
const touchesNode =
  (node: string) =>
  (kind: string, name: string): boolean =>
    kind !== 'pinode' || name === node;

async function addJq(node: string): Promise<void> {
  await ff.kubectl(['patch', 'pinode', node, '--type', 'merge', '-p', JSON.stringify({ spec: { packages: ['tree', 'jq'] } })]);
}

/** Reachable's (status, reason) as the sampler saw them, until stopped. */
function reachableTrail(node: string): { seen: Set<string>; stop: () => Promise<void> } {
  const seen = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const c = await ff.condition('pinode', node, 'Reachable').catch(() => undefined);
      if (c) seen.add(`${c.status}/${c.reason}`);
      await sleep(1_000);
    }
  })();
  return {
    seen,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

function assertNoRepeats(host: string, faultAt: number, allowed?: (command: string) => boolean): void {
  const repeated = repeatedAfter(ff.calls(), host, faultAt, allowed);
  // Each with when it ran, counted from the fault, so a failure says whether it was during the fault or after.
  assert.deepEqual(
    repeated.map((s) => `+${s.at - faultAt} ms: ${s.command.split('\n').find((l) => l.trim() && !l.includes('()')) ?? s.command}`),
    [],
    'no step completed before the fault ran again after it',
  );
}

function appliesAfter(host: string, from: number): number {
  return ff.calls().filter((c) => c.host === host && c.at >= from && isApply(c)).length;
}

before(async () => {
  const started = Date.now();
  ff = await FaultFleet.start({ name: 'faultpi', subnet: '10.213.47.0/24', resyncMs });
  figure(`converged fleet booted in ${Date.now() - started} ms`);
});

after(async () => {
  await ff?.close();
});

/**
 * The moment to strike "mid-apply": jq added to `node`'s packages, and its apply started and not
 * ended. The readiness watch and Reachable trail run from here until the case stops them.
 */
async function applyOfJqInFlight(node: string) {
  const host = ff.address(node);
  const since = Date.now();
  await addJq(node);
  const apply = await applyInFlight(ff, host, since, /\bjq\b/, 120_000);
  const watch = new ReadinessWatch(ff, touchesNode(node));
  const trail = reachableTrail(node);
  return { host, apply, watch, trail, faultAt: Date.now() };
}

test('sshd killed on a Pi mid-apply: the PiNode says the connection was lost, and after sshd is back it converges once', async () => {
  const node = 'pi2';
  const { host, apply, watch, trail, faultAt } = await applyOfJqInFlight(node);
  // The listener and every session process, inside this Pi only; stopped so it stays down
  // until the status has been seen (systemd would otherwise restart it at once).
  await ff.onNode(node, 'pkill -9 -x sshd; systemctl stop ssh.service; true');
  try {
    const end = await endOf(ff, apply, 120_000);
    assert.ok(
      end.error !== undefined || end.code !== 0,
      `the apply was cut off by the fault (ended ${JSON.stringify({ code: end.code, error: end.error })})`,
    );
    assert.ok(
      appliedSteps([{ ...apply, end }]).some((s) => s.rc === undefined),
      'the interrupted apply has a step that never ended',
    );
    await waitFor(`${node} Reachable=False`, 120_000, async () => {
      const c = await ff.condition('pinode', node, 'Reachable');
      return c?.status === 'False' && ['ConnectionLost', 'Unreachable'].includes(c.reason);
    });
    const events = await eventsSince(ff, 'PiNode', node, faultAt);
    assert.ok(
      events.some((e) => e.type === 'Warning' && ['ConnectionLost', 'Unreachable'].includes(e.reason)),
      `a Warning Event says so: ${JSON.stringify(events.map((e) => e.reason))}`,
    );
  } finally {
    await ff.onNode(node, 'systemctl start ssh.service');
  }
  const restartedAt = Date.now();
  await ff.waitAllReady(300_000);
  await trail.stop();
  await watch.stop();
  figure(
    `sshd kill: apply to ${node} cut off, Reachable seen ${[...trail.seen].join(', ')}; converged ${Date.now() - restartedAt} ms after sshd restart; ${appliesAfter(host, faultAt)} apply call(s) to ${node} after the fault; ${watch.samples} readiness samples`,
  );
  assert.deepEqual(watch.violations, [], 'the other PiNodes stayed Ready throughout');
  assert.equal(await ff.onNode(node, "dpkg-query -W -f='${db:Status-Abbrev}' jq"), 'ii', 'jq is installed');
  assertNoRepeats(host, faultAt);
});

test('a Pi rebooted mid-apply: the PiNode says it went away, and after the boot it converges once', async () => {
  const node = 'pi3';
  const { host, apply, watch, trail, faultAt } = await applyOfJqInFlight(node);
  await ff.fleet.reboot(node);
  const bootedAt = Date.now();
  const end = await endOf(ff, apply, 120_000);
  assert.ok(
    end.error !== undefined || end.code !== 0,
    `the apply was cut off by the reboot (ended ${JSON.stringify({ code: end.code, error: end.error })})`,
  );
  assert.ok(
    appliedSteps([{ ...apply, end }]).some((s) => s.rc === undefined),
    'the interrupted apply has a step that never ended',
  );
  await ff.waitAllReady(300_000);
  await trail.stop();
  await watch.stop();
  const events = await eventsSince(ff, 'PiNode', node, faultAt);
  figure(
    `reboot: ${node} back in ${bootedAt - faultAt} ms, converged ${Date.now() - bootedAt} ms later; Reachable seen ${[...trail.seen].join(', ')}; events ${events.map((e) => e.reason).join(', ')}; ${appliesAfter(host, faultAt)} apply call(s) after the fault`,
  );
  assert.ok(
    [...trail.seen].some((s) => /^False\/(ConnectionLost|Unreachable)$/.test(s)),
    `Reachable went False while the Pi was down: ${[...trail.seen].join(', ')}`,
  );
  assert.ok(
    events.some((e) => e.type === 'Warning' && ['ConnectionLost', 'Unreachable'].includes(e.reason)),
    'a Warning Event says the Pi went away',
  );
  assert.deepEqual(watch.violations, [], 'the other PiNodes stayed Ready throughout');
  assert.equal(await ff.onNode(node, "dpkg-query -W -f='${db:Status-Abbrev}' jq"), 'ii', 'jq is installed');
  assertNoRepeats(host, faultAt);
});

test('a Pi whose link is cut for longer than the resync period goes Unreachable, then recovers by itself', async () => {
  const node = 'pi1';
  const host = ff.address(node);
  const watch = new ReadinessWatch(ff, touchesNode(node));
  const cutAt = Date.now();
  await ff.fleet.cutLink(node);
  let detectedMs = 0;
  let reason = '';
  try {
    await waitFor(
      `${node} Reachable=False`,
      240_000,
      async () => {
        const c = await ff.condition('pinode', node, 'Reachable');
        reason = c?.reason ?? '';
        return c?.status === 'False';
      },
      250,
    );
    detectedMs = Date.now() - cutAt;
    // Held for at least three resync periods, so the retries while it is gone are seen too.
    await sleep(Math.max(0, 3 * resyncMs - (Date.now() - cutAt)));
  } finally {
    await ff.fleet.restoreLink(node);
  }
  const restoredAt = Date.now();
  const during = ff.calls().filter((c) => c.host === host && c.at >= cutAt && c.at < restoredAt);
  const firstFailure = during
    .filter((c) => c.end?.error)
    .map((c) => c.end!.at)
    .sort((a, b) => a - b)[0];
  await ff.waitAllReady(300_000);
  await watch.stop();
  const events = await eventsSince(ff, 'PiNode', node, cutAt);
  figure(
    `link cut: ${node} Reachable=False (${reason}) ${detectedMs} ms after the cut (first failed call ${firstFailure ? firstFailure - cutAt : 'none'} ms), ${during.length} calls during ${restoredAt - cutAt} ms cut, converged ${Date.now() - restoredAt} ms after restore`,
  );
  assert.ok(['Unreachable', 'ConnectionLost', 'Timeout'].includes(reason), `reason says the Pi cannot be reached: ${reason}`);
  assert.ok(
    events.some((e) => e.type === 'Warning' && e.reason === reason),
    `a Warning Event ${reason}: ${JSON.stringify(events.map((e) => e.reason))}`,
  );
  assert.deepEqual(watch.violations, [], 'the other PiNodes stayed Ready throughout');
  assertNoRepeats(host, cutAt);
});

test('a Pi whose host key is replaced gets nothing more until the new key is pinned', async () => {
  const node = 'pi3';
  const host = ff.address(node);
  const watch = new ReadinessWatch(ff, touchesNode(node));
  const beginAt = Date.now();
  const newKey = await ff.fleet.replaceHostKey(node);
  const replacedAt = Date.now();
  await waitFor(`${node} HostKeyMismatch`, 120_000, async () => {
    const c = await ff.condition('pinode', node, 'Ready');
    return c?.status === 'False' && c.reason === 'HostKeyMismatch';
  });
  await waitFor(
    'two later tries of the Pi',
    120_000,
    async () => ff.calls().filter((c) => c.host === host && c.at >= replacedAt && c.end).length >= 2,
  );
  const events = await eventsSince(ff, 'PiNode', node, beginAt);
  assert.ok(
    events.some((e) => e.type === 'Warning' && e.reason === 'HostKeyMismatch'),
    'a Warning Event HostKeyMismatch',
  );
  assert.match((await ff.condition('pinode', node, 'Ready'))?.message ?? '', /host key/);

  const { restartedAt, logins } = await loginsAfterRestart(ff, node, beginAt);
  assert.ok(restartedAt !== undefined, 'the journal shows sshd restarting with the new key');
  assert.deepEqual(logins, [], 'sshd accepted no login after its key changed');
  const tried = ff.calls().filter((c) => c.host === host && c.at >= replacedAt);
  const reached = tried.filter((c) => c.end && c.end.error !== 'HostKeyMismatchError');
  assert.deepEqual(
    reached.map((c) => ({ at: c.at, end: c.end })),
    [],
    'every call after the replacement ended in a host key error before any command ran',
  );

  await ff.kubectl(['patch', 'pinode', node, '--type', 'merge', '-p', JSON.stringify({ spec: { ssh: { hostKey: newKey } } })]);
  const pinnedAt = Date.now();
  await ff.waitAllReady(300_000);
  await watch.stop();
  figure(
    `host key: ${tried.length} call(s) refused at the host key in ${pinnedAt - replacedAt} ms, 0 logins; converged ${Date.now() - pinnedAt} ms after the pin`,
  );
  assert.deepEqual(watch.violations, [], 'the other PiNodes stayed Ready throughout');
  assertNoRepeats(host, beginAt);
});

test('a full disk on a Pi while slurm.conf is written leaves the old file intact, says so, and converges once space is freed', async () => {
  const node = 'pi2';
  const host = ff.address(node);
  const conf = '/etc/slurm/slurm.conf';
  const stage = '/run/pi-fault-slurm';
  const oldBytes = await ff.onNode(node, `base64 -w0 ${conf}`);
  // Only the Pi's own: a small tmpfs over /etc/slurm holding what was there, then filled up.
  await ff.onNode(
    node,
    [
      'set -e',
      `rm -rf ${stage} && mkdir ${stage} && cp -a /etc/slurm/. ${stage}/`,
      'mount -t tmpfs -o size=512k pi-fault-full /etc/slurm',
      `cp -a ${stage}/. /etc/slurm/`,
      'dd if=/dev/zero of=/etc/slurm/.pi-fault-filler bs=4k 2>/dev/null || true',
      '[ "$(df --output=avail /etc/slurm | tail -n 1 | tr -d " ")" = 0 ]',
    ].join('\n'),
  );
  const watch = new ReadinessWatch(ff, (kind) => kind === 'slurmpartition');
  try {
    assert.equal(await ff.onNode(node, `base64 -w0 ${conf}`), oldBytes, 'the copy on the tmpfs is the old file');
    const faultAt = Date.now();
    await ff.kubectl(['apply', '-f', '-'], slurmYaml([{ name: 'MaxJobCount', value: '20000' }]));
    let message = '';
    await waitFor('batch StepFailed naming pi2 and slurm.conf', 180_000, async () => {
      const c = await ff.condition('slurmpartition', 'batch', 'Ready');
      message = c?.message ?? '';
      return c?.status === 'False' && c.reason === 'StepFailed' && message.includes(node) && message.includes(conf);
    });
    const failedWrite = appliedSteps(ff.calls().filter((c) => c.host === host && c.at >= faultAt)).filter(
      (s) => s.command.includes(conf) && s.command.includes('MaxJobCount=20000'),
    );
    assert.ok(failedWrite.length > 0 && failedWrite.every((s) => s.rc !== 0), `the write of the new slurm.conf ran on ${node} and failed`);
    const events = await eventsSince(ff, 'SlurmPartition', 'batch', faultAt);
    assert.ok(
      events.some((e) => e.type === 'Warning' && e.reason === 'StepFailed'),
      'a Warning Event StepFailed',
    );
    // Retries keep failing for a resync period; the old file must survive every one of them.
    await sleep(resyncMs * 1.5);
    assert.equal(await ff.onNode(node, `base64 -w0 ${conf}`), oldBytes, 'the old slurm.conf is byte-identical');
    assert.equal(await ff.onNode(node, 'ls -A /etc/slurm | grep -c "^\\.bramble" || true'), '0', 'no temp file left behind');
    const retries = appliesAfter(host, faultAt);

    const freedAt = Date.now();
    await ff.onNode(node, 'rm -f /etc/slurm/.pi-fault-filler');
    await ff.waitAllReady(300_000);
    await watch.stop();
    figure(
      `disk full: batch said "${message.replace(/\s+/g, ' ').slice(0, 200)}"; ${retries} apply call(s) to ${node} while full, old file intact; converged ${Date.now() - freedAt} ms after space was freed`,
    );
    assert.match(await ff.onNode(node, `cat ${conf}`), /^MaxJobCount=20000$/m, 'the new slurm.conf is in place');
    assert.equal(
      await ff.onNode(node, `sha256sum < ${conf}`),
      await ff.onNode('pi0', `sha256sum < ${conf}`),
      "and it is the same as the controller's",
    );
    assert.deepEqual(watch.violations, [], 'every PiNode, the GlusterVolume and the MinioPool stayed Ready throughout');
    assertNoRepeats(host, faultAt);
  } finally {
    await watch.stop();
    // Back onto the Pi's own disk, whatever the case got to.
    await ff.onNode(
      node,
      [
        'rm -f /etc/slurm/.pi-fault-filler',
        `rm -rf ${stage} && mkdir ${stage} && cp -a /etc/slurm/. ${stage}/`,
        'umount /etc/slurm',
        `cp -a ${stage}/. /etc/slurm/ && rm -rf ${stage}`,
      ].join(' && '),
    );
  }
});

test('no secret value leaked through the faults: logs, Events, statuses, metrics, stored objects', async () => {
  const searched = await assertNoSecretLeaks(ff);
  figure(
    `secret leaks: 0 hits for ${searched.secrets} secrets (${searched.needles} forms) in ${searched.sources} sources, ${searched.chars} chars`,
  );
});
