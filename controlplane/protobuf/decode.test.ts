import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTypes } from '../builtin-types.ts';
import { ApiError } from '../errors.ts';
import { decodeProtobuf, messageFor } from './decode.ts';
import { pbBytes, pbDouble, pbMessage, pbVarint } from './writer.ts';

const str = pbBytes;
const msg = pbMessage;
const int = pbVarint;
const dbl = pbDouble;
/** A map entry; the value is a string, bytes, or an encoded message. */
const entry = (num: number, k: string, v: Buffer | string) => msg(num, str(1, k), str(2, v));
/** A field number with a wire type it should not have (0, a varint). */
const wrongWire = (num: number) => int(num, 5);
type Part = Buffer;
const body = (apiVersion: string, kind: string, ...fields: Part[]) =>
  Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    msg(1, str(1, apiVersion), str(2, kind)),
    str(2, Buffer.concat(fields)),
    str(3, ''),
    str(4, ''),
  ]);
const meta = (...parts: Part[]) => msg(1, ...parts);

void test('every built-in kind the server serves, and DeleteOptions, has a protobuf message', () => {
  for (const rt of builtinTypes()) {
    const apiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
    assert.ok(messageFor(apiVersion, rt.kind), `${apiVersion} ${rt.kind}`);
  }
  for (const gv of ['v1', 'coordination.k8s.io/v1', 'meta.k8s.io/v1'])
    assert.equal(messageFor(gv, 'DeleteOptions'), 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(messageFor('v1', 'Pod'), undefined, 'kinds the server does not serve have no message');
});

void test('a Secret: metadata (labels, empty values kept), data as base64, zero-valued fields Go always writes', () => {
  const secret = body(
    'v1',
    'Secret',
    meta(str(1, 'release.v1'), str(3, 'default'), int(7, 0), msg(8), entry(11, 'owner', 'helm'), entry(11, 'empty', ''), str(14, 'f1')),
    entry(2, 'release', Buffer.from([0, 255, 1])),
    str(3, 'helm.sh/release.v1'),
    int(5, 1),
  );
  assert.deepEqual(decodeProtobuf(secret), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'release.v1', namespace: 'default', generation: 0, labels: { owner: 'helm', empty: '' }, finalizers: ['f1'] },
    data: { release: Buffer.from([0, 255, 1]).toString('base64') },
    type: 'helm.sh/release.v1',
    immutable: true,
  });
});

void test('DeleteOptions under any apiVersion: a zero grace period and false flags are kept (they are pointers in Go)', () => {
  const options = body(
    'v1',
    'DeleteOptions',
    int(1, 0),
    msg(2, str(1, 'uid-1'), str(2, '42')),
    int(3, 0),
    str(4, 'Background'),
    str(5, 'All'),
  );
  assert.deepEqual(decodeProtobuf(options), {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 0,
    preconditions: { uid: 'uid-1', resourceVersion: '42' },
    orphanDependents: false,
    propagationPolicy: 'Background',
    dryRun: ['All'],
  });
});

void test('times, micro-times, negative integers, doubles and CRD schemas take their JSON forms', () => {
  const event = decodeProtobuf(body('v1', 'Event', meta(str(1, 'e')), str(3, 'Started'), msg(6, int(1, 1767225600)), int(8, -1)));
  assert.deepEqual(event, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e' },
    reason: 'Started',
    firstTimestamp: '2026-01-01T00:00:00Z',
    count: -1,
  });
  const lease = decodeProtobuf(
    body('coordination.k8s.io/v1', 'Lease', meta(str(1, 'l')), msg(2, str(1, 'me'), msg(4, int(1, 1767225600), int(2, 123_456_000)))),
  );
  assert.deepEqual(lease.spec, { holderIdentity: 'me', renewTime: '2026-01-01T00:00:00.123456Z' });

  const schema = Buffer.concat([
    str(5, 'object'),
    entry(29, 'port', Buffer.concat([str(5, 'integer'), dbl(11, 1), dbl(9, 65535)])),
    entry(29, 'any', Buffer.concat([int(38, 1)])),
    entry(29, 'list', Buffer.concat([str(5, 'array'), msg(24, msg(1, str(5, 'string'))), str(42, 'set')])),
    msg(30, int(1, 0)),
    str(3, '#/definitions/x'),
    msg(8, str(1, '{"a":1}')),
  ]);
  const crd = decodeProtobuf(
    body(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      meta(str(1, 'things.example.com')),
      msg(2, str(1, 'example.com'), msg(7, str(1, 'v1'), int(2, 1), int(3, 1), msg(4, msg(1, schema)))),
    ),
  );
  const version = (crd.spec as { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] }).versions[0]!;
  assert.equal(version.name, 'v1');
  assert.deepEqual(version.schema.openAPIV3Schema, {
    type: 'object',
    properties: {
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      any: { 'x-kubernetes-preserve-unknown-fields': true },
      list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    },
    additionalProperties: false,
    $ref: '#/definitions/x',
    default: { a: 1 },
  });
});

void test('the review kinds kubectl auth sends decode', () => {
  const ssar = decodeProtobuf(
    body(
      'authorization.k8s.io/v1',
      'SelfSubjectAccessReview',
      meta(),
      msg(2, msg(1, str(1, 'default'), str(2, 'get'), str(3, 'bramble.dev'), str(5, 'pinodes'))),
    ),
  );
  assert.deepEqual(ssar, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'get', group: 'bramble.dev', resource: 'pinodes' } },
  });
  const ssr = decodeProtobuf(body('authentication.k8s.io/v1', 'SelfSubjectReview', meta(), msg(2)));
  assert.deepEqual(ssr, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {}, status: {} });
});

void test('what cannot be decoded is refused before anything happens: 415 for other kinds, 400 for broken bytes', () => {
  const refused = (b: Buffer, code: number, message: RegExp) =>
    assert.throws(
      () => decodeProtobuf(b),
      (err: unknown) => err instanceof ApiError && err.code === code && message.test(err.message),
    );
  refused(body('v1', 'Pod', meta(str(1, 'p'))), 415, /not v1 Pod: send application\/json/);
  refused(body('bramble.dev/v1alpha1', 'PiNode', meta(str(1, 'p'))), 415, /not bramble\.dev\/v1alpha1 PiNode/);
  refused(Buffer.from('{}'), 400, /missing k8s magic prefix/);
  refused(body('v1', 'Secret', meta(str(1, 'x'))).subarray(0, 20), 400, /truncated/);
  refused(body('v1', 'Secret', wrongWire(3)), 400, /a string field has wire type 0/);
  let deep = str(1, 'x');
  for (let i = 0; i < 1100; i++) deep = Buffer.concat([str(5, 'object'), entry(29, 'p', deep)]);
  refused(body('apiextensions.k8s.io/v1', 'CustomResourceDefinition', msg(2, msg(7, msg(4, msg(1, deep))))), 400, /exceeded max depth/);
});
