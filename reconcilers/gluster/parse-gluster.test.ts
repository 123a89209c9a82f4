// The parsers against real `gluster --xml` output captured from the fleet (fixtures/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  cliOutcome,
  GlusterCliError,
  parseGlusterdUuid,
  parseHealSummary,
  parsePeerStatus,
  parseRebalanceStatus,
  parseVolumeInfo,
  parseVolumeStatus,
} from './parse-gluster.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

void test('peer status: the other members, their UUIDs and whether they are connected', () => {
  const peers = parsePeerStatus(fixture('peer-status.xml'));
  assert.deepEqual(
    peers.map((p) => [p.hostname, p.connected, p.state]),
    [
      ['10.213.42.11', true, 'Peer in Cluster'],
      ['10.213.42.12', true, 'Peer in Cluster'],
    ],
  );
  assert.equal(peers[0]?.uuid, 'ebc3ad51-f690-46d9-b047-8cd98553a12e');
  assert.deepEqual(peers[0]?.hostnames, ['10.213.42.11']);
  const fromPi2 = parsePeerStatus(fixture('peer-status-pi2.xml'));
  assert.deepEqual(fromPi2.map((p) => p.hostname).sort(), ['10.213.42.10', '10.213.42.11']);
});

void test('volume info: type, counts, bricks in order and options', () => {
  const info = parseVolumeInfo(fixture('volume-info-replica3.xml'));
  assert.ok(info);
  assert.equal(info.name, 'vol1');
  assert.equal(info.id, '5810c962-b9ae-4193-bc6c-e2bf6a67d69a');
  assert.equal(info.state, 'Started');
  assert.equal(info.typeStr, 'Replicate');
  assert.equal(info.replicaCount, 3);
  assert.deepEqual(
    info.bricks.map((b) => [b.host, b.path]),
    [
      ['10.213.42.10', '/srv/gluster/vol1'],
      ['10.213.42.11', '/srv/gluster/vol1'],
      ['10.213.42.12', '/srv/gluster/vol1'],
    ],
  );
  assert.equal(info.options.get('performance.cache-size'), '64MB');
  const dist = parseVolumeInfo(fixture('volume-info-distribute.xml'));
  assert.equal(dist?.typeStr, 'Distribute');
  assert.equal(dist?.bricks.length, 2);
});

void test("volume info lists bramble's user.* owner options as set, with the volume ID the bricks carry", () => {
  const info = parseVolumeInfo(fixture('volume-info-owned.xml'));
  assert.equal(info?.id, 'fa6cacf9-d062-48ee-9258-4bdde64fab2f');
  assert.equal(info?.options.get('user.bramble.owner'), '1b4e28ba-2fa1-11d2-883f-0016d3cca427');
  assert.equal(info?.options.get('user.bramble.owner-name'), 'default/shared');
  assert.equal(info?.options.get('user.bramble.x'), 'a b', 'user.* values keep their spaces (gluster strips only other options)');
});

void test('volume info of a volume that does not exist is undefined; other failures throw', () => {
  const missing =
    '<cliOutput><opRet>-1</opRet><opErrno>30806</opErrno><opErrstr>Volume does not exist</opErrstr><volInfo><volumes><count>0</count></volumes></volInfo></cliOutput>';
  assert.equal(parseVolumeInfo(missing), undefined);
  assert.throws(
    () => parseVolumeInfo('<cliOutput><opRet>-1</opRet><opErrstr>Another transaction is in progress</opErrstr></cliOutput>'),
    GlusterCliError,
  );
  assert.deepEqual(cliOutcome(''), { ok: false, error: 'no answer from gluster' });
});

void test('volume status: brick processes online or not, self-heal daemons left out', () => {
  assert.deepEqual(
    parseVolumeStatus(fixture('status-all-online.xml')).map((b) => b.online),
    [true, true, true],
  );
  const down = parseVolumeStatus(fixture('status-brick-down.xml'));
  assert.equal(down.length, 3);
  assert.deepEqual(
    down.filter((b) => !b.online).map((b) => `${b.host}:${b.path}`),
    ['10.213.42.12:/srv/gluster/vol1'],
  );
});

void test('heal summary: entries pending over reachable bricks, unreachable bricks named', () => {
  assert.deepEqual(parseHealSummary(fixture('heal-summary-clean.xml')), { pendingEntries: 0, splitBrainEntries: 0, unreachableBricks: [] });
  const pending = parseHealSummary(fixture('heal-summary-pending.xml'));
  assert.equal(pending.pendingEntries, 12);
  assert.deepEqual(pending.unreachableBricks, ['10.213.42.12:/srv/gluster/vol1']);
});

void test('rebalance status: the aggregate state; none for a volume that cannot rebalance', () => {
  assert.equal(parseRebalanceStatus(fixture('rebalance-status.xml')), 'completed');
  const replicate =
    '<cliOutput><opRet>-1</opRet><opErrno>30800</opErrno><opErrstr>Volume vol1 is not a distribute volume or contains only 1 brick.</opErrstr></cliOutput>';
  assert.equal(parseRebalanceStatus(replicate), undefined);
});

void test('glusterd.info gives the host UUID', () => {
  assert.equal(
    parseGlusterdUuid('UUID=a65cee39-d8ae-4e51-aac9-2276a135ad57\noperating-version=100000\n'),
    'a65cee39-d8ae-4e51-aac9-2276a135ad57',
  );
  assert.equal(parseGlusterdUuid(''), undefined);
});
