import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand } from './run-command.ts';
import { imageHash } from './base-image.ts';

void test('the harness looks for the image under the same hash the setup script builds it under', async () => {
  const script = new URL('../../scripts/setup/30-fleet.sh', import.meta.url).pathname;
  const result = await runCommand('bash', [script, '--print-hash']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout.trim(), /^[0-9a-f]{16}$/);
  assert.equal(result.stdout.trim(), imageHash());
});
