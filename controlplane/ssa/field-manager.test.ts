import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import { LAST_APPLIED, serverSideApply, trackUpdate, type ManagedType } from './field-manager.ts';
import { FieldSet, fieldElement } from './fieldpath.ts';
import type { ManagedFieldsEntry } from './managed-fields.ts';
import { THING } from './test-type.ts';

const T: ManagedType = { apiVersion: 'x.dev/v1', type: THING, convert: (t) => t, ignore: new Map() };
const NOW = '2026-01-01T00:00:00Z';
const obj = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'x.dev/v1',
  kind: 'Thing',
  metadata: { name: 't', namespace: 'default', ...meta },
  spec,
});
const apply = (
  live: KubeObject | undefined,
  spec: Record<string, unknown>,
  manager: string,
  force = false,
  meta: Record<string, unknown> = {},
) => serverSideApply(T, live, obj(spec, meta), { manager, force, subresource: undefined, now: NOW });
const owners = (o: KubeObject) =>
  Object.fromEntries((o.metadata.managedFields as ManagedFieldsEntry[]).map((e) => [`${e.manager}/${e.operation}`, e.fieldsV1]));
const conflictOf = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('no conflict');
};

void test("an apply owns exactly its configuration; metadata the server sets is nobody's", () => {
  const created = apply(undefined, { address: 'a', env: { A: '1' } }, 'alice');
  assert.deepEqual(created.spec, { address: 'a', env: { A: '1' } });
  assert.deepEqual(owners(created), { 'alice/Apply': { 'f:spec': { 'f:address': {}, 'f:env': { 'f:A': {} } } } });
  assert.equal((created.metadata.managedFields as ManagedFieldsEntry[])[0]!.time, NOW);
});

void test('a conflicting apply is 409 naming the other manager and the field; force takes the field over', () => {
  const live = apply(undefined, { address: 'a', env: { A: '1' } }, 'alice');
  const err = conflictOf(() => apply(live, { address: 'b' }, 'bob'));
  assert.equal(err.code, 409);
  assert.equal(err.reason, 'Conflict');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.address');
  assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.address' }]);
  const same = apply(live, { address: 'a' }, 'bob');
  assert.deepEqual(owners(same)['bob/Apply'], { 'f:spec': { 'f:address': {} } }, 'the same value is shared, not a conflict');
  const forced = apply(live, { address: 'b' }, 'bob', true);
  assert.equal((forced.spec as { address: string }).address, 'b');
  assert.deepEqual(owners(forced), {
    'alice/Apply': { 'f:spec': { 'f:env': { 'f:A': {} } } },
    'bob/Apply': { 'f:spec': { 'f:address': {} } },
  });
});

void test('a field the applier stops applying is removed, unless another manager owns it too', () => {
  let live = apply(undefined, { address: 'a', env: { A: '1', B: '2' }, users: [{ name: 'x' }, { name: 'y' }] }, 'alice');
  live = apply(live, { env: { B: '2' } }, 'bob');
  live = apply(live, { address: 'a' }, 'alice');
  assert.deepEqual(live.spec, { address: 'a', env: { B: '2' } }, 'env.A and the users went; env.B stayed for bob');
  assert.deepEqual(owners(live), {
    'alice/Apply': { 'f:spec': { 'f:address': {} } },
    'bob/Apply': { 'f:spec': { 'f:env': { 'f:B': {} } } },
  });
});

void test('an update takes the fields it changes from their appliers, which then conflict on them', () => {
  const live = apply(undefined, { address: 'a', env: { A: '1' } }, 'alice');
  const next = structuredClone(live);
  (next.spec as { address: string }).address = 'edited';
  trackUpdate(T, live, next, 'kubectl-edit', undefined, NOW);
  assert.deepEqual(owners(next), {
    'alice/Apply': { 'f:spec': { 'f:env': { 'f:A': {} } } },
    'kubectl-edit/Update': { 'f:spec': { 'f:address': {} } },
  });
  const err = conflictOf(() => apply(next, { address: 'a', env: { A: '1' } }, 'alice'));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using x.dev/v1: .spec.address');
});

void test('updates: create is tracked; an untracked object stays untracked until its first apply, which credits "before-first-apply"', () => {
  const created = obj({ address: 'a' });
  trackUpdate(T, undefined, created, '', undefined, NOW);
  // The whole of spec is new to the empty object an update is compared with: "." marks it (as for kube's custom resources).
  assert.deepEqual(owners(created), { 'unknown/Update': { 'f:spec': { '.': {}, 'f:address': {} } } });
  const untracked: KubeObject = { ...obj({ address: 'a', args: ['1'] }), metadata: { name: 't', uid: 'u1' } };
  const edited = structuredClone(untracked);
  trackUpdate(T, untracked, edited, 'x', undefined, NOW);
  assert.equal(edited.metadata.managedFields, undefined);
  const applied = apply(untracked, { address: 'b' }, 'alice', true);
  assert.deepEqual(owners(applied), {
    'alice/Apply': { 'f:spec': { 'f:address': {} } },
    'before-first-apply/Update': { 'f:spec': { '.': {}, 'f:args': {} } },
  });
  // A request may set managedFields directly, or clear them with [{}].
  const cleared = structuredClone(applied);
  cleared.metadata.managedFields = [{}];
  trackUpdate(T, applied, cleared, 'x', undefined, NOW);
  assert.equal(cleared.metadata.managedFields, undefined);
});

void test('more than ten updaters fold the oldest into "ancient-changes"', () => {
  let live = obj({});
  trackUpdate(T, undefined, live, 'creator', undefined, '2026-01-01T00:00:00Z');
  for (let i = 0; i < 12; i++) {
    const next = structuredClone(live);
    (next.spec as Record<string, unknown>).env = { ...((next.spec as { env?: object }).env ?? {}), [`K${i}`]: String(i) };
    trackUpdate(T, live, next, `m${String(i).padStart(2, '0')}`, undefined, `2026-01-01T00:00:${String(10 + i)}Z`);
    live = next;
  }
  const managers = (live.metadata.managedFields as ManagedFieldsEntry[]).map((e) => e.manager);
  assert.equal(managers.length, 10);
  assert.ok(managers.includes('ancient-changes'));
  assert.ok(managers.includes('m11'));
});

void test('kubectl taking over from client-side apply: conflicts on values the last-applied annotation still holds are not conflicts; the annotation follows the apply', () => {
  const lastApplied = JSON.stringify({
    apiVersion: 'x.dev/v1',
    kind: 'Thing',
    metadata: { name: 't', namespace: 'default' },
    spec: { address: 'a', env: { A: '1' } },
  });
  const live = obj({ address: 'a', env: { A: '1' } }, { uid: 'u', annotations: { [LAST_APPLIED]: lastApplied } });
  trackUpdate(T, undefined, live, 'kubectl-client-side-apply', undefined, NOW);
  const err = conflictOf(() => apply(live, { address: 'b', env: { A: '1' } }, 'someone-else'));
  assert.equal(err.code, 409, 'only kubectl gets the migration');
  const applied = apply(live, { address: 'b', env: { A: '1' } }, 'kubectl');
  assert.equal((applied.spec as { address: string }).address, 'b');
  assert.deepEqual(JSON.parse(applied.metadata.annotations![LAST_APPLIED]!), {
    apiVersion: 'x.dev/v1',
    kind: 'Thing',
    metadata: { name: 't', namespace: 'default' },
    spec: { address: 'b', env: { A: '1' } },
  });
  // A field that no longer holds its last-applied value is a real conflict.
  const drifted = structuredClone(live);
  (drifted.spec as { address: string }).address = 'changed-by-hand';
  assert.equal(conflictOf(() => apply(drifted, { address: 'b' }, 'kubectl')).code, 409);
});

void test("ignored fields (status on the main resource) are nobody's; a bad configuration is 400", () => {
  const withIgnore: ManagedType = { ...T, ignore: new Map([['x.dev/v1', FieldSet.of([fieldElement('status')])]]) };
  const applied = serverSideApply(
    withIgnore,
    undefined,
    { ...obj({ address: 'a' }), status: { phase: 'x' } },
    { manager: 'm', force: false, subresource: undefined, now: NOW },
  );
  assert.deepEqual(owners(applied), { 'm/Apply': { 'f:spec': { 'f:address': {} } } });
  assert.throws(
    () => apply(undefined, { users: [{ groups: [] }] }, 'm'),
    (e: unknown) => e instanceof ApiError && e.code === 400 && /failed to create typed patch object/.test(e.message),
  );
  assert.throws(() => apply(undefined, {}, 'm', false, { managedFields: [] }), /metadata\.managedFields must be nil/);
});
