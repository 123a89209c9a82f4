// The home-dirs probe runs in a real shell against this machine's passwd and parses back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { homeDirsOf, homeDirsProbe } from './home-dirs.ts';

void test("the probe lists the homes of this machine, root's among them", () => {
  const out = execFileSync('sh', ['-c', homeDirsProbe[1]], { encoding: 'utf8' });
  const homes = homeDirsOf(new Map([['home-dirs', out]]));
  assert.ok(homes.includes('/root'), out);
  assert.ok(homes.every((h) => h.startsWith('/')));
  assert.deepEqual(homeDirsOf(new Map()), []);
});
