// Conformance at the HTTP level: Status shapes, authentication, TLS, body limits, discovery,
// tables, selectors, paging, watch resume/bookmarks/timeout, leases and events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type RequestLogEntry } from '../../controlplane/index.ts';
import { api, REPO_ROOT, startTestControlPlane, type TestControlPlane } from './harness.ts';

let t: TestControlPlane;
const log: RequestLogEntry[] = [];
const CM = '/api/v1/namespaces/default/configmaps';

before(async () => {
  t = await startTestControlPlane({ requestLog: (e) => log.push(e), bookmarkIntervalMs: 100 });
  const crd = readFileSync(join(REPO_ROOT, 'crds', 'bramble.dev_pinodes.yaml'));
  const r = await api(t.cp, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, { 'Content-Type': 'application/yaml' });
  assert.equal(r.status, 201, r.body);
});

after(async () => {
  await t?.close();
});

const cm = (name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: name } });

void test('every request needs the bearer token: 401 Status otherwise, logged as anonymous', async () => {
  for (const auth of [undefined, 'Bearer wrong', `Basic ${t.cp.token}`]) {
    const r = await api(t.cp, 'GET', '/api/v1/namespaces', undefined, auth === undefined ? { Authorization: '' } : { Authorization: auth });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  }
  assert.ok(log.some((e) => e.code === 401 && e.user === 'system:anonymous' && e.resource === 'namespaces'));
});

void test('TLS: the kubeconfig CA verifies the server; without it the connection is refused', async () => {
  assert.match(t.cp.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(t.cp.kubeconfig(), /certificate-authority-data: /);
  const err = await new Promise<Error | undefined>((resolve) => {
    const req = request(`${t.cp.url}/version`, { headers: { Authorization: `Bearer ${t.cp.token}` } }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', resolve);
    req.end();
  });
  assert.ok(err, 'an unverified certificate must fail');
  assert.equal((await api(t.cp, 'GET', '/version')).json().gitVersion, 'v1.32.0+bramble');
});

void test('plain HTTP is refused on a non-loopback address', async () => {
  await assert.rejects(startControlPlane({ inMemory: true, listen: '0.0.0.0:0', tls: false }), /TLS is required/);
});

void test('malformed bodies get 400, oversized ones 413, and the server keeps serving', async () => {
  const bad = await api(t.cp, 'POST', CM, '{"metadata": ');
  assert.equal(bad.status, 400);
  assert.equal(bad.json().reason, 'BadRequest');
  const badYaml = await api(t.cp, 'POST', CM, 'a: [b', { 'Content-Type': 'application/yaml' });
  assert.equal(badYaml.status, 400);
  const notObject = await api(t.cp, 'POST', CM, '[1,2]');
  assert.equal(notObject.status, 400);
  const huge = await api(t.cp, 'POST', CM, JSON.stringify({ metadata: { name: 'huge' }, data: { k: 'x'.repeat(4 * 1024 * 1024) } }));
  assert.equal(huge.status, 413);
  assert.equal(huge.json().reason, 'RequestEntityTooLarge');
  assert.equal((await api(t.cp, 'GET', CM)).status, 200);
});

void test('errors are Kubernetes Status objects with code, reason and details', async () => {
  const missing = await api(t.cp, 'GET', `${CM}/nope`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'configmaps "nope" not found',
    reason: 'NotFound',
    details: { name: 'nope', kind: 'configmaps' },
    code: 404,
  });
  assert.equal((await api(t.cp, 'POST', CM, cm('dup'))).status, 201);
  const dup = await api(t.cp, 'POST', CM, cm('dup'));
  assert.equal(dup.status, 409);
  assert.equal(dup.json().reason, 'AlreadyExists');
  const badName = await api(t.cp, 'POST', CM, cm('Bad_Name'));
  assert.equal(badName.status, 422);
  const details = badName.json().details as { causes: { field: string; reason: string }[] };
  assert.deepEqual(
    details.causes.map((c) => [c.field, c.reason]),
    [['metadata.name', 'FieldValueInvalid']],
  );
  const noNs = await api(t.cp, 'POST', '/api/v1/namespaces/absent/configmaps', cm('x'));
  assert.equal(noNs.status, 404);
  assert.equal(noNs.json().message, 'namespaces "absent" not found');
  const unknown = await api(t.cp, 'GET', '/apis/nothing.example/v1/things');
  assert.equal(unknown.status, 404);
});

void test('aggregated and legacy discovery list the CRD kinds', async () => {
  const agg = await api(t.cp, 'GET', '/apis', undefined, {
    Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
  });
  assert.match(String(agg.headers['content-type']), /as=APIGroupDiscoveryList/);
  const groups = agg.json().items as { metadata: { name: string }; versions: { resources: { resource: string; scope: string }[] }[] }[];
  const bramble = groups.find((g) => g.metadata.name === 'bramble.dev');
  assert.deepEqual(
    bramble?.versions[0]?.resources.map((r) => [r.resource, r.scope]),
    [['pinodes', 'Namespaced']],
  );
  const legacy = await api(t.cp, 'GET', '/apis/bramble.dev/v1alpha1');
  const resources = (legacy.json().resources as { name: string }[]).map((r) => r.name);
  assert.deepEqual(resources, ['pinodes', 'pinodes/status']);
  const core = await api(t.cp, 'GET', '/api', undefined, { Accept: 'application/json' });
  assert.deepEqual(core.json().versions, ['v1']);
});

void test('generation moves on spec changes only; no-op updates write nothing', async () => {
  const pi = {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'gen' },
    spec: { address: '10.0.0.9', ssh: { hostKeyPolicy: 'TrustOnFirstUse', privateKeySecretRef: { name: 'k' } } },
  };
  const base = '/apis/bramble.dev/v1alpha1/namespaces/default/pinodes';
  const created = (await api(t.cp, 'POST', base, JSON.stringify({ ...pi, status: { ignored: true } }))).json() as {
    metadata: { generation: number; resourceVersion: string };
    status?: unknown;
  };
  assert.equal(created.metadata.generation, 1);
  assert.equal(created.status, undefined, 'status is dropped on create');
  const merge = { 'Content-Type': 'application/merge-patch+json' };
  const same = (await api(t.cp, 'PATCH', `${base}/gen`, '{"spec":{"address":"10.0.0.9"}}', merge)).json() as typeof created;
  assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
  const status = (
    await api(t.cp, 'PATCH', `${base}/gen/status`, '{"status":{"observedGeneration":1},"spec":{"address":"10.9.9.9"}}', merge)
  ).json() as typeof created & { spec: { address: string } };
  assert.equal(status.metadata.generation, 1);
  assert.equal(status.spec.address, '10.0.0.9', 'writes to /status ignore everything but status');
  const meta = (await api(t.cp, 'PATCH', `${base}/gen`, '{"metadata":{"labels":{"a":"b"}}}', merge)).json() as typeof created;
  assert.equal(meta.metadata.generation, 1);
  const spec = (await api(t.cp, 'PATCH', `${base}/gen`, '{"spec":{"address":"10.0.0.10"}}', merge)).json() as typeof created;
  assert.equal(spec.metadata.generation, 2);
  assert.ok(Number(spec.metadata.resourceVersion) > Number(meta.metadata.resourceVersion));
  const strategic = await api(t.cp, 'PATCH', `${base}/gen`, '{"spec":{}}', { 'Content-Type': 'application/strategic-merge-patch+json' });
  assert.equal(strategic.status, 415);
});

void test('table output, label and field selectors, limit and continue', async () => {
  for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) {
    assert.equal((await api(t.cp, 'POST', CM, cm(n, { page: 'yes', odd: String(Number(n[1]) % 2 === 1) }))).status, 201);
  }
  const names: string[] = [];
  let cont = '';
  let pages = 0;
  do {
    const r = (await api(t.cp, 'GET', `${CM}?labelSelector=page%3Dyes&limit=2${cont ? `&continue=${cont}` : ''}`)).json() as {
      items: { metadata: { name: string } }[];
      metadata: { continue?: string };
    };
    names.push(...r.items.map((i) => i.metadata.name));
    cont = r.metadata.continue ?? '';
    pages++;
  } while (cont && pages < 10);
  assert.deepEqual(names, ['p1', 'p2', 'p3', 'p4', 'p5']);
  assert.equal(pages, 3);
  const odd = (await api(t.cp, 'GET', `${CM}?labelSelector=odd%3Dtrue,page`)).json() as { items: { metadata: { name: string } }[] };
  assert.deepEqual(
    odd.items.map((i) => i.metadata.name),
    ['p1', 'p3', 'p5'],
  );
  const one = (await api(t.cp, 'GET', `/api/v1/configmaps?fieldSelector=metadata.name%3Dp2,metadata.namespace%3Ddefault`)).json() as {
    items: unknown[];
  };
  assert.equal(one.items.length, 1);
  const table = (
    await api(t.cp, 'GET', `${CM}?labelSelector=page`, undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    })
  ).json() as {
    kind: string;
    columnDefinitions: { name: string }[];
    rows: { cells: unknown[] }[];
  };
  assert.equal(table.kind, 'Table');
  assert.deepEqual(
    table.columnDefinitions.map((c) => c.name),
    ['Name', 'Data', 'Age'],
  );
  assert.deepEqual(table.rows[0]!.cells.slice(0, 2), ['p1', 1]);
  const dc = await api(t.cp, 'DELETE', `${CM}?labelSelector=odd%3Dfalse`);
  assert.equal(dc.status, 200);
  const left = (await api(t.cp, 'GET', `${CM}?labelSelector=page`)).json() as { items: { metadata: { name: string } }[] };
  assert.deepEqual(
    left.items.map((i) => i.metadata.name),
    ['p1', 'p3', 'p5'],
  );
});

async function readWatch(path: string): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const r = await api(t.cp, 'GET', path);
  assert.equal(r.status, 200);
  return r.body
    .trim()
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });
}

void test('watch resumes from a resourceVersion, sends bookmarks and ends at timeoutSeconds', async () => {
  const a = (await api(t.cp, 'POST', CM, cm('w-a', { w: '1' }))).json() as { metadata: { resourceVersion: string } };
  await api(t.cp, 'POST', CM, cm('w-b', { w: '1' }));
  await api(t.cp, 'PATCH', `${CM}/w-a`, '{"metadata":{"labels":{"w":"2"}}}', { 'Content-Type': 'application/merge-patch+json' });
  const events = await readWatch(
    `${CM}?watch=true&labelSelector=w%3D1&resourceVersion=${a.metadata.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=1`,
  );
  const changes = events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`);
  assert.deepEqual(changes, ['ADDED w-b', 'DELETED w-a'], 'w-a left the selection');
  const bookmark = events.find((e) => e.type === 'BOOKMARK');
  assert.ok(bookmark, 'a bookmark was sent');
  assert.deepEqual(Object.keys(bookmark.object.metadata as object).sort(), ['creationTimestamp', 'resourceVersion']);
});

void test('query parameters as kube-apiserver parses them: watch=True and allowWatchBookmarks=True (Python) watch with bookmarks; bad integers and durations are 400', async () => {
  const events = await readWatch(`${CM}?watch=True&allowWatchBookmarks=True&timeoutSeconds=1`);
  assert.ok(
    events.some((e) => e.type === 'ADDED'),
    'a watch, not a list',
  );
  assert.ok(
    events.some((e) => e.type === 'BOOKMARK'),
    'with bookmarks',
  );
  const notWatch = await api(t.cp, 'GET', `${CM}?watch=False`);
  assert.equal(notWatch.json().kind, 'ConfigMapList');
  const limit = await api(t.cp, 'GET', `${CM}?limit=ten`);
  assert.equal(limit.status, 400);
  assert.equal(limit.json().message, 'strconv.ParseInt: parsing "ten": invalid syntax');
  const timeout = await api(t.cp, 'GET', `${CM}?timeout=soon`);
  assert.equal(timeout.status, 400);
  assert.equal(timeout.json().message, 'invalid timeout specified in the request URL - time: invalid duration "soon"');
  assert.equal((await api(t.cp, 'GET', `${CM}?timeout=32s&limit=%2B1`)).json().items instanceof Array, true);
});

void test('a watch from a version no longer retained ends with a 410 Expired ERROR event', async () => {
  const small = await startTestControlPlane({ watchCacheSize: 2 });
  try {
    const first = (await api(small.cp, 'POST', CM, cm('g0'))).json() as { metadata: { resourceVersion: string } };
    for (const n of ['g1', 'g2', 'g3']) await api(small.cp, 'POST', CM, cm(n));
    const r = await api(small.cp, 'GET', `${CM}?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
    const [event] = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { code: number; reason: string } });
    assert.equal(event?.type, 'ERROR');
    assert.equal(event?.object.code, 410);
    assert.equal(event?.object.reason, 'Expired');
  } finally {
    await small.close();
  }
});

void test('a list, get or watch from a future resourceVersion is answered "Too large resource version" (504, Retry-After), as kube-apiserver does', async () => {
  const current = Number(((await api(t.cp, 'GET', CM)).json().metadata as { resourceVersion: string }).resourceVersion);
  const future = current + 1000;
  for (const path of [`${CM}?resourceVersion=${future}`, `${CM}?resourceVersion=${future}&limit=1`]) {
    const r = await api(t.cp, 'GET', path);
    assert.equal(r.status, 504, path);
    assert.equal(r.headers['retry-after'], '1');
    const status = r.json() as { reason: string; message: string; details: unknown };
    assert.equal(status.reason, 'Timeout');
    assert.match(status.message, new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`));
    assert.deepEqual(status.details, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
  assert.equal((await api(t.cp, 'GET', `${CM}/dup?resourceVersion=${future}`)).status, 504);
  const events = await readWatch(`${CM}?watch=true&resourceVersion=${future}&timeoutSeconds=30`);
  assert.equal(events.length, 1, 'the watch ends at once instead of waiting');
  assert.equal(events[0]!.type, 'ERROR');
  assert.equal(events[0]!.object.code, 504);
  assert.match(String(events[0]!.object.message), /Too large resource version/);
  const notANumber = await api(t.cp, 'GET', `${CM}?resourceVersion=abc`);
  assert.equal(notANumber.status, 400);
  assert.match(String(notANumber.json().message), /resourceVersion: Invalid value: "abc"/);
  assert.equal((await api(t.cp, 'GET', `${CM}?resourceVersion=${current}`)).status, 200, 'the current version is served');
});

void test('server-side apply over HTTP: creates (201), a re-apply writes nothing, fieldManager is required, force only for apply, /status applies status only', async () => {
  const base = '/apis/bramble.dev/v1alpha1/namespaces/default/pinodes';
  const applyHeaders = { 'Content-Type': 'application/apply-patch+yaml' };
  const config = (address: string) =>
    JSON.stringify({
      apiVersion: 'bramble.dev/v1alpha1',
      kind: 'PiNode',
      metadata: { name: 'ssa' },
      spec: { address, ssh: { hostKeyPolicy: 'TrustOnFirstUse', privateKeySecretRef: { name: 'k' } } },
    });
  const created = await api(t.cp, 'PATCH', `${base}/ssa?fieldManager=tool`, config('10.0.0.1'), applyHeaders);
  assert.equal(created.status, 201, created.body);
  const rv = (created.json().metadata as { resourceVersion: string }).resourceVersion;
  const again = await api(t.cp, 'PATCH', `${base}/ssa?fieldManager=tool`, config('10.0.0.1'), applyHeaders);
  assert.equal(again.status, 200);
  assert.equal((again.json().metadata as { resourceVersion: string }).resourceVersion, rv, 'nothing changed, nothing written');
  const noManager = await api(t.cp, 'PATCH', `${base}/ssa`, config('10.0.0.1'), applyHeaders);
  assert.equal(noManager.status, 422);
  assert.match(String(noManager.json().message), /fieldManager: Required value: is required for apply patch/);
  const forceOnMerge = await api(t.cp, 'PATCH', `${base}/ssa?force=true`, '{}', { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(forceOnMerge.status, 422);
  const wrongKind = await api(
    t.cp,
    'PATCH',
    `${base}/ssa?fieldManager=tool`,
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' } }),
    applyHeaders,
  );
  assert.equal(wrongKind.status, 400);
  assert.match(String(wrongKind.json().message), /invalid object type: v1, Kind=ConfigMap/);
  const conflict = await api(t.cp, 'PATCH', `${base}/ssa?fieldManager=other`, config('10.0.0.2'), applyHeaders);
  assert.equal(conflict.status, 409);
  assert.deepEqual(conflict.json().details, {
    causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "tool"', field: '.spec.address' }],
  });
  const status = await api(
    t.cp,
    'PATCH',
    `${base}/ssa/status?fieldManager=operator`,
    JSON.stringify({
      apiVersion: 'bramble.dev/v1alpha1',
      kind: 'PiNode',
      metadata: { name: 'ssa' },
      spec: { address: '9.9.9.9' },
      status: { observedGeneration: 1 },
    }),
    applyHeaders,
  );
  assert.equal(status.status, 200, status.body);
  const after = status.json() as {
    spec: { address: string };
    status: unknown;
    metadata: { managedFields: { manager: string; time?: string }[] };
  };
  assert.equal(after.spec.address, '10.0.0.1', 'an apply to /status changes status only');
  assert.deepEqual(after.status, { observedGeneration: 1 });
  const entry = after.metadata.managedFields.find((m) => m.manager === 'operator');
  assert.deepEqual(entry, {
    manager: 'operator',
    operation: 'Apply',
    apiVersion: 'bramble.dev/v1alpha1',
    time: entry?.time,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:observedGeneration': {} } },
    subresource: 'status',
  });
  assert.equal(
    (await api(t.cp, 'PATCH', `${base}/missing/status?fieldManager=x`, config('1.1.1.1').replace('"ssa"', '"missing"'), applyHeaders))
      .status,
    404,
  );
});

void test('every write records its manager: the fieldManager parameter, else the User-Agent up to "/"', async () => {
  const created = (await api(t.cp, 'POST', CM, cm('tracked'), { 'User-Agent': 'my-tool/1.2 (linux)' })).json() as {
    metadata: { managedFields: { manager: string; operation: string; fieldsV1: unknown }[] };
  };
  assert.deepEqual(
    created.metadata.managedFields.map((m) => [m.manager, m.operation, m.fieldsV1]),
    [['my-tool', 'Update', { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:labels': {} } }]],
  );
  const patched = (
    await api(t.cp, 'PATCH', `${CM}/tracked?fieldManager=patcher`, '{"data":{"k":"v2"}}', {
      'Content-Type': 'application/merge-patch+json',
    })
  ).json() as typeof created;
  assert.deepEqual(
    patched.metadata.managedFields.map((m) => [m.manager, m.fieldsV1]),
    [
      // my-tool keeps the map it created (data itself), no longer the key patcher changed.
      ['my-tool', { 'f:data': {}, 'f:metadata': { 'f:labels': {} } }],
      ['patcher', { 'f:data': { 'f:k': {} } }],
    ],
  );
});

void test('leases take MicroTime and refuse a plain timestamp, as Kubernetes does', async () => {
  const path = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
  const lease = (t0: string) =>
    JSON.stringify({
      metadata: { name: `l${t0.length}` },
      spec: { holderIdentity: 'op-1', leaseDurationSeconds: 15, acquireTime: t0, renewTime: t0 },
    });
  assert.equal((await api(t.cp, 'POST', path, lease('2026-01-01T00:00:00.123456Z'))).status, 201);
  const plain = await api(t.cp, 'POST', path, lease('2026-01-01T00:00:00Z'));
  assert.equal(plain.status, 400);
  assert.match(String(plain.json().message), /2006-01-02T15:04:05.000000Z07:00/);
});

void test('events written through core/v1 read back through events.k8s.io/v1', async () => {
  const ev = {
    metadata: { name: 'e1' },
    involvedObject: { kind: 'PiNode', name: 'pi1', namespace: 'default' },
    reason: 'Reachable',
    message: 'ssh ok',
    type: 'Normal',
  };
  assert.equal((await api(t.cp, 'POST', '/api/v1/namespaces/default/events', JSON.stringify(ev))).status, 201);
  const v1 = (await api(t.cp, 'GET', '/apis/events.k8s.io/v1/namespaces/default/events/e1')).json();
  assert.equal(v1.apiVersion, 'events.k8s.io/v1');
  assert.equal(v1.note, 'ssh ok');
  assert.deepEqual(v1.regarding, ev.involvedObject);
});

void test('dry run validates without storing; strategic merge works on built-in kinds', async () => {
  const dry = await api(t.cp, 'POST', `${CM}?dryRun=All`, cm('dry'));
  assert.equal(dry.status, 201);
  assert.equal((await api(t.cp, 'GET', `${CM}/dry`)).status, 404);
  await api(t.cp, 'POST', CM, cm('smp'));
  const r = await api(t.cp, 'PATCH', `${CM}/smp`, '{"metadata":{"finalizers":["a"]},"data":{"x":"y"}}', {
    'Content-Type': 'application/strategic-merge-patch+json',
  });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json().data, { k: 'smp', x: 'y' });
});

void test('the request log names verb, resource, namespace, name, code and user', async () => {
  await api(t.cp, 'GET', `${CM}/dup`);
  const entry = log.findLast((e) => e.name === 'dup' && e.verb === 'get');
  assert.deepEqual(entry, {
    verb: 'get',
    group: '',
    version: 'v1',
    resource: 'configmaps',
    namespace: 'default',
    name: 'dup',
    code: 200,
    user: 'bramble-admin',
  });
});

void test('a CRD whose schema is not structural is refused with 422', async () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.dev' },
    spec: {
      group: 'example.dev',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } },
        },
      ],
    },
  };
  const r = await api(t.cp, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd));
  assert.equal(r.status, 422, r.body);
  const causes = (r.json().details as { causes: { field: string }[] }).causes;
  assert.ok(causes.every((c) => c.field === 'spec.versions[0].schema.openAPIV3Schema'));
  assert.equal((await api(t.cp, 'GET', '/apis/example.dev/v1/namespaces/default/widgets')).status, 404, 'nothing is served');
});

void test('arbitrary bodies never crash the server or yield 500 (property)', async () => {
  const fc = (await import('fast-check')).default;
  const base = '/apis/bramble.dev/v1alpha1/namespaces/default/pinodes';
  const targets: [string, string, string][] = [
    ['POST', base, 'application/json'],
    ['POST', CM, 'application/yaml'],
    ['PATCH', `${CM}/dup`, 'application/merge-patch+json'],
    ['PATCH', `${CM}/dup`, 'application/json-patch+json'],
    ['PATCH', `${CM}/dup`, 'application/strategic-merge-patch+json'],
    ['PUT', `${base}/gen/status`, 'application/json'],
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...targets),
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.jsonValue().map((v) => JSON.stringify({ metadata: { name: 'fuzz' }, spec: v, status: v })),
      ),
      async ([method, path, type], body) => {
        const r = await api(t.cp, method, path, body, { 'Content-Type': type });
        assert.ok(r.status < 500, `${method} ${path} ${type} ${JSON.stringify(body)} → ${r.status} ${r.body}`);
        assert.equal(r.json().kind !== undefined, true);
      },
    ),
    { numRuns: 150 },
  );
  assert.equal((await api(t.cp, 'GET', '/version')).status, 200);
});

void test('deleting a CRD ends the watches on its resources', async () => {
  const crd = readFileSync(join(REPO_ROOT, 'crds', 'bramble.dev_miniopools.yaml'));
  assert.equal(
    (await api(t.cp, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, { 'Content-Type': 'application/yaml' }))
      .status,
    201,
  );
  const watch = api(t.cp, 'GET', '/apis/bramble.dev/v1alpha1/miniopools?watch=true&timeoutSeconds=30');
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  assert.equal((await api(t.cp, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/miniopools.bramble.dev')).status, 200);
  const ended = await watch;
  assert.equal(ended.status, 200);
  assert.ok(Date.now() - started < 10_000, 'the watch ended with the CRD, not at its timeout');
});
