// The packages command run by the real sh and the real dpkg-query of this machine, with apt-get
// replaced by a recording shim on PATH (nothing is ever installed here) and apt-cache by one that
// knows a fixed list of package names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagesStep } from './packages.ts';
import type { ObservedState } from '../parse-state.ts';

const nothingInstalled: ObservedState = { loopbackNames: [], users: new Map(), existingGroups: new Set(), installedPackages: new Set() };

function runWithShim(command: string, known: readonly string[] = []): { code: number | null; stderr: string; aptCalls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-apt-shim-'));
  try {
    const log = join(dir, 'calls');
    writeFileSync(join(dir, 'apt-get'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexit 1\n`);
    chmodSync(join(dir, 'apt-get'), 0o755);
    // `apt-cache pkgnames PREFIX` lists the known names starting with PREFIX.
    writeFileSync(
      join(dir, 'apt-cache'),
      `#!/bin/sh\n[ "$1" = pkgnames ] || exit 1\nprintf '%s\\n' ${known.map((k) => `'${k}'`).join(' ')} | grep -F -- "$2" | grep -- "^$2" || true\n`,
    );
    chmodSync(join(dir, 'apt-cache'), 0o755);
    const run = spawnSync('sh', ['-c', command], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
      timeout: 30_000,
    });
    const aptCalls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    return { code: run.status, stderr: run.stderr, aptCalls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('packages already installed when the step runs are not installed again (apt is not called)', () => {
  const step = packagesStep(['coreutils', 'dpkg'], nothingInstalled);
  assert.ok(step, 'the plan thought they were missing');
  const run = runWithShim(step.command);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.aptCalls, []);
});

void test('only the missing ones go to apt-get install, then lists are refreshed once, and a failure is explained', () => {
  const step = packagesStep(['coreutils', 'bramble-absent-pkg', 'g++-bramble'], nothingInstalled);
  assert.ok(step);
  const run = runWithShim(step.command, ['bramble-absent-pkg', 'g++-bramble']);
  assert.equal(run.code, 1);
  assert.deepEqual(
    run.aptCalls.map((c) => c.replace(/ -o \S+/g, '')),
    ['install -y -q --no-install-recommends bramble-absent-pkg g++-bramble', 'update -q'],
  );
  assert.match(run.stderr, /apt-get install failed/);
});

void test('a name no package has is never handed to apt-get install, where "a." would be a pattern', () => {
  const step = packagesStep(['a.', 'bramble-known'], nothingInstalled);
  assert.ok(step);
  const run = runWithShim(step.command, ['bramble-known', 'a.out-tools', 'abc']);
  assert.equal(run.code, 1);
  // The lists are refreshed once in case the name is new, then the step stops before installing.
  assert.deepEqual(
    run.aptCalls.map((c) => c.replace(/ -o \S+/g, '')),
    ['update -q'],
  );
  assert.match(run.stderr, /apt-get update failed/);
});

void test('after a refresh the name still unknown is named in the failure', () => {
  const step = packagesStep(['bramble-nowhere'], nothingInstalled);
  assert.ok(step);
  // An apt-get whose update succeeds but adds nothing.
  const run = runWithShim(step.command.replace('refresh() {', 'refresh() { return 0; }; unused() {'), []);
  assert.equal(run.code, 1);
  assert.deepEqual(run.aptCalls, []);
  assert.match(run.stderr, /no package is named bramble-nowhere in the Pi's apt sources/);
});

void test('nothing missing in the observed state means no step at all', () => {
  const state = { ...nothingInstalled, installedPackages: new Set(['git']) };
  assert.equal(packagesStep(['git', 'git'], state), undefined);
});
