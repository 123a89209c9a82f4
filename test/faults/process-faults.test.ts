// Fault cases (issue 11) for the processes and the Secrets: the leading operator SIGKILLed in the
// middle of an apply, the control plane restarted under open watches, the leader killed with two
// replicas running, and each Secret bramble reads (SSH key, munge key, MinIO credentials) changed
// or deleted while in use. One converged fleet (two operators with leader election) carries all
// cases, in order; each case injects one fault and proves the three things of the suite: the
// affected resource says what happened, the others stay Ready throughout, and everything
// converges again with no step applied twice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'minio';
import { stringify } from 'yaml';
import { FaultFleet, MINIO_PASSWORD } from '../e2e/converged-fleet.ts';
import { appliedSteps, repeatedAfter } from '../e2e/applied-steps.ts';
import { waitFor } from '../e2e/wait.ts';
import type { EventJson } from '../e2e/environment.ts';
import { assertNoSecretLeaks, fleetSecrets, type SecretValue } from './secret-leaks.ts';
import { ProcessListSampler, type ProcessLists } from './secret-leaks-pi.ts';
import { healthy, leaderName, leads, leaseHolder, operatorLog } from './process-watch.ts';
import { applyInFlight, isApply, ReadinessWatch } from './fault-watch.ts';

const resyncMs = 10_000;
/** The operator's default leader timings (defaultLeaderTimings in controllers/leader-election.ts). */
const leaseDurationMs = 15_000;
const renewDeadlineMs = 10_000;
const retryPeriodMs = 2_000;
const NODES = ['pi0', 'pi1', 'pi2', 'pi3'];
let ff: FaultFleet;
/** The values of Secrets a case replaced or deleted: the leak check at the end looks for them too. */
const earlierSecrets: SecretValue[] = [];

before(async () => {
  ff = await FaultFleet.start({ name: 'faultproc', subnet: '10.213.48.0/24', resyncMs, operators: 2 });
});

after(async () => {
  await ff?.close();
});

async function pinodeCurrent(name: string): Promise<boolean> {
  const p = await ff.get('pinode', name);
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  return (
    ready?.status === 'True' &&
    (p.status as { observedGeneration?: number }).observedGeneration === (p.metadata as { generation?: number }).generation
  );
}

/** Each step's command that completed (rc 0) more than once on `host` since `since`. */
function completedTwice(host: string, since: number): string[] {
  const counts = new Map<string, number>();
  for (const s of appliedSteps(ff.calls()).filter((s) => s.host === host && s.at >= since && s.rc === 0))
    counts.set(s.command, (counts.get(s.command) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([c, n]) => `${n}× ${c}`);
}

/**
 * A Secret change moves no generation, so Ready of the current generation does not mean its
 * rollout is over: wait until no mutating call (step script or file write) is in flight and a
 * whole resync passed without one. (Observes run all the time and are not waited for.)
 */
async function settled(since: number): Promise<void> {
  await waitFor(
    'no mutating call for a whole resync',
    180_000,
    async () => {
      const mutating = ff.calls().filter((c) => c.at >= since && (isApply(c) || c.command.includes('bramble-write')));
      const lastEnd = Math.max(0, ...mutating.map((c) => c.end?.at ?? Infinity));
      return Date.now() - lastEnd > resyncMs + 2_000;
    },
    1000,
  );
}

async function eventsWith(reason: string, kind?: string): Promise<EventJson[]> {
  return (await ff.events()).filter((e) => e.reason === reason && (!kind || e.regarding?.kind === kind));
}

async function bothOperatorsRunning(): Promise<void> {
  for (const n of ['op0', 'op1']) {
    if (!ff.operatorNames().includes(n) || !(await healthy(ff, n))) {
      await ff.stopOperator(n, 'SIGKILL');
      await ff.startOperator(n);
    }
  }
}

test('the leader SIGKILLed mid-apply: another replica finishes the apply, no completed step runs twice', async () => {
  const pi2 = ff.address('pi2');
  const since = Date.now();
  const sampler = new ReadinessWatch(ff, (kind, name) => kind === 'pinode' && name === 'pi2');
  await ff.kubectl(['patch', 'pinode', 'pi2', '--type', 'merge', '-p', '{"spec":{"packages":["tree","jq"]}}']);
  const inFlight = await applyInFlight(ff, pi2, since);
  const victim = inFlight.operator;
  const faultAt = Date.now();
  await ff.stopOperator(victim, 'SIGKILL');
  // The fault hit mid-apply: the apply never reported an end (or ended in error).
  const cut = ff.calls().find((c) => c.operator === victim && c.at === inFlight.at && c.host === pi2)!;
  assert.ok(!cut.end || cut.end.code !== 0, `the apply was cut off (end: ${JSON.stringify(cut.end)})`);
  assert.ok(
    appliedSteps([cut]).some((s) => s.rc === undefined),
    'a step of the apply never reported its end',
  );
  await ff.startOperator(victim);

  await waitFor(
    'pi2 converged with jq',
    240_000,
    async () => (await pinodeCurrent('pi2')) && (await ff.fleet.exec('pi2', 'dpkg -s jq')).code === 0,
    1000,
  );
  const finisher = ff
    .calls()
    .filter((c) => c.host === pi2 && c.at > faultAt && isApply(c))
    .map((c) => c.operator);
  const { samples, violations: bad } = await sampler.stop();
  await ff.waitAllReady(240_000);

  assert.deepEqual(repeatedAfter(ff.calls(), pi2, faultAt), [], 'no step completed before the kill ran again after it');
  assert.deepEqual(completedTwice(pi2, since), [], 'each step of the change completed once');
  assert.deepEqual(bad, [], `unaffected resources stayed Ready (${samples} samples)`);
  const leader = await leaderName(ff);
  console.log(
    `case 1: killed ${victim} mid-apply; apply finished by ${[...new Set(finisher)].join(',') || '(nothing left to apply)'}; leader now ${leader}`,
  );
});

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`the control plane restarted (${signal}) under open watches: informers resume, a later change is applied, nothing re-applied`, async () => {
    const pi3 = ff.address('pi3');
    // A zone pi3 has never had in this run, so its step is new, not a repeat.
    const zone = signal === 'SIGTERM' ? 'Europe/Paris' : 'Europe/Berlin';
    const before = await ff.readiness();
    assert.ok(
      before.every((r) => r.ready === 'True' && r.current),
      'converged before the fault',
    );
    const leaseBefore = await leaseHolder(ff);
    const sampler = new ReadinessWatch(ff, () => false);
    const faultAt = Date.now();
    await ff.stopControlPlane(signal);
    await ff.startControlPlane();
    const downMs = Date.now() - faultAt;
    // Nothing lost in the restart: every status is there, of its generation, Ready.
    const afterRestart = await ff.readiness();
    assert.deepEqual(
      afterRestart.map((r) => [r.kind, r.name, r.ready, r.current]),
      before.map((r) => [r.kind, r.name, 'True', true]),
    );

    // A change made after the restart reaches the Pi only if the informers relisted and rewatched.
    const changeAt = Date.now();
    await ff.kubectl(['patch', 'pinode', 'pi3', '--type', 'merge', '-p', JSON.stringify({ spec: { timezone: zone } })]);
    await waitFor(
      `pi3 in ${zone}`,
      120_000,
      async () => (await ff.fleet.exec('pi3', 'cat /etc/timezone')).stdout.trim() === zone && (await pinodeCurrent('pi3')),
      1000,
    );
    await ff.waitAllReady(120_000);
    const { samples, unanswered, violations: bad } = await sampler.stop();

    const applies = ff.calls().filter((c) => c.at >= faultAt && isApply(c));
    assert.deepEqual(
      applies.filter((c) => c.host !== pi3).map((c) => c.host),
      [],
      'no apply to any other Pi',
    );
    assert.ok(
      applies.filter((c) => c.host === pi3).every((c) => c.at >= changeAt),
      'pi3 applied only after the change',
    );
    assert.deepEqual(completedTwice(pi3, faultAt), []);
    assert.deepEqual(bad, [], `every resource stayed Ready (${samples} samples, ${unanswered} while the control plane was down)`);
    // A leader that cannot renew within renewDeadline steps down and its process exits (client-go's
    // rule; its Deployment restarts it). Back within renewDeadline less two jittered retry periods
    // (it may have renewed last one period before the fault and retry one period after), it must
    // keep the lease; later, a step-down is right, but it must be that and not a crash.
    const stepped: string[] = [];
    for (const n of ['op0', 'op1']) {
      if (await healthy(ff, n)) continue;
      assert.match(operatorLog(ff, n), /could not renew the lease in time, stepping down/, `${n} exited only by stepping down`);
      stepped.push(n);
    }
    if (downMs < renewDeadlineMs - 2 * retryPeriodMs * 1.2)
      assert.deepEqual(stepped, [], `the control plane was back in ${downMs} ms: the leader keeps its lease`);
    // Whoever applied the change had its watches open across the restart (no operator was
    // restarted before the change was on the Pi): its informers relisted and rewatched.
    const appliers = [...new Set(applies.map((c) => c.operator))];
    assert.ok(appliers.length > 0, 'an operator applied the change');
    await bothOperatorsRunning();
    console.log(
      `case 2 (${signal}): control plane down ${downMs} ms; lease ${leaseBefore === (await leaseHolder(ff)) ? 'kept' : 'moved'}${stepped.length ? ` (${stepped.join(', ')} stepped down and was restarted)` : ''}; ${applies.length} apply call(s), all to pi3, by ${appliers.join(', ')}`,
    );
  });
}

test('the leader SIGKILLed with two replicas: the other takes the Lease in time and reconciles go on', async () => {
  await bothOperatorsRunning();
  const victim = await leaderName(ff);
  const survivor = victim === 'op0' ? 'op1' : 'op0';
  const holderBefore = await leaseHolder(ff);
  assert.ok(operatorLog(ff, victim).includes(holderBefore), 'the Lease names the leader before the kill');
  const sampler = new ReadinessWatch(ff, (kind, name) => kind === 'pinode' && name === 'pi1');
  const killedAt = Date.now();
  await ff.stopOperator(victim, 'SIGKILL');
  // A change made while nobody leads: the survivor must pick it up.
  const changeAt = Date.now();
  await ff.kubectl(['patch', 'pinode', 'pi1', '--type', 'merge', '-p', '{"spec":{"packages":["tree","htop"]}}']);
  let holder = holderBefore;
  await waitFor('a new Lease holder', 60_000, async () => (holder = await leaseHolder(ff)) !== holderBefore, 100);
  const takeoverMs = Date.now() - killedAt;
  assert.ok(operatorLog(ff, survivor).includes(holder), `the holder ${holder} is the survivor ${survivor}`);
  assert.ok(await leads(ff, survivor), 'the survivor says it leads');
  // client-go's rule: the candidate takes the lease a lease duration after it last saw it renewed,
  // checking every retry period (×1.2 jitter); it may have seen the last renewal up to one retry
  // late. Add one second for this poll and the loaded machine.
  const boundMs = leaseDurationMs + 2 * retryPeriodMs * 1.2 + 1_000;
  assert.ok(takeoverMs <= boundMs, `takeover in ${takeoverMs} ms (bound ${boundMs} ms)`);

  await waitFor(
    'pi1 converged with htop',
    180_000,
    async () => (await pinodeCurrent('pi1')) && (await ff.fleet.exec('pi1', 'dpkg -s htop')).code === 0,
    1000,
  );
  const appliers = new Set(
    ff
      .calls()
      .filter((c) => c.at >= changeAt && isApply(c))
      .map((c) => c.operator),
  );
  assert.deepEqual([...appliers], [survivor], 'only the survivor applied');
  const { samples, violations: bad } = await sampler.stop();
  assert.deepEqual(bad, [], `unaffected resources stayed Ready (${samples} samples)`);
  assert.deepEqual(repeatedAfter(ff.calls(), ff.address('pi1'), killedAt), []);

  await ff.startOperator(victim);
  assert.equal(await leaderName(ff), survivor, 'the restarted replica stands by');
  assert.equal(await leaseHolder(ff), holder);
  await ff.waitAllReady(120_000);
  console.log(
    `case 3: ${victim} killed; ${survivor} took the Lease in ${takeoverMs} ms (lease ${leaseDurationMs} ms + retry ${retryPeriodMs} ms)`,
  );
});

// ---- Secrets ----------------------------------------------------------------------------------

/** A Secret as it can be applied again (no server-set fields). */
async function secretManifest(name: string): Promise<string> {
  const s = JSON.parse(await ff.kubectl(['get', 'secret', name, '-o', 'json'])) as { type: string; data: Record<string, string> };
  return stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: s.type, data: s.data });
}

async function mungeKeys(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of NODES) out[n] = await ff.onNode(n, 'base64 -w0 /etc/munge/munge.key');
  return out;
}

async function secretKey(): Promise<string | undefined> {
  const out = await ff.kubectl(['get', 'secret', 'seed-munge-key', '--ignore-not-found', '-o', 'json']);
  return out.trim() ? (JSON.parse(out) as { data: Record<string, string> }).data['munge.key'] : undefined;
}

/** Per Pi, how many times the munge key file was actually rewritten since `since`. */
function keyWrites(since: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of NODES) {
    out[n] = ff
      .calls()
      .filter(
        (c) =>
          c.host === ff.address(n) &&
          c.at >= since &&
          c.command.includes('bramble-write') &&
          c.command.includes('/etc/munge/munge.key') &&
          c.end?.stdout.trim() === 'changed',
      ).length;
  }
  return out;
}

async function srunWorks(): Promise<void> {
  const out = await ff.onNode('pi0', 'timeout 90 srun -N3 hostname', 100_000);
  assert.deepEqual(out.split('\n').sort(), ['pi1', 'pi2', 'pi3']);
}

test('the SSH key Secret deleted: PiNodes say so, nothing touches the Pis; re-created, all converge', async () => {
  const manifest = await secretManifest('bramble-ssh-key');
  const slurmctld = await ff.onNode('pi0', 'systemctl show -p MainPID --value slurmctld');
  await ff.kubectl(['delete', 'secret', 'bramble-ssh-key']);
  const deletedAt = Date.now();
  await waitFor(
    'every PiNode to name the missing Secret',
    60_000,
    async () => {
      for (const n of NODES) {
        const ready = await ff.condition('pinode', n, 'Ready');
        if (ready?.status !== 'False' || !/bramble-ssh-key/.test(ready.message)) return false;
      }
      return true;
    },
    1000,
  );
  const reasons = await Promise.all(NODES.map(async (n) => (await ff.condition('pinode', n, 'Ready'))?.reason));
  assert.deepEqual(
    reasons,
    NODES.map(() => 'SecretNotFound'),
  );
  assert.ok((await eventsWith('SecretNotFound', 'PiNode')).length >= 1, 'an Event SecretNotFound');
  // Quiet from here: after one more resync, no SSH call of any kind began.
  const quietFrom = Date.now() + 2_000;
  await new Promise((r) => setTimeout(r, 2 * resyncMs));
  const during = ff.calls().filter((c) => c.at >= quietFrom);
  assert.deepEqual(
    during.map((c) => `${c.host} ${c.command.slice(0, 60)}`),
    [],
    'no SSH call while the key is missing',
  );
  assert.equal(ff.calls().filter((c) => c.at >= deletedAt && isApply(c)).length, 0, 'nothing applied');
  // The other kinds: either still Ready from what they have, or their status names the Secret.
  const others: string[] = [];
  for (const r of (await ff.readiness()).filter((x) => x.kind !== 'pinode')) {
    const obj = await ff.get(r.kind, r.name);
    const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
    others.push(`${r.kind}/${r.name}=${ready?.status}(${ready?.reason}: ${ready?.message})`);
    assert.ok(
      ready?.status === 'True' || /bramble-ssh-key/.test(ready?.message ?? ''),
      `${r.kind}/${r.name} says why: ${ready?.reason}: ${ready?.message}`,
    );
    // Not being able to ask is not the same as MinIO being down.
    if (r.kind === 'miniopool') assert.equal(ready?.reason, 'NodesNotObserved');
  }
  // The services on the Pis never noticed.
  assert.equal(await ff.onNode('pi0', 'systemctl show -p MainPID --value slurmctld'), slurmctld);

  await ff.kubectl(['apply', '-f', '-'], manifest);
  await ff.waitAllReady(180_000);
  await settled(deletedAt);
  // The Pis were as bramble left them: the key's return changes nothing on them.
  assert.deepEqual(
    ff
      .calls()
      .filter((c) => c.at >= deletedAt && isApply(c))
      .map((c) => c.host),
    [],
    'nothing applied after the key came back',
  );
  console.log(`case 4a: with the SSH key missing: ${others.join('; ')}`);
});

test('the munge key Secret changed: the new key reaches every Slurm node and srun works', async () => {
  earlierSecrets.push(...(await fleetSecrets(ff)));
  const before = await secretKey();
  const fresh = randomBytes(128).toString('base64');
  assert.notEqual(fresh, before);
  const sampler = new ReadinessWatch(ff, (kind) => kind === 'slurmpartition');
  const changedAt = Date.now();
  await ff.kubectl(['patch', 'secret', 'seed-munge-key', '--type', 'merge', '-p', JSON.stringify({ data: { 'munge.key': fresh } })]);
  await waitFor('every node holds the new key', 180_000, async () => Object.values(await mungeKeys()).every((k) => k === fresh), 1000);
  await ff.waitAllReady(180_000);
  await settled(changedAt);
  const { samples, violations: bad } = await sampler.stop();
  assert.deepEqual(bad, [], `the other kinds stayed Ready (${samples} samples)`);
  await srunWorks();
  assert.deepEqual(keyWrites(changedAt), { pi0: 1, pi1: 1, pi2: 1, pi3: 1 }, 'the key written once to each Pi');
  assert.ok((await eventsWith('MungeKeyWritten', 'SlurmPartition')).length >= 1, 'an Event MungeKeyWritten');
  for (const n of NODES) assert.deepEqual(completedTwice(ff.address(n), changedAt), [], n);
});

// The munge key Secret bramble created, deleted from a running cluster: bramble keeps the key the
// Pis share (a new key would restart munge on every node, and the Secret restored later would roll
// out once more) and asks for the Secret back. Restoring it changes nothing on the Pis.
test('the munge key Secret deleted: the Pis keep their key, the partition asks for it back; restored, nothing is re-applied', async () => {
  earlierSecrets.push(...(await fleetSecrets(ff)));
  const manifest = await secretManifest('seed-munge-key');
  const keysBefore = await mungeKeys();
  const munged = await ff.onNode('pi1', 'systemctl show -p MainPID --value munge');
  const deletedAt = Date.now();
  await ff.kubectl(['delete', 'secret', 'seed-munge-key']);
  await waitFor(
    'the partition to ask for the Secret',
    60_000,
    async () => (await ff.condition('slurmpartition', 'batch', 'Ready'))?.reason === 'MungeKeySecretMissing',
    1000,
  );
  const ready = await ff.condition('slurmpartition', 'batch', 'Ready');
  assert.match(ready?.message ?? '', /seed-munge-key not found; the nodes keep the munge key they share/);
  assert.equal((await ff.condition('slurmpartition', 'batch', 'Stalled'))?.status, 'True', 'a person must act');
  assert.ok((await eventsWith('MungeKeySecretMissing', 'SlurmPartition')).length >= 1, 'a Warning Event MungeKeySecretMissing');
  // Two resyncs later: no new Secret, no key written, munge not restarted, Slurm still works.
  await new Promise((r) => setTimeout(r, 2 * resyncMs));
  assert.equal(await secretKey(), undefined, 'bramble made no new key');
  assert.deepEqual(await mungeKeys(), keysBefore);
  assert.deepEqual(keyWrites(deletedAt), { pi0: 0, pi1: 0, pi2: 0, pi3: 0 });
  assert.equal(await ff.onNode('pi1', 'systemctl show -p MainPID --value munge'), munged, 'munge kept running');
  await srunWorks();
  const others = (await ff.readiness()).filter((r) => r.kind !== 'slurmpartition' && r.ready !== 'True');
  assert.deepEqual(others, [], 'every other resource stays Ready');

  await ff.kubectl(['apply', '-f', '-'], manifest);
  await ff.waitAllReady(180_000);
  await settled(deletedAt);
  assert.deepEqual(keyWrites(deletedAt), { pi0: 0, pi1: 0, pi2: 0, pi3: 0 }, 'the restored key was already on every Pi');
  assert.deepEqual(
    ff
      .calls()
      .filter((c) => c.at >= deletedAt && isApply(c))
      .map((c) => c.host),
    [],
    'nothing applied',
  );
});

// ---- MinIO credentials ------------------------------------------------------------------------

const ROTATED = 'faults-minio-rotated-password';
/** The Pis' process lists during the rotation, for the leak scan at the end. */
let processLists: ProcessLists | undefined;

function minioSecret(password: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'minio-root' },
    type: 'Opaque',
    stringData: { rootUser: 'bramble-admin', rootPassword: password },
  });
}

async function s3(secretKey: string): Promise<Client> {
  const endpoint = ((await ff.get('miniopool', 'objects')).status as { endpoint?: string }).endpoint ?? '';
  const url = new URL(endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: 'bramble-admin',
    secretKey,
    region: 'us-east-1',
  });
}

async function minioPids(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of NODES) out[n] = await ff.onNode(n, 'systemctl show -p MainPID --value minio');
  return out;
}

test('the MinIO password changed: rotated node by node, the new one works, the old one is refused', async () => {
  await (await s3(MINIO_PASSWORD)).listBuckets();
  const pids = await minioPids();
  const sampler = new ReadinessWatch(ff, (kind) => kind === 'miniopool');
  const ps = await ProcessListSampler.start(ff);
  const changedAt = Date.now();
  await ff.kubectl(['apply', '-f', '-'], minioSecret(ROTATED));
  await waitFor(
    'every server restarted',
    180_000,
    async () => {
      const now = await minioPids();
      return NODES.every((n) => now[n] !== pids[n] && now[n] !== '0');
    },
    1000,
  );
  await ff.waitAllReady(180_000);
  await settled(changedAt);
  processLists = await ps.stop();
  const { samples, violations: bad } = await sampler.stop();
  assert.deepEqual(bad, [], `the other kinds stayed Ready (${samples} samples)`);
  // One node at a time: each node's rollout apply ended before the next began.
  const rollout = ff
    .calls()
    .filter((c) => c.at >= changedAt && isApply(c) && c.stdin.includes('minio'))
    .sort((a, b) => a.at - b.at);
  assert.equal(new Set(rollout.map((c) => c.host)).size, 4, 'every node took part');
  for (let i = 1; i < rollout.length; i++)
    assert.ok(rollout[i]!.at >= (rollout[i - 1]!.end?.at ?? Infinity), `${rollout[i]!.host} began after ${rollout[i - 1]!.host} ended`);
  assert.ok((await eventsWith('MinioRestarted', 'MinioPool')).length >= 1, 'an Event MinioRestarted');
  await (await s3(ROTATED)).listBuckets();
  await assert.rejects((await s3(MINIO_PASSWORD)).listBuckets(), (e: Error & { code?: string }) => e.code === 'SignatureDoesNotMatch');
  for (const n of NODES) assert.deepEqual(completedTwice(ff.address(n), changedAt), [], n);
});

test('the MinIO credentials Secret deleted: the pool says so, the servers keep running on the old credentials', async () => {
  const pids = await minioPids();
  const sampler = new ReadinessWatch(ff, (kind) => kind === 'miniopool');
  const deletedAt = Date.now();
  await ff.kubectl(['delete', 'secret', 'minio-root']);
  await waitFor(
    'MinioPool names the missing Secret',
    60_000,
    async () => (await ff.condition('miniopool', 'objects', 'Ready'))?.reason === 'CredentialsSecretMissing',
    1000,
  );
  assert.match((await ff.condition('miniopool', 'objects', 'Ready'))?.message ?? '', /minio-root/);
  assert.ok((await eventsWith('CredentialsSecretMissing', 'MinioPool')).length >= 1, 'an Event CredentialsSecretMissing');
  await new Promise((r) => setTimeout(r, resyncMs));
  assert.deepEqual(await minioPids(), pids, 'no server restarted or stopped');
  await (await s3(ROTATED)).listBuckets();
  assert.equal(ff.calls().filter((c) => c.at >= deletedAt && isApply(c)).length, 0, 'nothing applied');

  await ff.kubectl(['apply', '-f', '-'], minioSecret(ROTATED));
  await ff.waitAllReady(120_000);
  const { samples, violations: bad } = await sampler.stop();
  assert.deepEqual(bad, [], `the other kinds stayed Ready (${samples} samples)`);
  assert.deepEqual(await minioPids(), pids, 'the same credentials back: no restart');
});

test("no secret value leaked through these faults: logs, Events, statuses, metrics, stored objects, the Pis' readable files and process lists", async (t) => {
  assert.ok(processLists, "the Pis' process lists were sampled during the password rotation");
  const searched = await assertNoSecretLeaks(ff, {
    earlier: earlierSecrets,
    extra: [{ label: 'the rotated MinIO root password', value: ROTATED }],
    processLists,
  });
  t.diagnostic(
    `secret leaks: 0 hits for ${searched.secrets} secrets (${searched.needles} forms) in ${searched.sources} sources, ${searched.chars} chars; ` +
      `${searched.piFiles} world-readable files on the Pis (${searched.piFilesSkipped} big or executable skipped), ${searched.psSamples} ps samples during the rotation`,
  );
});
