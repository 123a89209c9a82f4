// Storage safety: a restart keeps every object and continues resourceVersions, and a process
// killed mid-write (SIGKILL, no chance to flush) loses nothing it had acknowledged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../../controlplane/store.ts';
import { FIXTURES } from './harness.ts';

void test('a store reopened after SIGKILL holds every acknowledged write and continues the version', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-durability-'));
  const file = join(dir, 'state.db');
  const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'write-until-killed.ts'), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    let lastAck = -1;
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the writer never acknowledged 300 writes')), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) lastAck = Number(line.slice(4));
        if (lastAck >= 300) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await exited;
    const store = new ObjectStore(file);
    try {
      for (let i = 0; i <= lastAck; i++) assert.ok(store.get('/configmaps', 'default', `cm-${i}`), `acknowledged cm-${i} survived`);
      const rv = store.currentResourceVersion();
      assert.ok(rv >= lastAck + 2, `resourceVersion ${rv} covers every acknowledged write`);
      const next = store.write('/configmaps', 'default', 'after', (v) => ({ metadata: { name: 'after', resourceVersion: String(v) } }));
      assert.equal(next, rv + 1);
    } finally {
      store.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
