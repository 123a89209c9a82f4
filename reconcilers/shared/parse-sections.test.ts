// Observe output is bounded per section: on the Pi (the real `sh` and `head` run here) and when
// parsing, where a section past its bound is rejected by name and the rest is never copied whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markerOf } from './step-script.ts';
import { observeFrame, probeLines, sectionLimitBytes } from './observe-frame.ts';
import { IncompleteObserveError, ObserveOutputTooLargeError, parseSections } from './parse-sections.ts';

const nonce = '0123456789abcdef';
const blob = (sections: [string, string][]) => sections.map(([n, b]) => `\n${markerOf(nonce)} ${n}\n${b}`).join('') + '\n';

void test('sections are split at markers, trailing newlines dropped, text before the first ignored', () => {
  const s = parseSections(
    `noise\n${blob([
      ['a', 'one\ntwo\n\n'],
      ['b', ''],
      ['end', ''],
    ])}`,
    nonce,
  );
  assert.deepEqual(
    [...s],
    [
      ['a', 'one\ntwo'],
      ['b', ''],
      ['end', ''],
    ],
  );
  assert.throws(() => parseSections(blob([['a', 'x']]), nonce), IncompleteObserveError);
});

void test('a section past its bound is rejected by name; a larger bound given for a section is honoured', () => {
  const big = 'k'.repeat(sectionLimitBytes + 1);
  assert.throws(
    () =>
      parseSections(
        blob([
          ['a', 'fine'],
          ['user-keys alice', big],
          ['end', ''],
        ]),
        nonce,
      ),
    (e: unknown) =>
      e instanceof ObserveOutputTooLargeError && e.sections.join() === 'user-keys alice' && e.limitBytes === sectionLimitBytes,
  );
  const s = parseSections(
    blob([
      ['nodes', big],
      ['end', ''],
    ]),
    nonce,
    new Map([['nodes', 2 * sectionLimitBytes]]),
  );
  assert.equal(s.get('nodes')?.length, big.length);
});

void test('16 MiB of newlines in one section: rejected, not split into 16 million lines', () => {
  const huge = '\n'.repeat(16 * 1024 * 1024);
  assert.throws(
    () =>
      parseSections(
        blob([
          ['user-keys alice', huge],
          ['end', ''],
        ]),
        nonce,
      ),
    ObserveOutputTooLargeError,
  );
});

void test('on the Pi, a probe of a 16 MiB file prints its bound plus one byte, and the script goes on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-bound-'));
  try {
    const file = join(dir, 'authorized_keys');
    writeFileSync(file, '\n'.repeat(16 * 1024 * 1024));
    const script = observeFrame(
      probeLines([
        ['keys', `cat '${file}'`],
        ['after', 'echo still here'],
      ]),
      nonce,
    );
    const out = execFileSync('sh', ['-s'], { input: script, maxBuffer: 64 * 1024 * 1024 }).toString();
    assert.ok(out.length < sectionLimitBytes + 1024, `output is ${out.length} bytes`);
    assert.throws(
      () => parseSections(out, nonce),
      (e: unknown) => e instanceof ObserveOutputTooLargeError && e.sections.join() === 'keys',
    );
    assert.match(out, /still here/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
