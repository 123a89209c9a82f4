import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendRelativePath } from './field-path.ts';

void test('rule fieldPaths append to the node path', () => {
  assert.equal(appendRelativePath('spec', '.ssh.hostKey'), 'spec.ssh.hostKey');
  assert.equal(appendRelativePath('spec', ".options['a.b']"), 'spec.options[a.b]');
  assert.equal(appendRelativePath('', '.spec'), 'spec');
  assert.equal(appendRelativePath('spec', '.list[2]'), 'spec.list[2]');
});
