// The PiNode shape other code is written against. The object literal below is type-checked
// (npm run typecheck), and admitted by the CRD at run time: the type and schema agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PiNode, PiNodeSpec, PiNodeStatus } from './pinode.ts';
import { admit } from './admission-for-tests.ts';

const spec = {
  address: 'pi0.local',
  port: 22,
  ssh: { user: 'pi', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKeyPolicy: 'TrustOnFirstUse' },
  hostname: 'pi0',
  timezone: 'UTC',
  users: [
    {
      name: 'alice',
      groups: ['sudo'],
      authorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ4cvCiIZ/yoin9V1DLq+ScYB22xFW86E2zYaOeTizq'],
      shell: '/bin/bash',
    },
  ],
  packages: ['htop'],
  paused: false,
} satisfies PiNodeSpec;

const status = {
  observedGeneration: 1,
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Healthy', message: 'ok', observedGeneration: 1, lastTransitionTime: '2026-11-25T10:00:00Z' },
  ],
  facts: {
    model: 'Raspberry Pi 3 Model B Plus Rev 1.3',
    serial: '00000000abcdef01',
    arch: 'aarch64',
    os: 'Debian GNU/Linux 12 (bookworm)',
    kernel: '6.6.51+rpt-rpi-v8',
    cpus: 4,
    memoryBytes: 950_000_000,
    diskBytes: 31_000_000_000,
    diskFreeBytes: 20_000_000_000,
    temperatureCelsius: 48.3,
    throttled: '0x50005',
    throttledFlags: ['under-voltage-now', 'throttled-occurred'],
    uptimeSeconds: 3600,
    load1: 0.42,
  },
  hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhMQdMaJ2G7kAcPgtcvMYrZfL+a30s6e2qHiPWia/x4',
  lastSeen: '2026-11-25T10:00:00Z',
  pendingSteps: [{ name: 'SetHostname', description: 'hostname raspberrypi → pi0' }],
} satisfies PiNodeStatus;

const node: PiNode = { apiVersion: 'bramble.dev/v1alpha1', kind: 'PiNode', metadata: { name: 'pi0', namespace: 'default' }, spec, status };

void test('a fully populated PiNode (spec and status) is admitted unchanged', () => {
  const { causes, pruned, object } = admit('PiNode', node);
  assert.deepEqual(causes, []);
  assert.deepEqual(pruned, []);
  assert.deepEqual(object, node);
});

void test('defaults: port 22, user pi, hostKeyPolicy Pinned', () => {
  const { object, causes } = admit('PiNode', {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'pi1' },
    spec: { address: '10.0.0.11', ssh: { privateKeySecretRef: { name: 'k' }, hostKey: status.hostKey } },
  });
  assert.deepEqual(causes, []);
  assert.deepEqual(object.spec, {
    address: '10.0.0.11',
    port: 22,
    ssh: { user: 'pi', hostKeyPolicy: 'Pinned', privateKeySecretRef: { name: 'k' }, hostKey: status.hostKey },
  });
});

void test('addresses: IPv4, IPv6 and DNS names pass; a dotted quad out of range does not', () => {
  for (const address of ['10.0.0.1', 'fd00::10', '::1', 'pi0', 'pi-0.lan', 'node1.cluster.example', '3com.example']) {
    assert.deepEqual(admit('PiNode', { ...node, spec: { ...spec, address } }).causes, [], address);
  }
  for (const address of ['999.1.1.1', '10.0.0.256', '10.0.0', 'fe80::1%eth0', 'PI0']) {
    assert.notDeepEqual(admit('PiNode', { ...node, spec: { ...spec, address } }).causes, [], address);
  }
});
