// The raised inotify limit goes back to what it was once the last fleet is gone, and a value
// someone else set meanwhile is left alone. A plain file stands in for the /proc sysctl: the real
// one is machine-wide and other test runs may be booting fleets against it.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInotifyInstances, restoreInotifyInstances } from './inotify-limit.ts';
import { emptyState, saveState, stateFile } from './fleet-state.ts';

let base: string;
let limit: string;
const value = (): number => Number(readFileSync(limit, 'utf8'));

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'bramble-inotify-'));
  process.env.BRAMBLE_FLEET_DIR = base;
  limit = join(base, 'max_user_instances');
  writeFileSync(limit, '128\n');
});

afterEach(() => {
  delete process.env.BRAMBLE_FLEET_DIR;
  rmSync(base, { recursive: true, force: true });
});

void test('a large fleet raises the limit and the last teardown restores the value before it', () => {
  saveState(emptyState('big'));
  ensureInotifyInstances(100, limit);
  assert.equal(value(), 1256);
  saveState(emptyState('bigger'));
  ensureInotifyInstances(150, limit);
  assert.equal(value(), 1756);

  rmSync(stateFile('bigger'));
  assert.equal(restoreInotifyInstances(limit), undefined, 'a fleet still runs: it keeps the raised limit');
  assert.equal(value(), 1756);
  rmSync(stateFile('big'));
  assert.equal(restoreInotifyInstances(limit), 128);
  assert.equal(value(), 128);
  assert.equal(restoreInotifyInstances(limit), undefined, 'restoring twice changes nothing');
});

void test('a small fleet under the limit changes nothing and restores nothing', () => {
  saveState(emptyState('small'));
  ensureInotifyInstances(3, limit);
  rmSync(stateFile('small'));
  writeFileSync(limit, '200');
  assert.equal(restoreInotifyInstances(limit), undefined);
  assert.equal(value(), 200);
});

void test('a value someone else set after the raise is theirs to keep', () => {
  saveState(emptyState('big'));
  ensureInotifyInstances(100, limit);
  writeFileSync(limit, '4096');
  rmSync(stateFile('big'));
  assert.equal(restoreInotifyInstances(limit), undefined);
  assert.equal(value(), 4096);
});
