// The Deployment runs two leader-elected replicas, hardened, with probes and ports that the
// Service and ServiceMonitor actually point at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findObject, renderBase } from './render.ts';

interface Container {
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}

function deployment() {
  return findObject(renderBase().objects, 'Deployment', 'bramble') as unknown as {
    spec: {
      replicas: number;
      selector: { matchLabels: Record<string, string> };
      template: {
        metadata: { labels: Record<string, string> };
        spec: { securityContext: Record<string, unknown>; containers: Container[]; volumes: { name: string; emptyDir?: object }[] };
      };
    };
  };
}

function container(): Container {
  const c = deployment().spec.template.spec.containers;
  assert.equal(c.length, 1);
  return c[0]!;
}

function portOf(c: Container, name: string): number {
  const p = c.ports.find((x) => x.name === name);
  assert.ok(p, `no container port named ${name}`);
  return p.containerPort;
}

void test('two replicas with leader election; health on 8081, metrics on 8080, matching the flags', () => {
  const d = deployment();
  assert.equal(d.spec.replicas, 2);
  const c = container();
  assert.ok(c.args.includes('--leader-elect'));
  assert.equal(portOf(c, 'health'), 8081);
  assert.equal(portOf(c, 'metrics'), 8080);
  assert.ok(c.args.includes(`--health-probe-bind-address=:${portOf(c, 'health')}`));
  assert.ok(c.args.includes(`--metrics-bind-address=:${portOf(c, 'metrics')}`));
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'health' });
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'health' });
  for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
});

void test('the pod runs as non-root on a read-only root filesystem with no privileges', () => {
  const pod = deployment().spec.template.spec;
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(Number(pod.securityContext.runAsUser) > 0);
  assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  const sc = container().securityContext;
  assert.equal(sc.allowPrivilegeEscalation, false);
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.equal(sc.runAsNonRoot, true);
  assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
  const tmp = container().volumeMounts.find((m) => m.mountPath === '/tmp');
  assert.ok(tmp, '/tmp must be writable (tsx compile cache)');
  assert.ok(pod.volumes.find((v) => v.name === tmp.name)?.emptyDir, '/tmp is an emptyDir');
});

function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
function mebibytes(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  assert.ok(m, `memory quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

void test('requests and limits fit a Raspberry Pi 4 that also runs k3s', () => {
  const { requests, limits } = container().resources;
  // V8's heap cap (NODE_OPTIONS) must sit below the container limit, or the kernel kills the
  // process before the garbage collector runs.
  const env = (deployment().spec.template.spec.containers[0] as unknown as { env: { name: string; value?: string }[] }).env;
  const heap = /--max-old-space-size=(\d+)/.exec(env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '');
  assert.ok(heap, 'NODE_OPTIONS caps the heap');
  assert.ok(Number(heap[1]) < mebibytes(limits.memory!) * 0.75, `heap ${heap[1]} MiB vs limit ${limits.memory}`);
  assert.ok(cpuMillis(requests.cpu!) <= cpuMillis(limits.cpu!));
  assert.ok(mebibytes(requests.memory!) <= mebibytes(limits.memory!));
  // Two replicas together stay within 768 MiB (under 40% of a 2 GiB Pi 4) and one of its
  // four cores.
  assert.ok(2 * mebibytes(limits.memory!) <= 768, `memory limit ${limits.memory}`);
  assert.ok(2 * cpuMillis(limits.cpu!) <= 1000, `cpu limit ${limits.cpu}`);
});

void test('the metrics Service selects the operator pods and the ServiceMonitor selects the Service', () => {
  const { objects } = renderBase();
  const podLabels = deployment().spec.template.metadata.labels;
  const svc = findObject(objects, 'Service', 'bramble-metrics') as unknown as {
    metadata: { labels: Record<string, string> };
    spec: { selector: Record<string, string>; ports: { name: string; targetPort: string | number }[] };
  };
  for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(podLabels[k], v, `Service selector ${k}`);
  const metricsPort = svc.spec.ports.find((p) => p.name === 'metrics');
  assert.ok(metricsPort);
  assert.ok(metricsPort.targetPort === 'metrics' || metricsPort.targetPort === portOf(container(), 'metrics'));
  const sm = findObject(objects, 'ServiceMonitor', 'bramble') as unknown as {
    metadata: { namespace: string };
    spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
  };
  assert.equal(sm.metadata.namespace, 'bramble-system');
  for (const [k, v] of Object.entries(sm.spec.selector.matchLabels))
    assert.equal(svc.metadata.labels[k], v, `ServiceMonitor selector ${k}`);
  assert.deepEqual(
    sm.spec.endpoints.map((e) => e.port),
    ['metrics'],
  );
});
