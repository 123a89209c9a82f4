import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../crds/admission-for-tests.ts';
import { handOverCommand, legacyStatusRecords, ownershipOf, ownerOf } from './ownership.ts';
import { desired, owner, volumeInfo, volumeObject } from './test-fixtures.test-support.ts';

const d = desired();
const nodeOfHost = new Map(d.bricks.map((b) => [b.address, b.node] as const));
const other = { uid: '3f9a7c52-0000-4000-8000-0000000000bb', name: 'team-b/shared' };

void test("a volume marked with this resource's UID is its own; absent is free to create", () => {
  assert.deepEqual(ownershipOf({ info: volumeInfo(d), self: owner, recorded: false }), { kind: 'ours' });
  assert.deepEqual(ownershipOf({ info: undefined, self: owner, recorded: false }), { kind: 'absent' });
});

void test("another resource's marker is refused naming it — even when this resource's status once recorded the volume", () => {
  const info = volumeInfo(d, {
    options: new Map([
      ['user.bramble.owner', other.uid],
      ['user.bramble.owner-name', other.name],
    ]),
  });
  for (const recorded of [false, true]) {
    const out = ownershipOf({ info, self: owner, recorded });
    assert.equal(out.kind, 'refused');
    assert.ok(out.kind === 'refused');
    assert.equal(out.reason, 'VolumeOwnedByAnother');
    assert.match(out.message, /belongs to GlusterVolume team-b\/shared \(uid 3f9a7c52-0000-4000-8000-0000000000bb\)/);
    assert.ok(out.message.includes(handOverCommand('shared', owner)), 'says how to hand it over if that resource is gone');
  }
});

void test('an unmarked volume: adopted only when recorded, else NotCreatedByBramble', () => {
  const info = volumeInfo(d, { options: new Map() });
  assert.deepEqual(ownershipOf({ info, self: owner, recorded: true }), { kind: 'adopt' });
  const out = ownershipOf({ info, self: owner, recorded: false });
  assert.ok(out.kind === 'refused');
  assert.equal(out.reason, 'NotCreatedByBramble');
});

void test('a pre-marker status records a volume only with its name and exactly its bricks, and never once a record exists', () => {
  const info = volumeInfo(d, { options: new Map() });
  const bricks = d.bricks.map((b) => ({ node: b.node, path: b.dir, online: true }));
  assert.equal(legacyStatusRecords({ volumeName: 'shared', bricks }, info, nodeOfHost), true);
  assert.equal(legacyStatusRecords({ volumeName: 'shared', bricks: bricks.slice(1) }, info, nodeOfHost), false, 'not every brick');
  assert.equal(legacyStatusRecords({ volumeName: 'other', bricks }, info, nodeOfHost), false, 'another name');
  assert.equal(
    legacyStatusRecords({ volumeName: 'shared' }, info, nodeOfHost),
    false,
    'a name alone (written even for refusals) is no record',
  );
  assert.equal(
    legacyStatusRecords(
      { volumeName: 'shared', bricks, owned: { volumeName: 'shared', volumeId: '6c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5', bricks: [] } },
      info,
      nodeOfHost,
    ),
    false,
  );
});

void test('identity is the UID; an object without one owns nothing', () => {
  assert.deepEqual(ownerOf(volumeObject()), owner);
  const noUid = volumeObject();
  delete noUid.metadata.uid;
  assert.equal(ownerOf(noUid), undefined);
});

void test('the marker cannot be set, or changed, through spec.options (kubectl apply refuses it)', () => {
  const causes = admit('GlusterVolume', volumeObject({ options: [{ name: 'user.bramble.owner', value: other.uid }] })).causes;
  assert.ok(
    causes.some((c) => c.field === 'spec.options[0].name' && /bramble's ownership marker/.test(c.message)),
    JSON.stringify(causes),
  );
  assert.deepEqual(
    admit('GlusterVolume', volumeObject({ options: [{ name: 'user.smb', value: 'enable' }] })).causes,
    [],
    'other user.* options stay free',
  );
});
