import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeThrottled, parseThrottledLine, throttledFlagNames } from './throttled.ts';

void test('0x50005 is under-voltage and throttling, now and since boot', () => {
  const parsed = parseThrottledLine('throttled=0x50005');
  assert.deepEqual(parsed, { hex: '0x50005', value: 0x50005 });
  assert.deepEqual(decodeThrottled(0x50005), ['under-voltage-now', 'throttled-now', 'under-voltage-occurred', 'throttled-occurred']);
});

void test('0x0 means no flags; unrelated bits are ignored', () => {
  assert.deepEqual(decodeThrottled(0), []);
  assert.deepEqual(decodeThrottled(0xf0f0), []);
  assert.equal(parseThrottledLine('VCHI initialization failed'), undefined);
});

void test('every flag is exactly one bit: 0-3 now, 16-19 since boot', () => {
  fc.assert(
    fc.property(fc.subarray([...throttledFlagNames]), (flags) => {
      const bits = [0, 1, 2, 3, 16, 17, 18, 19];
      const value = flags.reduce((v, f) => v | (1 << (bits[throttledFlagNames.indexOf(f)] ?? 0)), 0);
      assert.deepEqual(decodeThrottled(value), flags);
      assert.deepEqual(decodeThrottled(parseThrottledLine(`throttled=0x${value.toString(16)}`)?.value ?? -1), flags);
    }),
  );
});
