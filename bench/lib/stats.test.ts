import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, ratio } from './stats.ts';

test('median takes the middle sample, or the mean of the two middle ones', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('percentile is nearest-rank and returns a seen sample', () => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile([7, 3], 99), 7);
  assert.equal(percentile([7, 3], 1), 3);
});

test('ratio is NaN when a side is missing or the divisor is zero', () => {
  assert.equal(ratio(3, 4), 0.75);
  assert.ok(Number.isNaN(ratio(undefined, 4)));
  assert.ok(Number.isNaN(ratio(3, 0)));
});
