// The official Python client (Debian's python3-kubernetes) against a real `bramble controlplane`:
// list, create and status patches of PiNodes, and watches — the client sends `watch=True` and
// `allowWatchBookmarks=True`, which kube-apiserver reads as true — that receive ADDED, MODIFIED
// and DELETED, with and without bookmarks. One control plane for the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startClientsControlPlane, type ClientsControlPlane } from './harness.ts';

let cp: ClientsControlPlane;

before(async () => {
  cp = await startClientsControlPlane();
});

after(async () => {
  await cp?.close();
});

async function python(...args: string[]): Promise<Record<string, unknown>[]> {
  const r = await cp.python('pinodes.py', args);
  assert.equal(r.code, 0, `pinodes.py ${args.join(' ')}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

void test('python3-kubernetes lists, creates and patches the status of PiNodes', async () => {
  const steps = await python('crud');
  assert.deepEqual(
    steps.map((s) => s.step),
    ['list', 'create', 'patch-status', 'list'],
  );
  assert.deepEqual(steps[0], { step: 'list', kind: 'PiNodeList', count: 0 });
  assert.deepEqual(steps[1], { step: 'create', name: 'py-crud', generation: 1, port: 22 });
  assert.equal((steps[2]!.status as { conditions: { message: string }[] }).conditions[0]!.message, 'set from Python');
  assert.equal(steps[2]!.generation, 1, 'a status patch does not move generation');
  assert.deepEqual(steps[3], { step: 'list', kind: 'PiNodeList', count: 1, names: ['py-crud'] });
});

for (const bookmarks of [false, true]) {
  void test(`a Python watch receives ADDED, MODIFIED and DELETED for PiNodes ${bookmarks ? 'with' : 'without'} bookmarks`, async () => {
    const [result] = await python('watch', ...(bookmarks ? ['bookmarks'] : []));
    const events = result!.events as [string, string, string][];
    const name = bookmarks ? 'py-watch-bm' : 'py-watch';
    assert.deepEqual(
      events.filter(([, n]) => n === name).map(([type]) => type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    assert.ok(
      events.some(([type, n]) => type === 'ADDED' && n === 'py-crud'),
      'the existing PiNode comes first, as ADDED',
    );
    const marks = events.filter(([type]) => type === 'BOOKMARK');
    if (bookmarks) {
      assert.ok(marks.length >= 1, 'a bookmark arrived (at least the one the watch ends with)');
      assert.match(marks[marks.length - 1]![2], /^\d+$/);
    } else assert.deepEqual(marks, [], 'no bookmarks unless asked for');
  });
}
