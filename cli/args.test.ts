import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, splitFlags } from './args.ts';

const spec = { 'data-dir': 'string', 'in-memory': 'boolean' } as const;

void test('flags with separate and inline values, and booleans', () => {
  assert.deepEqual(parseFlags(['--data-dir', '/x', '--in-memory'], spec), { 'data-dir': '/x', 'in-memory': true });
  assert.deepEqual(parseFlags(['--data-dir=/y'], spec), { 'data-dir': '/y' });
});

void test('unknown flags and missing values are errors', () => {
  assert.throws(() => parseFlags(['--datadir', '/x'], spec), /unknown flag --datadir/);
  assert.throws(() => parseFlags(['--data-dir'], spec), /needs a value/);
  assert.throws(() => parseFlags(['stray'], spec), /unexpected argument/);
});

void test('splitFlags keeps its own flags and passes the rest on, values attached', () => {
  const { own, rest } = splitFlags(
    ['--data-dir', '/d', '--kubeconfig', 'k.yaml', '--in-memory', '--leader-elect', '--metrics-bind-address=127.0.0.1:0'],
    spec,
  );
  assert.deepEqual(own, { 'data-dir': '/d', 'in-memory': true });
  assert.deepEqual(rest, ['--kubeconfig', 'k.yaml', '--leader-elect', '--metrics-bind-address=127.0.0.1:0']);
});
