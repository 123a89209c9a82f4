import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { jsonDepthExceeds, MAX_NESTING_DEPTH, yamlDepthExceeds } from './body-depth.ts';

const nested = (depth: number) => `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

void test('JSON depth is counted exactly, brackets inside strings do not count', () => {
  assert.equal(jsonDepthExceeds(nested(MAX_NESTING_DEPTH)), false);
  assert.equal(jsonDepthExceeds(nested(MAX_NESTING_DEPTH + 1)), true);
  assert.equal(jsonDepthExceeds(nested(400_000)), true);
  assert.equal(jsonDepthExceeds(`{"s":"${'['.repeat(5000)}\\"${'{'.repeat(5000)}"}`), false);
  assert.equal(jsonDepthExceeds('[[[', 2), true);
  assert.equal(jsonDepthExceeds('[[]][[]]', 2), false);
});

void test('YAML depth: flow collections exactly, block nesting bounded by indentation and indicators', () => {
  assert.equal(yamlDepthExceeds(`a: ${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}`), false);
  assert.equal(yamlDepthExceeds(`a: ${'['.repeat(MAX_NESTING_DEPTH + 1)}${']'.repeat(MAX_NESTING_DEPTH + 1)}`), true);
  assert.equal(yamlDepthExceeds(`a: ${'['.repeat(400_000)}`), true);
  assert.equal(yamlDepthExceeds(`a: ${'- '.repeat(MAX_NESTING_DEPTH + 1)}x`), true);
  const block = ['a:', ...Array.from({ length: 600 }, (_, i) => `${' '.repeat(i + 1)}b${i}:`)].join('\n');
  assert.equal(yamlDepthExceeds(block), true);
  // Quoted and block scalars are text, whatever brackets they hold.
  const text = `a: "${'['.repeat(5000)}"\nb: |\n  ${'{'.repeat(5000)}\nc: '${'['.repeat(5000)}'\n`;
  assert.equal(yamlDepthExceeds(text), false);
  assert.deepEqual(Object.keys(parse(text) as object), ['a', 'b', 'c']);
  // An ordinary manifest is far inside the bound.
  assert.equal(
    yamlDepthExceeds(
      'apiVersion: v1\nkind: List\nitems:\n- metadata:\n    labels: {a: b}\n  spec:\n    users:\n    - name: x\n      keys: [a, b]\n',
      40,
    ),
    false,
  );
});
