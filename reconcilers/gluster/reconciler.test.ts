// The reconciler with a fake executor at the edge: observe answers are built from the real
// gluster XML captured on the fleet (fixtures/), so what is counted is what the Pis would see.
// Issue 15's data-safety cases are in reconciler-data-safety.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { UnreachableError } from '../../ssh/errors.ts';
import {
  addresses,
  allStepsSucceeded,
  fixture,
  freshCluster,
  harness,
  isObserve,
  nonce,
  observeBlob,
  piNode,
  vol1,
  vol1Record,
  type SectionOverrides,
} from './reconciler-harness.test-support.ts';

const brickDown: SectionOverrides = {
  '*': { 'volume-status': fixture('status-brick-down.xml'), 'heal-summary': fixture('heal-summary-pending.xml') },
};

void test("a converged volume: one observe per host, nothing applied, Ready with Gluster's own figures", async () => {
  const h = harness((target, stdin) =>
    isObserve(stdin) ? observeBlob(target.host, stdin) : new Error(`unexpected change: ${stdin.slice(0, 80)}`),
  );
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  assert.equal(h.executor.calls.length, 3);
  assert.deepEqual(h.executor.calls.map((c) => c.target.host).sort(), ['10.213.42.10', '10.213.42.11', '10.213.42.12']);
  assert.equal(
    h.executor.calls.filter((c) => c.options.stdin?.toString().includes('sec volume-info')).length,
    1,
    'only the primary asks about the volume',
  );
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'True', ready?.message);
  assert.equal(result.status.bricksOnline, 3);
  assert.equal(result.status.healPendingEntries, 0);
  assert.equal(result.status.peersConnected, 3);
  assert.deepEqual(result.status.mountedNodes, ['pi0', 'pi1', 'pi2']);
  assert.equal(result.status.observedGeneration, 3);
  assert.deepEqual(result.status.owned, vol1Record(), "the volume carries this resource's marker: recorded");
  assert.equal(
    result.status.conditions?.some((c) => c.type === 'Stalled' || c.type === 'Reconciling'),
    false,
  );
});

void test('a brick process down with heal pending: Ready=False naming the brick and the count', async () => {
  const h = harness((target, stdin) => (isObserve(stdin) ? observeBlob(target.host, stdin, brickDown) : new Error('no change expected')));
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'BricksOffline');
  assert.match(ready?.message ?? '', /brick pi2:\/srv\/gluster\/vol1 is offline; 12 entries pending heal/);
  assert.equal(result.status.bricksOnline, 2);
  assert.ok(result.events.some((e) => e.type === 'Warning' && e.reason === 'BricksOffline'));
});

void test('the first brick host unreachable: the next one reports the volume, and the outage is named', async () => {
  const h = harness((target, stdin) => {
    if (target.host === '10.213.42.10') return new UnreachableError('10.213.42.10:22', 'connect ECONNREFUSED');
    return isObserve(stdin) ? observeBlob(target.host, stdin) : new Error('no change expected');
  });
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.match(ready?.message ?? '', /unreachable: pi0: Unreachable/);
  assert.equal(result.status.volumeState, 'Started', 'pi1 answered for the volume');
});

void test('a host still booting (glusterd not yet started, volume not yet mounted) gets nothing applied until it is up', async () => {
  let bootState = 'starting 9.80';
  const applied: string[] = [];
  const h = harness((target, stdin) => {
    if (isObserve(stdin)) {
      const pi2 = target.host === '10.213.42.12';
      return observeBlob(
        target.host,
        stdin,
        pi2
          ? {
              [target.host]: {
                'boot-state': bootState,
                glusterd: 'inactive enabled',
                'gluster-peers': '',
                'mounted /mnt/shared': '',
                'mountdir /mnt/shared': 'empty',
              },
            }
          : {},
      );
    }
    applied.push(target.host);
    return '';
  });
  const waiting = await h.reconciler.reconcile(vol1(), h.ctx);
  assert.equal(applied.length, 0, 'nothing is applied while pi2 boots');
  const ready = waiting.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'HostBooting');
  assert.match(ready?.message ?? '', /waiting for pi2 to finish booting/);
  assert.equal(waiting.requeueAfterMs, 5_000);
  // The same observation from a host that finished booting is planned from and applied.
  bootState = 'running 40.00';
  await h.reconciler.reconcile(vol1(), h.ctx);
  assert.ok(applied.includes('10.213.42.12'), 'once up, its missing glusterd and mount are seen to');
});

void test('Retain: deletion touches nothing on the Pis and says what was left', async () => {
  const h = harness(() => new Error('no command may run'));
  const obj = vol1();
  obj.status = { bricks: [{ node: 'pi0', path: '/srv/gluster/vol1', online: true }], mountedNodes: ['pi0', 'pi1'] };
  const result = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(result?.done, true);
  assert.equal(h.executor.calls.length, 0);
  assert.match(
    result?.events[0]?.message ?? '',
    /Retain: volume vol1 left started with its 1 brick\(s\).*still mounted on pi0, pi1; nothing was unmounted, stopped or deleted/,
  );
});

void test('Delete with a host unreachable waits rather than deleting part of the data', async () => {
  const h = harness((target, stdin) => {
    if (target.host === '10.213.42.12') return new UnreachableError('10.213.42.12:22', 'timed out');
    return isObserve(stdin) ? observeBlob(target.host, stdin) : new Error('nothing may be deleted yet');
  });
  const obj = vol1({ reclaimPolicy: 'Delete' });
  obj.status = { owned: vol1Record() };
  const result = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(result?.done, false);
  assert.equal(h.executor.calls.filter((c) => c.options.stdin?.toString().includes('run_step')).length, 0);
  assert.match(result?.status.conditions?.find((c) => c.type === 'Ready')?.message ?? '', /waiting to reach every host.*pi2/);
});

void test("a secret in a failing step's output reaches neither status nor Events: every host's SSH key is masked in every host's messages", async () => {
  // pi1 logs in with a key of its own; pi0's failing step echoes a line of it.
  const pi1Key = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'sec1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const keyLine = pi1Key.split('\n')[1] ?? '';
  assert.ok(keyLine.length >= 60, 'a line of the key body');
  const mark = (text: string) => `\n@@bramble:${nonce} ${text}\n`;
  const h = harness((target, stdin) => {
    if (isObserve(stdin)) return observeBlob(target.host, stdin, freshCluster);
    if (target.host !== addresses.pi0) return allStepsSucceeded(stdin);
    return {
      stdout: `${mark('step 0 begin')}${mark('step 0 end 1')}`,
      stderr: `${mark('step 0 begin')}could not parse ${keyLine}${mark('step 0 end 1')}`,
    };
  });
  const pi1 = piNode('pi1');
  pi1.spec.ssh.privateKeySecretRef = { name: 'pi1-ssh' };
  h.view.put(pi1);
  h.view.secrets.set('pi1-ssh', { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': Buffer.from(pi1Key) } });
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'StepFailed');
  assert.match(ready?.message ?? '', /on pi0 failed: .*could not parse \*\*\*/);
  assert.equal(JSON.stringify(result).includes(keyLine), false, 'the key line is nowhere in status or Events');
});
