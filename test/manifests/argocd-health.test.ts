// bramble's Argo CD health checks, run by a real Lua 5.4 interpreter on the exact scripts in
// the argocd-cm patch: Healthy, Progressing and Degraded from the kstatus conditions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { brambleKinds, healthCheckKey, renderHealthChecks } from '../../manifests/argocd/health-checks.ts';
import { validateObject } from './kube-schemas.ts';
import { toLua } from './lua-value.ts';
import type { KubeObject } from './render.ts';
import { repoPath, requireTool, run } from './tools.ts';

const luaPath = repoPath('manifests', 'argocd', 'bramble-health.lua');
const yamlPath = repoPath('manifests', 'argocd', 'health-checks.yaml');
const patch = parse(readFileSync(yamlPath, 'utf8')) as KubeObject & { data: Record<string, string> };

function health(script: string, obj: unknown): { status: string; message: string } {
  const lua = requireTool('lua5.4', 'scripts/setup/50-manifest-tools.sh');
  // Argo CD runs the script as a chunk with `obj` global; a function body behaves the same.
  const program = `obj = ${toLua(obj)}\nlocal function check()\n${script}\nend\nlocal hs = check()\nio.write(hs.status, "\\n", hs.message or "")\n`;
  const res = run(lua, ['-'], { input: program, timeoutMs: 10_000 });
  assert.equal(res.status, 0, res.stderr);
  const [status = '', ...message] = res.stdout.split('\n');
  return { status, message: message.join('\n') };
}

const at = '2026-01-01T00:00:00Z';
function cond(type: string, status: string, reason: string, observedGeneration = 3) {
  return { type, status, reason, message: `${type} ${reason}`, observedGeneration, lastTransitionTime: at };
}
function piNode(status: unknown, generation = 3) {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'pi1', namespace: 'lab', generation },
    spec: { address: '10.0.0.11' },
    status,
  };
}

const cases: { name: string; obj: unknown; status: string; message?: RegExp }[] = [
  {
    name: 'Ready=True at the current generation',
    obj: piNode({ observedGeneration: 3, conditions: [cond('Ready', 'True', 'Healthy'), cond('Reachable', 'True', 'Connected')] }),
    status: 'Healthy',
  },
  { name: 'no status yet', obj: piNode(undefined), status: 'Progressing' },
  { name: 'status without conditions', obj: piNode({ observedGeneration: 3 }), status: 'Progressing' },
  {
    name: 'Reconciling=True',
    obj: piNode({ observedGeneration: 3, conditions: [cond('Ready', 'False', 'ChangePending'), cond('Reconciling', 'True', 'Applying')] }),
    status: 'Progressing',
    message: /Reconciling Applying/,
  },
  {
    name: 'status from an older generation, even if it said Ready',
    obj: piNode({ observedGeneration: 2, conditions: [cond('Ready', 'True', 'Healthy', 2)] }),
    status: 'Progressing',
    message: /generation 3/,
  },
  {
    name: 'Ready from an older generation',
    obj: piNode({ observedGeneration: 3, conditions: [cond('Ready', 'True', 'Healthy', 2)] }),
    status: 'Progressing',
  },
  {
    name: 'a stale Stalled is not trusted yet (kstatus)',
    obj: piNode({ observedGeneration: 2, conditions: [cond('Stalled', 'True', 'HostKeyMismatch', 2)] }),
    status: 'Progressing',
  },
  {
    name: 'Ready=False with a transient reason',
    obj: piNode({ observedGeneration: 3, conditions: [cond('Ready', 'False', 'ChangePending')] }),
    status: 'Progressing',
  },
  {
    name: 'Ready=Unknown',
    obj: piNode({ observedGeneration: 3, conditions: [cond('Ready', 'Unknown', 'NotObserved')] }),
    status: 'Progressing',
  },
  {
    name: 'Stalled=True',
    obj: piNode({
      observedGeneration: 3,
      conditions: [cond('Ready', 'False', 'HostKeyMismatch'), cond('Stalled', 'True', 'HostKeyMismatch')],
    }),
    status: 'Degraded',
    message: /^HostKeyMismatch: Stalled HostKeyMismatch/,
  },
  {
    name: 'Ready=False because the Pi is unreachable',
    obj: piNode({ observedGeneration: 3, conditions: [cond('Ready', 'False', 'Unreachable')] }),
    status: 'Degraded',
    message: /^Unreachable/,
  },
  {
    name: 'Ready=False because a Secret is missing',
    obj: piNode({ observedGeneration: 3, conditions: [cond('Ready', 'False', 'SecretNotFound')] }),
    status: 'Degraded',
  },
  {
    name: 'a message with quotes, newlines and non-ASCII survives',
    obj: piNode({ observedGeneration: 3, conditions: [{ ...cond('Ready', 'True', 'Healthy'), message: 'at 61 °C, "fine"\nreally' }] }),
    status: 'Healthy',
    message: /61 °C, "fine"\nreally/,
  },
];

void test('health-checks.yaml is generated from bramble-health.lua (run manifests/argocd/generate.ts)', () => {
  assert.equal(readFileSync(yamlPath, 'utf8'), renderHealthChecks(readFileSync(luaPath, 'utf8')));
});

void test('the patch is an argocd-cm ConfigMap with one health check per bramble kind', async () => {
  assert.equal(patch.kind, 'ConfigMap');
  assert.equal(patch.metadata.name, 'argocd-cm');
  assert.equal(patch.metadata.namespace, 'argocd');
  await validateObject(patch);
  const crdKinds = ['pinodes', 'slurmpartitions', 'glustervolumes', 'miniopools'].map((plural) => {
    const crd = parse(readFileSync(repoPath('crds', `bramble.dev_${plural}.yaml`), 'utf8')) as { spec: { names: { kind: string } } };
    return crd.spec.names.kind;
  });
  assert.deepEqual([...brambleKinds].sort(), crdKinds.sort());
  assert.deepEqual(Object.keys(patch.data).sort(), brambleKinds.map(healthCheckKey).sort());
});

for (const kind of brambleKinds) {
  void test(`${kind}: Healthy, Progressing and Degraded as Argo CD would see them`, () => {
    const script = patch.data[healthCheckKey(kind)];
    assert.ok(script);
    for (const c of cases) {
      const obj = { ...(c.obj as Record<string, unknown>), kind };
      const got = health(script, obj);
      assert.equal(got.status, c.status, `${c.name}: ${got.message}`);
      if (c.message) assert.match(got.message, c.message, c.name);
    }
  });
}
