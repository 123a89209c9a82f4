import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagsToArgv, parseCommandLine, UsageError } from './command-line.ts';

const spec = { 'data-dir': { type: 'string' }, 'in-memory': { type: 'boolean' }, file: { type: 'string', short: 'f' } } as const;

void test('flags with separate and inline values, short flags and booleans', () => {
  assert.deepEqual(parseCommandLine(['--data-dir', '/x', '--in-memory'], spec).values, { 'data-dir': '/x', 'in-memory': true });
  assert.deepEqual(parseCommandLine(['--data-dir=/y', '-f', 'a.yaml'], spec).values, { 'data-dir': '/y', file: 'a.yaml' });
  assert.deepEqual(parseCommandLine(['--in-memory=false'], spec).values, { 'in-memory': false });
  assert.deepEqual(parseCommandLine(['--in-memory=true'], spec).values, { 'in-memory': true });
});

void test('--help, -h and --version on every spec', () => {
  assert.equal(parseCommandLine(['--help'], spec).help, true);
  assert.equal(parseCommandLine(['-h', '--data-dir', 'x'], spec).help, true);
  assert.equal(parseCommandLine(['--version'], spec).version, true);
  assert.equal(parseCommandLine([], spec).help, false);
});

void test('mistakes are UsageErrors naming the flag', () => {
  const fails = (argv: string[], message: RegExp) =>
    assert.throws(
      () => parseCommandLine(argv, spec),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  fails(['--datadir', '/x'], /^unknown flag --datadir$/);
  fails(['-x'], /^unknown flag -x$/);
  fails(['--data-dir'], /^--data-dir needs a value$/);
  fails(['--in-memory=yes'], /^--in-memory takes true or false, not "yes"$/);
  fails(['stray'], /^unexpected argument "stray"$/);
});

void test("positionals up to the command's count", () => {
  assert.deepEqual(parseCommandLine(['10.0.0.10', '--in-memory'], spec, 1).positionals, ['10.0.0.10']);
  assert.throws(() => parseCommandLine(['a', 'b'], spec, 1), /unexpected argument "b"/);
});

void test('flagsToArgv hands a subset on in a form the parser reads back', () => {
  const values = parseCommandLine(['--data-dir', '/d', '--in-memory', '-f', 'k'], spec).values;
  const argv = flagsToArgv(values, { 'in-memory': spec['in-memory'], file: spec.file });
  assert.deepEqual(argv, ['--in-memory=true', '--file=k']);
  assert.deepEqual(parseCommandLine(argv, spec).values, { 'in-memory': true, file: 'k' });
});
