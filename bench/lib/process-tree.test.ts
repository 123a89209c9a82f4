import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { descendants, treeHighWaterRssBytes, treeRssBytes } from './process-tree.ts';

test('descendants walks the whole tree from a root and nothing else', () => {
  const ppid = new Map([
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 3],
    [9, 8],
  ]);
  assert.deepEqual(descendants(2, ppid).sort(), [2, 3, 4, 5]);
  assert.deepEqual(descendants(9, ppid), [9]);
});

test('a tree with a child holds more memory than the child alone', async () => {
  // sh waits on a sleeping child: the tree is two live processes.
  const child = spawn('sh', ['-c', 'sleep 5; true'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const pid = child.pid as number;
    const tree = treeRssBytes(pid);
    assert.ok(tree > 0, 'the tree has resident memory');
    assert.ok(treeRssBytes(process.pid) > tree, 'this process plus its child holds more');
  } finally {
    child.kill('SIGKILL');
  }
});

test('the high-water mark of a tree is at least what it holds now', () => {
  const now = treeRssBytes(process.pid);
  assert.ok(treeHighWaterRssBytes(process.pid) >= now * 0.95, 'VmHWM is a peak, never below the current RSS');
});
