import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecrets, tail } from './mask-secrets.ts';

const key =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIHq0\n-----END OPENSSH PRIVATE KEY-----\n';

void test('a known secret is masked whole and line by line', () => {
  const line = 'AAAAAAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIHq0';
  const out = maskSecrets(`tool echoed ${line} back`, [key]);
  assert.equal(out, 'tool echoed *** back');
});

void test('PEM private key blocks and password assignments are masked without being told', () => {
  const out = maskSecrets(`oops ${key} and password=s3cr3t token: abc.def`);
  assert.ok(!out.includes('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ'));
  assert.ok(!out.includes('s3cr3t'));
  assert.ok(!out.includes('abc.def'));
  assert.match(out, /password=\*\*\*/);
});

void test('ordinary text is left alone, and short "secrets" do not mask common words', () => {
  assert.equal(maskSecrets('E: Unable to locate package htop', ['pi']), 'E: Unable to locate package htop');
});

void test('tail keeps the end, where the reason for a failure is', () => {
  assert.equal(tail(`${'a'.repeat(10)}END`, 5), '…aEND');
  assert.equal(tail('short', 10), 'short');
  assert.ok(tail('x'.repeat(100) + 'reason', 10).endsWith('reason'));
  assert.equal(tail('x'.repeat(100), 10).length, 10);
});
