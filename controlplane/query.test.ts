import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.ts';
import { checkApplyOptions, listQuery, parseGoDuration, queryBool, requestTimeoutMs, writeQuery } from './query.ts';

const q = (s: string) => new URLSearchParams(s);
const status = (code: number, message: RegExp) => (err: unknown) =>
  err instanceof ApiError && err.code === code && message.test(err.message);

void test("booleans as kube-apiserver converts them: every strconv.ParseBool spelling, Python's True included", () => {
  for (const v of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(queryBool(q(`watch=${v}`), 'watch'), true, v);
  for (const v of ['0', 'f', 'F', 'FALSE', 'false', 'False']) {
    // Go's ParseBool reads f/F as false; kube-apiserver's converter reads only 0 and false, so f is true there.
    assert.equal(queryBool(q(`watch=${v}`), 'watch'), v === 'f' || v === 'F' ? true : false, v);
  }
  assert.equal(queryBool(q(''), 'watch'), undefined);
  assert.equal(queryBool(q('watch='), 'watch'), true);
  assert.equal(queryBool(q('watch=false&watch=true'), 'watch'), false, 'the first value counts');
  const list = listQuery(q('watch=True&allowWatchBookmarks=TRUE&timeoutSeconds=30&limit=5'));
  assert.deepEqual([list.watch, list.allowWatchBookmarks, list.timeoutSeconds, list.limit], [true, true, 30, 5]);
});

void test("integers are strconv.ParseInt: signs allowed, anything else 400 with Go's message", () => {
  assert.equal(listQuery(q('limit=%2B7')).limit, 7);
  assert.equal(listQuery(q('timeoutSeconds=-1')).timeoutSeconds, -1);
  assert.throws(() => listQuery(q('limit=5x')), status(400, /^strconv\.ParseInt: parsing "5x": invalid syntax$/));
  assert.throws(() => listQuery(q('limit=1.5')), status(400, /invalid syntax/));
  assert.throws(() => listQuery(q('timeoutSeconds=99999999999999999999')), status(400, /value out of range/));
});

void test('durations are Go durations; a bad `timeout` is 400 as WithRequestDeadline answers it', () => {
  assert.equal(parseGoDuration('32s'), 32_000);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('-2ms'), -2);
  assert.equal(parseGoDuration('100us'), 0.1);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('1'), /^Error: time: missing unit in duration "1"$/);
  assert.throws(() => parseGoDuration('1x'), /unknown unit "x" in duration "1x"/);
  assert.throws(() => parseGoDuration('s'), /invalid duration "s"/);
  assert.equal(requestTimeoutMs(q('timeout=10s')), 10_000);
  assert.throws(
    () => requestTimeoutMs(q('timeout=soon')),
    status(400, /^invalid timeout specified in the request URL - time: invalid duration "soon"$/),
  );
});

void test('write options: dryRun, fieldManager and force validated as kube validates Create/Update/PatchOptions', () => {
  assert.deepEqual(writeQuery(q('dryRun=All&fieldManager=kubectl&force=true&fieldValidation=Strict'), 'PatchOptions'), {
    dryRun: true,
    fieldValidation: 'Strict',
    fieldManager: 'kubectl',
    force: true,
  });
  assert.throws(
    () => writeQuery(q('dryRun=Yes'), 'CreateOptions'),
    status(422, /CreateOptions\.meta\.k8s\.io "" is invalid: dryRun: Unsupported value: "Yes"/),
  );
  assert.throws(() => writeQuery(q(`fieldManager=${'m'.repeat(129)}`), 'PatchOptions'), status(422, /fieldManager: Too long/));
  assert.throws(
    () => checkApplyOptions(writeQuery(q(''), 'PatchOptions'), true),
    status(422, /fieldManager: Required value: is required for apply patch/),
  );
  assert.throws(
    () => checkApplyOptions(writeQuery(q('force=true&fieldManager=x'), 'PatchOptions'), false),
    status(422, /force: Forbidden: may not be specified for non-apply patch/),
  );
});
