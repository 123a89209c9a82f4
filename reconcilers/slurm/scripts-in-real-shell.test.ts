// The observe script and the file step run in a real `sh` on this machine (the transport is the
// only thing skipped): the script must parse, finish and report what is really there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalShellExecutor } from '../shared/local-shell-executor.ts';
import { runSteps } from '../shared/run-steps.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { slurmObserveScript } from './observe-script.ts';
import { parseHostObservation } from './parse-observed.ts';
import { fileStep } from './steps.ts';
import { sha256 } from './slurm-conf.ts';

const target: SshTarget = { host: 'localhost', port: 22, user: 'root', privateKey: 'unused', hostKey: { policy: 'TrustOnFirstUse' } };

void test('the controller observe script finishes in a real sh and reports this host', async () => {
  const exec = new LocalShellExecutor();
  const nonce = 'obs3rve1';
  const result = await exec.exec(target, 'sh -s', { stdin: slurmObserveScript(true, nonce), timeoutMs: 60_000 });
  const o = parseHostObservation(result.stdout, nonce, true);
  assert.equal(o.hostname, execFileSync('hostname', ['-s'], { encoding: 'utf8' }).trim());
  const fsType = execFileSync('stat', ['-fc', '%T', '/sys/fs/cgroup'], { encoding: 'utf8' }).trim();
  assert.equal(o.cgroup, fsType === 'cgroup2fs' ? 'v2' : 'v1');
  assert.ok(o.services.has('munge') && o.services.has('slurmctld'), 'every service is reported, running or not');
  assert.ok(o.controller, 'the controller sections are there');
  assert.equal(typeof o.controller?.answers, 'boolean');
});

void test('the file step writes once, verifies its hash, and is a no-op the second time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-slurm-file-'));
  try {
    const path = join(dir, 'slurm.conf');
    writeFileSync(path, 'old\n');
    const content = "ClusterName=bramble\n# it's quoted: $HOME `x` \\n\n";
    const step = fileStep('slurm-conf', path, content, sha256(content));
    const exec = new LocalShellExecutor();
    const first = await runSteps(exec, target, [step], 'f1lestep');
    assert.equal(first.outcomes[0]?.state, 'succeeded', first.outcomes[0]?.stderr);
    assert.equal(readFileSync(path, 'utf8'), content);
    const second = await runSteps(exec, target, [step], 'f1lestep2');
    assert.equal(second.outcomes[0]?.state, 'succeeded');
    assert.equal(readFileSync(path, 'utf8'), content);
    const wrong = fileStep('slurm-conf', path, content, 'f'.repeat(64));
    const third = await runSteps(exec, target, [wrong], 'f1lestep3');
    assert.equal(third.outcomes[0]?.state, 'failed', 'a content that does not match its hash fails the step');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
