import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { raw, sh, shellQuote } from './quote.ts';

// Parses the quoted word with a real local POSIX shell (dash on Debian) and prints it back.
function throughLocalShell(word: string): Buffer {
  return execFileSync('/bin/sh', ['-c', `printf '%s' ${word}`]);
}

const nasty = fc.constantFrom(
  "'",
  '"',
  '$(id)',
  '`id`',
  '\n',
  '\\',
  '$HOME',
  '*',
  ' ',
  '\t',
  '!',
  ';',
  '&',
  '|',
  '#',
  '~',
  '-n',
  '%s',
  "'\\''",
);
const anyText = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replaceAll('\0', ''));
const hostile = fc.array(fc.oneof(nasty, anyText), { maxLength: 8 }).map((parts) => parts.join(''));

void test('a quoted string comes back byte-identical through a local /bin/sh', () => {
  fc.assert(
    fc.property(hostile, (value) => {
      assert.deepEqual(throughLocalShell(shellQuote(value)), Buffer.from(value, 'utf8'));
    }),
    { numRuns: 60 },
  );
});

void test('the empty string stays one (empty) word', () => {
  const out = execFileSync('/bin/sh', ['-c', `set -- ${shellQuote('')}; echo $#`]).toString();
  assert.equal(out.trim(), '1');
});

void test('NUL is refused instead of silently truncating the word', () => {
  assert.throws(() => shellQuote('a\0b'), /NUL/);
});

void test('sh quotes every interpolated value, spreads arrays into words and keeps raw fragments', () => {
  const command = sh`printf '%s|' ${'a b'} ${["it's", '$(x)']} ${3} ${raw('"$HOME"')}`;
  assert.equal(command, `printf '%s|' 'a b' 'it'\\''s' '$(x)' '3' "$HOME"`);
  const out = execFileSync('/bin/sh', ['-c', command], { env: { HOME: '/h' } }).toString();
  assert.equal(out, `a b|it's|$(x)|3|/h|`);
});
