import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gnuTimeFormat, parseGnuTime } from './gnu-time.ts';

test('parseGnuTime adds user and system time of the tree', () => {
  assert.deepEqual(parseGnuTime('Command exited with non-zero status 2\nbramble-time 12.50 3.10 0.42\n'), { wallMs: 12500, cpuMs: 3520 });
  assert.throws(() => parseGnuTime('time: cannot run foo'), /no GNU time figures/);
});

test('GNU time charges a child that burns CPU', { skip: !existsSync('/usr/bin/time') && 'no /usr/bin/time' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gnu-time-'));
  try {
    const out = join(dir, 'time');
    // The loop runs in a grandchild (sh -c inside sh -c) so the figure must include descendants.
    spawnSync('/usr/bin/time', [
      '-f',
      gnuTimeFormat,
      '-o',
      out,
      'sh',
      '-c',
      'sh -c "$1"; true',
      'outer',
      'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done',
    ]);
    const t = parseGnuTime(readFileSync(out, 'utf8'));
    assert.ok(t.cpuMs > 0, `the busy grandchild is charged (${t.cpuMs} ms)`);
    assert.ok(t.wallMs >= t.cpuMs - 50, 'one core: wall time is at least the CPU time');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
