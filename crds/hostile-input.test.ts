// Hostile and malformed values, fed one at a time into a valid sample of each kind: every one
// must be rejected by the schema (never reaching a reconciler, let alone a shell), at the field
// it was put in, with a message saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { admit } from './admission-for-tests.ts';

interface Case {
  /** Where the value goes, e.g. "spec.users[0].name". */
  path: string;
  value: unknown;
  /** Why it is refused, as the message must say. */
  why: RegExp;
  /** Where the rejection points, when a rule reports it elsewhere (defaults to path). */
  field?: string;
  /** Extra edits to the object before the value goes in. */
  also?: Record<string, unknown>;
}

const sample = (file: string, kind: string): Record<string, unknown> => {
  const text = readFileSync(fileURLToPath(new URL(`../manifests/samples/${file}`, import.meta.url)), 'utf8');
  const doc = parseAllDocuments(text)
    .map((d) => d.toJS() as Record<string, unknown>)
    .find((d) => d?.kind === kind);
  assert.ok(doc, `${file} has a ${kind}`);
  return doc;
};

function segments(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const m = /^([^[]+)((\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    const indexes = [...(m[2] ?? '').matchAll(/\[(\d+)\]/g)].map((i) => Number(i[1]));
    return [m[1] as string, ...indexes];
  });
}

function setAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const steps = segments(path);
  let node: Record<string | number, unknown> = obj;
  for (const step of steps.slice(0, -1)) {
    if (node[step] === undefined) node[step] = typeof steps[steps.indexOf(step) + 1] === 'number' ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  }
  const last = steps[steps.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const pattern = /should match '/;
const tooLong = /^Too long: may not be more than \d+ bytes$/;
const typed = (type: string) => new RegExp(`must be of type ${type}: "`);

/** Values that must never get into a field that reaches a shell or a command line. */
const injections: [unknown, RegExp][] = [
  ['; rm -rf /', pattern],
  ['$(reboot)', pattern],
  ['`reboot`', pattern],
  ['a\nb', pattern],
  ['../etc', pattern],
  ['--option', pattern],
  ['x y', pattern],
  ['"quoted"', pattern],
  ["it's", pattern],
  ['a|b', pattern],
  ['a&&b', pattern],
  ['>out', pattern],
  ['${IFS}', pattern],
  ['', /should match '|should be at least/],
];

function run(kind: string, base: Record<string, unknown>, cases: Case[]): void {
  assert.deepEqual(admit(kind, base).causes, [], `the ${kind} base object is valid`);
  void test(`${kind}: at least 30 hostile values, each rejected at its field with the reason`, () => {
    assert.ok(cases.length >= 30, `${cases.length} cases`);
    for (const c of cases) {
      const obj = structuredClone(base);
      for (const [p, v] of Object.entries(c.also ?? {})) setAt(obj, p, v);
      setAt(obj, c.path, c.value);
      const { causes } = admit(kind, obj);
      const field = c.field ?? c.path;
      const label = `${kind} ${c.path} = ${JSON.stringify(c.value)?.slice(0, 60)}`;
      assert.ok(causes.length > 0, `${label} is rejected`);
      const hit = causes.find((cause) => cause.field === field && c.why.test(cause.message));
      assert.ok(hit, `${label}: expected a cause at ${field} matching ${c.why}, got ${JSON.stringify(causes)}`);
      // As kubectl prints it: "spec.port: Invalid value: …" names the field.
      assert.ok(`${hit.field}: ${hit.message}`.startsWith(`${field}: `));
      for (const cause of causes) assert.ok(cause.field.startsWith('spec'), `${label}: only spec is blamed (${cause.field})`);
    }
  });
}

const stringCases = (path: string): Case[] => injections.map(([value, why]) => ({ path, value, why }));

run('PiNode', sample('pinodes.yaml', 'PiNode'), [
  ...['; rm -rf /', '$(reboot)', '`reboot`', '999.1.1.1', '1.2.3', 'pi0.local\n', '--option', 'host name', '-pi0', 'pi0.', ''].map(
    (value) => ({
      path: 'spec.address',
      value,
      why: /must validate at least one schema \(anyOf\)/,
    }),
  ),
  { path: 'spec.address', value: `${'a'.repeat(300)}.local`, why: tooLong },
  { path: 'spec.address', value: 10, why: typed('string') },
  { path: 'spec.port', value: 0, why: /should be greater than or equal to 1/ },
  { path: 'spec.port', value: 65536, why: /should be less than or equal to 65535/ },
  { path: 'spec.port', value: '22', why: typed('integer') },
  { path: 'spec.port', value: 22.5, why: typed('integer') },
  ...stringCases('spec.hostname'),
  { path: 'spec.hostname', value: 'a'.repeat(300), why: tooLong },
  { path: 'spec.hostname', value: 'Pi0', why: pattern },
  { path: 'spec.hostname', value: 'pi0.example.com', why: pattern },
  ...stringCases('spec.ssh.user'),
  { path: 'spec.ssh.user', value: 'Root', why: pattern },
  { path: 'spec.ssh.user', value: 'a'.repeat(33), why: tooLong },
  {
    path: 'spec.ssh.hostKeyPolicy',
    value: 'AcceptAll',
    why: /^Unsupported value: "AcceptAll": supported values: "Pinned", "TrustOnFirstUse"$/,
  },
  { path: 'spec.ssh.hostKey', value: undefined, why: /^Required value: hostKey is required when hostKeyPolicy is Pinned/ },
  { path: 'spec.ssh.hostKey', value: 'ssh-ed25519 AAAAC3Nz; reboot', why: pattern },
  { path: 'spec.ssh.hostKey', value: 'command="reboot" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhMQdMa', why: pattern },
  { path: 'spec.ssh.privateKeySecretRef.name', value: '../etc', why: pattern },
  { path: 'spec.ssh.privateKeySecretRef', value: {}, why: /^Required value$/, field: 'spec.ssh.privateKeySecretRef.name' },
  { path: 'spec.timezone', value: '../../etc/shadow', why: pattern },
  { path: 'spec.timezone', value: 'Europe/London; reboot', why: pattern },
  { path: 'spec.users[0].name', value: '$(reboot)', why: pattern },
  { path: 'spec.users[0].name', value: '-o', why: pattern },
  { path: 'spec.users[0].groups[0]', value: 'sudo;reboot', why: pattern },
  { path: 'spec.users[0].shell', value: '/bin/bash -c reboot', why: pattern },
  { path: 'spec.users[0].shell', value: '/bin/../bin/sh', why: pattern },
  { path: 'spec.users[0].shell', value: 'bash', why: pattern },
  { path: 'spec.users[0].authorizedKeys[0]', value: 'ssh-ed25519 AAAA\nssh-rsa AAAA', why: pattern },
  { path: 'spec.users[1]', value: { name: 'alice' }, why: /^Duplicate value: \{"name":"alice"\}$/ },
  // Issue 15: the login user (ssh.user, pi in the sample) may not be locked out.
  ...[
    { name: 'pi', authorizedKeys: [] },
    { name: 'pi', shell: '/usr/sbin/nologin' },
    { name: 'pi', shell: '/bin/false' },
  ].map((value) => ({ path: 'spec.users[1]', value, why: /^Forbidden: this would lock bramble out/, field: 'spec.users' })),
  { path: 'spec.packages[0]', value: '--allow-unauthenticated', why: pattern },
  { path: 'spec.packages[0]', value: 'htop; reboot', why: pattern },
  { path: 'spec.packages[0]', value: 'openssh-server-', why: pattern },
  { path: 'spec.packages[1]', value: 'htop', why: /^Duplicate value: "htop"$/ },
  { path: 'spec.paused', value: 'yes', why: typed('boolean') },
]);

run('SlurmPartition', sample('slurmpartition.yaml', 'SlurmPartition'), [
  ...stringCases('spec.clusterName'),
  { path: 'spec.clusterName', value: 'a'.repeat(300), why: tooLong },
  ...stringCases('spec.controller'),
  { path: 'spec.controller', value: 'x'.repeat(300), why: tooLong },
  { path: 'spec.maxTime', value: '1:00:00; reboot', why: pattern },
  { path: 'spec.maxTime', value: 'forever', why: pattern },
  { path: 'spec.state', value: 'RUNNING', why: /^Unsupported value: "RUNNING": supported values: "UP", "DOWN", "DRAIN", "INACTIVE"$/ },
  { path: 'spec.default', value: 'true', why: typed('boolean') },
  { path: 'spec.reservedMemoryMiB', value: -1, why: /should be greater than or equal to 0/ },
  { path: 'spec.mungeKeySecretRef.name', value: '$(reboot)', why: pattern },
  { path: 'spec.extraConfig[0].value', value: 'sched/backfill; reboot', why: pattern },
  { path: 'spec.extraConfig[0].value', value: '--option', why: pattern },
  { path: 'spec.extraConfig[0].value', value: '../../etc/shadow', why: pattern },
  { path: 'spec.extraConfig[0].value', value: 'a\nInclude=/etc/shadow', why: pattern },
  { path: 'spec.extraConfig[0].name', value: 'Scheduler Type', why: pattern },
  { path: 'spec.extraConfig[0].name', value: 'SlurmctldHost', why: /^Forbidden: bramble manages SlurmctldHost itself$/ },
  { path: 'spec.extraConfig[0].name', value: 'clustername', why: /^Forbidden: bramble manages clustername itself$/ },
  { path: 'spec.extraConfig[0].name', value: 'TreeWidth', why: /^Forbidden: bramble manages TreeWidth itself$/ },
  { path: 'spec.extraConfig[1].name', value: 'SchedulerType', why: /^Duplicate value/, field: 'spec.extraConfig[1]' },
  // Issue 16: programs run as root need the root-equivalent opt-in.
  ...[
    'Prolog',
    'epilog',
    'PlugStackConfig',
    'PluginDir',
    'HealthCheckProgram',
    'RebootProgram',
    'AuthInfo',
    'JobSubmitPlugins',
    'MailProg',
  ].map((name) => ({
    path: 'spec.extraConfig[0].name',
    value: name,
    why: /^Forbidden: extraConfig sets a parameter that runs or loads programs as root; set allowRootPrograms: true/,
    field: 'spec.extraConfig',
  })),
  {
    path: 'spec.nodeSelector.matchLabels',
    value: { 'bramble.dev/role': 'compute;reboot' },
    why: pattern,
    field: 'spec.nodeSelector.matchLabels[bramble.dev/role]',
  },
  {
    path: 'spec.nodeSelector.matchExpressions',
    value: [{ key: 'a', operator: 'In' }],
    why: /In and NotIn need values/,
    field: 'spec.nodeSelector.matchExpressions',
  },
  {
    path: 'spec.nodeSelector.matchExpressions',
    value: [{ key: 'a', operator: 'Like', values: ['x'] }],
    why: /^Unsupported value: "Like"/,
    field: 'spec.nodeSelector.matchExpressions[0].operator',
  },
]);

run('GlusterVolume', sample('glustervolume.yaml', 'GlusterVolume'), [
  ...stringCases('spec.bricks.path'),
  { path: 'spec.bricks.path', value: '/srv/gluster/', why: pattern },
  { path: 'spec.bricks.path', value: `/${'a'.repeat(300)}`, why: tooLong },
  { path: 'spec.bricks.path', value: '/srv/a:b', why: pattern },
  ...stringCases('spec.mount.path'),
  { path: 'spec.type', value: 'Stripe', why: /^Unsupported value: "Stripe": supported values: "Replicate", "Disperse", "Distribute"$/ },
  { path: 'spec.replica', value: 1, why: /should be greater than or equal to 2/ },
  { path: 'spec.replica', value: '3', why: typed('integer') },
  {
    path: 'spec.bricks.nodeNames',
    value: ['pi1', 'pi2'],
    why: /^Invalid value: "object": a Replicate volume needs bricks in multiples of 3, got 2$/,
  },
  { path: 'spec.bricks.nodeNames', value: ['pi1', 'pi1', 'pi2'], why: /^Duplicate value: "pi1"$/, field: 'spec.bricks.nodeNames[1]' },
  { path: 'spec.bricks.nodeNames[0]', value: 'pi1;reboot', why: pattern },
  {
    path: 'spec.bricks.nodeSelector',
    value: { matchLabels: { a: 'b' } },
    why: /give exactly one of nodeSelector and nodeNames/,
    field: 'spec.bricks',
  },
  { path: 'spec.replica', value: undefined, why: /^Required value: type Replicate needs replica/ },
  {
    path: 'spec.arbiter',
    value: 1,
    also: { 'spec.replica': 2, 'spec.bricks.nodeNames': ['pi1', 'pi2'] },
    why: /arbiter 1 needs type Replicate with replica 3/,
  },
  { path: 'spec.disperse', value: 3, why: /^Forbidden: disperse applies only to type Disperse$/ },
  {
    path: 'spec.redundancy',
    value: 2,
    also: { 'spec.type': 'Disperse', 'spec.replica': undefined, 'spec.disperse': 3 },
    why: /redundancy must be less than half of disperse/,
  },
  {
    path: 'spec.disperse',
    value: undefined,
    also: { 'spec.type': 'Disperse', 'spec.replica': undefined },
    why: /^Required value: type Disperse needs disperse/,
  },
  { path: 'spec.options[0].value', value: '64MB; reboot', why: pattern },
  { path: 'spec.options[0].value', value: '--option', why: pattern },
  { path: 'spec.options[0].value', value: '../etc', why: pattern },
  { path: 'spec.options[0].value', value: '$(reboot)', why: pattern },
  { path: 'spec.options[0].name', value: 'cache size', why: pattern },
  { path: 'spec.options[0].name', value: 'nodots', why: pattern },
  { path: 'spec.volumeName', value: 'vol;reboot', why: pattern },
  {
    path: 'spec.volumeName',
    value: undefined,
    also: { 'metadata.name': 'shared.data' },
    why: /^Required value: metadata.name is not a Gluster volume name/,
  },
  { path: 'spec.reclaimPolicy', value: 'Recycle', why: /^Unsupported value: "Recycle": supported values: "Retain", "Delete"$/ },
  { path: 'spec.bricks.allowRootFilesystem', value: 'yes', why: typed('boolean') },
]);

run('MinioPool', sample('miniopool.yaml', 'MinioPool'), [
  ...stringCases('spec.drivePaths[0]'),
  {
    path: 'spec.drivePaths',
    value: ['/srv/minio/disk1', '/srv/minio/disk2'],
    why: /^Invalid value: "object": drivePaths lists 2 paths but drivesPerNode is 1$/,
  },
  { path: 'spec.drivePaths', value: [], why: /should have at least 1 items/ },
  { path: 'spec.drivesPerNode', value: 0, why: /should be greater than or equal to 1/ },
  ...stringCases('spec.source.url'),
  { path: 'spec.source.url', value: 'ftp://dl.min.io/minio', why: pattern },
  { path: 'spec.source.url', value: 'https://dl.min.io/minio?x=$(reboot)', why: pattern },
  { path: 'spec.source.url', value: 'https://user:pw@dl.min.io/minio', why: pattern },
  { path: 'spec.source.url', value: 'https://dl.min.io/../../etc/passwd', why: pattern },
  { path: 'spec.source.sha256', value: 'abc', why: pattern },
  { path: 'spec.source.sha256', value: 'g'.repeat(64), why: pattern },
  { path: 'spec.source.sha256', value: 0, why: typed('string') },
  { path: 'spec.ports.api', value: 70000, why: /should be less than or equal to 65535/ },
  { path: 'spec.ports.console', value: 9000, why: /api and console need different ports/ },
  { path: 'spec.credentialsSecretRef.name', value: 'creds; reboot', why: pattern },
  { path: 'spec.serviceUser', value: 'minio user', why: pattern },
  { path: 'spec.reclaimPolicy', value: 'Wipe', why: /^Unsupported value: "Wipe"/ },
]);
