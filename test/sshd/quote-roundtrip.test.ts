// The quoting property over a real remote shell: any NUL-free string, quoted once, comes back
// byte-identical from `printf '%s'` on the server (it also passes the executor's own wrapper,
// which quotes the whole command a second time).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Ssh2Executor } from '../../ssh/ssh2-executor.ts';
import { sh, shellQuote } from '../../ssh/quote.ts';
import { startSshd } from './sshd-fixture.ts';
import type { SshdFixture } from './sshd-fixture.ts';

let sshd: SshdFixture;
let executor: Ssh2Executor;
before(async () => {
  sshd = await startSshd();
  executor = new Ssh2Executor();
});
after(async () => {
  await executor?.close();
  await sshd?.stop();
});

const shellSyntax = fc.constantFrom(
  "'",
  '"',
  '$(id -u)',
  '`id -u`',
  '\n',
  '\r\n',
  '\\',
  '\\n',
  '$HOME',
  '${IFS}',
  '*',
  '?',
  '[a]',
  ' ',
  '\t',
  '!',
  ';',
  '&&',
  '|',
  '#',
  '~',
  '-n',
  '%s',
  '%%',
  "'\\''",
  '\x01',
  '\x1b[0m',
  '\x7f',
);
const anyUnicode = fc.string({ unit: 'binary', maxLength: 30 });
const hostile = fc.array(fc.oneof(shellSyntax, anyUnicode), { maxLength: 10 }).map((parts) => parts.join('').replaceAll('\0', ''));

void test("arbitrary strings come back byte-identical through a remote printf '%s'", async () => {
  await fc.assert(
    fc.asyncProperty(hostile, async (value) => {
      const result = await executor.exec(sshd.target(), `printf '%s' ${shellQuote(value)}`);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdoutBytes.equals(Buffer.from(value, 'utf8')), JSON.stringify(value));
    }),
    { numRuns: 60 },
  );
});

void test('several quoted words stay several words, each intact', async () => {
  await fc.assert(
    // Many words per command: more strings proven per round trip.
    fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 25 }), async (words) => {
      const result = await executor.exec(sshd.target(), sh`printf '%s\\0' ${words}`, { asRoot: true });
      assert.equal(result.code, 0, result.stderr);
      const expected = Buffer.concat(words.map((w) => Buffer.concat([Buffer.from(w, 'utf8'), Buffer.from([0])])));
      assert.ok(result.stdoutBytes.equals(expected), JSON.stringify(words));
    }),
    { numRuns: 30 },
  );
});

void test('bytes that are not UTF-8 pass through stdin unchanged', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), async (bytes) => {
      const result = await executor.exec(sshd.target(), 'cat', { stdin: Buffer.from(bytes) });
      assert.ok(result.stdoutBytes.equals(Buffer.from(bytes)));
    }),
    { numRuns: 15 },
  );
});
