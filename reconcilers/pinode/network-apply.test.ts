// The confirm loop of a network change against a fake Pi (the SSH executor is the stand-in, the
// clock a fake one): confirmed at the new address; not reachable there → the Pi's timer rolls it
// back and bramble reads that at the old address; a refused try switches nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import { UnreachableError } from '../../ssh/errors.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import type { PiNodeNetwork } from '../../crds/pinode-network.ts';
import { tryNetworkChange, type NetworkTiming } from './network-apply.ts';
import { planNetwork } from './network-plan.ts';

const target: SshTarget = { host: '10.0.0.20', port: 22, user: 'pi', privateKey: 'KEY', hostKey: { policy: 'Pinned', key: 'k' } };
const network: PiNodeNetwork = {
  interface: 'eth0',
  mode: 'Static',
  address: '10.0.1.20/24',
  gateway: '10.0.1.1',
  reachAt: '10.0.1.20',
  rollbackAfterSeconds: 20,
};

function fakeTiming(): NetworkTiming & { t: number } {
  const timing = {
    t: 0,
    now: () => timing.t,
    sleep: async (ms: number) => {
      timing.t += ms;
    },
  };
  return timing;
}

/** A fake Pi: armed by the try script, answering at the new address when `newReachable`, rolled back by its timer otherwise. */
function fakePi(timing: { t: number }, opts: { newReachable: boolean; refuse?: string }) {
  let armedAt: number | undefined;
  let token = '';
  let confirmed = false;
  const executor = new RecordingExecutor().on(
    () => true,
    (command, to, options) => {
      const script = String(options.stdin ?? command);
      if (script.includes('systemd-run')) {
        if (opts.refuse) return { code: 1, stderr: opts.refuse };
        assert.equal(to.host, target.host, 'the try runs at the old address');
        armedAt = timing.t;
        token = /armed %s\\n' '([^']+)'/.exec(script)?.[1] ?? '';
        return { stdout: 'armed\n' };
      }
      const rolledBack = armedAt !== undefined && !confirmed && timing.t >= armedAt + network.rollbackAfterSeconds * 1000;
      if (script.includes('echo confirmed')) {
        if (to.host !== network.reachAt || !opts.newReachable || rolledBack)
          return new UnreachableError(`${to.host}:22`, `connect ${to.host}: no route to host`);
        confirmed = true;
        return { stdout: 'confirmed\n' };
      }
      if (command.startsWith('cat ')) {
        if (to.host === target.host && !rolledBack) return new UnreachableError(`${to.host}:22`, 'connect: timed out');
        return { stdout: `${rolledBack ? 'rolled-back' : 'armed'} ${token}\n` };
      }
      return new Error(`unexpected ${command}`);
    },
  );
  return { executor, armedAt: () => armedAt, token: () => token };
}

function tryAction() {
  const action = planNetwork({
    network,
    managedBy: 'NetworkManager',
    observed: { marker: false },
    status: undefined,
    connectedAt: target.host,
    nonce: 'abc',
  });
  assert.equal(action.kind, 'try');
  if (action.kind !== 'try') throw new Error('unreachable');
  return action;
}

void test("the change is confirmed at reachAt before the Pi's timer runs out", async () => {
  const timing = fakeTiming();
  const pi = fakePi(timing, { newReachable: true });
  const outcome = await tryNetworkChange(pi.executor, target, tryAction(), timing);
  assert.equal(outcome.outcome, 'confirmed');
  assert.ok(outcome.outcome === 'confirmed' && outcome.address === '10.0.1.20' && outcome.elapsedMs < 20_000);
  assert.ok(pi.token().endsWith('-abc'));
});

void test('unreachable at reachAt: bramble stops confirming before the timer, then finds the Pi rolled back at its old address', async () => {
  const timing = fakeTiming();
  const pi = fakePi(timing, { newReachable: false });
  const outcome = await tryNetworkChange(pi.executor, target, tryAction(), timing);
  assert.equal(outcome.outcome, 'rolledBack');
  assert.match(
    outcome.outcome === 'rolledBack' ? outcome.message : '',
    /not confirmed at 10\.0\.1\.20 within 20s \(last: connect 10\.0\.1\.20: no route to host\); the Pi restored its previous network and answers at 10\.0\.0\.20 again/,
  );
  const confirms = pi.executor.calls.filter((c) => String(c.options.stdin).includes('echo confirmed'));
  assert.ok(confirms.length > 3, 'kept trying the new address');
  // The last confirm started before the timer (minus the margin), so it cannot race the rollback.
  assert.ok(confirms.every((c) => c.target.host === '10.0.1.20'));
});

void test('a try the Pi refuses switches nothing and says why', async () => {
  const timing = fakeTiming();
  const pi = fakePi(timing, {
    newReachable: true,
    refuse: 'a NetworkManager connection bramble-eth0 exists that bramble did not create; leaving it alone\n',
  });
  const outcome = await tryNetworkChange(pi.executor, target, tryAction(), timing);
  assert.deepEqual(outcome, {
    outcome: 'failed',
    message: 'network change not started: a NetworkManager connection bramble-eth0 exists that bramble did not create; leaving it alone',
  });
  assert.equal(pi.executor.calls.length, 1);
});
