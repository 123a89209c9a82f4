// The diff is checked against GNU diff's own `diff -u` on the same texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { unifiedDiff } from './unified-diff.ts';

function gnuDiffBody(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-diff-'));
  try {
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    const run = spawnSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
    return run.stdout.split('\n').slice(2).join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ours = (before: string, after: string) => unifiedDiff({ path: '/etc/x', before, after }).split('\n').slice(2).join('\n');

void test('hunks and line ranges are the ones GNU diff -u prints, for any two texts', () => {
  // Few distinct lines so that texts share lines, as edited files do.
  const text = fc
    .array(fc.constantFrom('a', 'b', 'c', 'd', '127.0.1.1\tpi0', ''), { maxLength: 14 })
    .map((l) => l.map((x) => `${x}\n`).join(''));
  fc.assert(
    fc.property(text, text, (before, after) => {
      fc.pre(before !== after);
      // GNU diff may order lines differently among equally short edit scripts; the hunks, their
      // ranges and the counts of removed and added lines must agree.
      const mine = ours(before, after);
      const gnu = gnuDiffBody(before, after);
      const shape = (d: string) =>
        d
          .split('\n')
          .filter((l) => l.startsWith('@@'))
          .join('|');
      const count = (d: string, c: string) => d.split('\n').filter((l) => l.startsWith(c)).length;
      assert.equal(count(mine, '-'), count(gnu, '-'));
      assert.equal(count(mine, '+'), count(gnu, '+'));
      assert.equal(shape(mine), shape(gnu));
    }),
    { numRuns: 150 },
  );
});

void test('a one-line change in a hosts file reads like diff -u', () => {
  const before = '127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\traspberrypi\n';
  const after = '127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\tpi0\n';
  assert.equal(ours(before, after), gnuDiffBody(before, after));
  assert.equal(
    unifiedDiff({ path: '/etc/hosts', before, after }),
    '--- a/etc/hosts\n+++ b/etc/hosts\n@@ -1,3 +1,3 @@\n 127.0.0.1\tlocalhost\n ::1\tlocalhost\n-127.0.1.1\traspberrypi\n+127.0.1.1\tpi0\n',
  );
});

void test('a new file is a diff from /dev/null; equal texts give no diff', () => {
  assert.equal(
    unifiedDiff({ path: '/home/alice/.ssh/authorized_keys', before: undefined, after: 'k1\nk2\n' }),
    '--- /dev/null\n+++ b/home/alice/.ssh/authorized_keys\n@@ -0,0 +1,2 @@\n+k1\n+k2\n',
  );
  assert.equal(unifiedDiff({ path: '/etc/hostname', before: 'pi0\n', after: 'pi0\n' }), '');
});

void test('changes far apart are separate hunks with three lines of context', () => {
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
  const before = `${lines.join('\n')}\n`;
  const changed = [...lines];
  changed[1] = 'first';
  changed[18] = 'second';
  const after = `${changed.join('\n')}\n`;
  assert.equal(ours(before, after), gnuDiffBody(before, after));
});
