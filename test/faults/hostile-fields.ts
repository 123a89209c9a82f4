// Where the hostile-input test puts its values: a valid object of each kind, pointed only at the
// test fleet's own Pis, and every identifier-like field of it (read from crds/*.ts) with the path
// kubectl must name when it refuses a bad value there.
//
// Deliberately NOT fed, because they are free text or not bramble's to constrain, and why none
// of them reaches a shell unquoted:
// - status.* (condition messages, facts, Slurm reasons, MinIO endpoint): written only by the
//   operator through the status subresource; a create drops status, and nothing in status is
//   ever put on a command line.
// - metadata.labels and annotations: checked by the control plane's own label rules; bramble only
//   matches labels against selectors in memory and never sends them to a Pi.
// - Secret contents (ssh-privatekey, munge.key, rootUser/rootPassword): arbitrary bytes by
//   nature. The SSH key is only handed to the ssh2 library; the munge key goes to the Pi as a
//   file body on stdin (ssh/remote-file.ts), never as an argument; MinIO's root credentials must
//   be printable ASCII (reconcilers/minio/credentials.ts) and are written double-quoted with
//   \ " $ ` escaped into a systemd EnvironmentFile (reconcilers/minio/render.ts).
// - The keys inside those Secrets are fixed by bramble (ssh-privatekey, munge.key, rootUser,
//   rootPassword); no spec field names a key.
// Every spec value that does reach a command goes through shellQuote/sh (ssh/quote.ts) as one
// single-quoted word, so even a value the schema let through could not start a command; the
// schema is the first wall and this test proves it holds on its own.

export interface FleetFacts {
  /** The test fleet's Pis: name, address and pinned host key. */
  nodes: { name: string; address: string; hostKey: string }[];
  /** The fleet's own artifact host ("10.213.46.1:PORT"), for the MinIO download URL. */
  artifactHost: string;
}

export interface FieldSpec {
  kind: 'PiNode' | 'SlurmPartition' | 'GlusterVolume' | 'MinioPool';
  /** Where the value goes, and the field path kubectl must print: "spec.users[0].name". */
  path: string;
  /** The valid value the base object holds there (the hostile values are built around it). */
  valid: string;
  /** Payload labels that are legitimately valid in this field, with why. */
  legitimate?: { labels: string[]; why: string };
  /** Extra values only this field needs (e.g. numbers out of range for a port). */
  extra?: { label: string; value: unknown }[];
  /** The field is an integer: its hostile values are strings, refused by type. */
  integer?: boolean;
  /** The path kubectl names, when it differs from `path` (map entries: "matchLabels[role]"). */
  reported?: string;
}

export const apiVersion = 'bramble.dev/v1alpha1';

// A real-looking key line with a comment (so a space plus a word after it is not a valid comment).
const aliceKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ1bm55IGJ1bm55IGJ1bm55IGJ1bm55IGJ1bm55IGJ1bm55 alice@laptop';

/** One valid object per kind, every field filled in, aimed at the fleet's first two Pis. */
export function baseObjects(fleet: FleetFacts): Record<FieldSpec['kind'], Record<string, unknown>> {
  const [first, second] = fleet.nodes;
  if (!first || !second) throw new Error('the hostile test needs two Pis');
  return {
    PiNode: {
      apiVersion,
      kind: 'PiNode',
      metadata: { name: 'hostile-base' },
      spec: {
        address: first.address,
        port: 22,
        ssh: { user: 'pi', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKeyPolicy: 'Pinned', hostKey: first.hostKey },
        hostname: first.name,
        timezone: 'Europe/London',
        users: [{ name: 'alice', groups: ['sudo'], authorizedKeys: [aliceKey], shell: '/bin/bash' }],
        packages: ['htop'],
      },
    },
    SlurmPartition: {
      apiVersion,
      kind: 'SlurmPartition',
      metadata: { name: 'hostile-base' },
      spec: {
        clusterName: 'bramble',
        controller: first.name,
        nodeSelector: {
          matchLabels: { role: 'compute' },
          matchExpressions: [{ key: 'bramble.dev/role', operator: 'In', values: ['compute'] }],
        },
        maxTime: '1:00:00',
        state: 'UP',
        mungeKeySecretRef: { name: 'munge-key' },
        extraConfig: [{ name: 'SchedulerType', value: 'sched/backfill' }],
      },
    },
    GlusterVolume: {
      apiVersion,
      kind: 'GlusterVolume',
      metadata: { name: 'hostile-base' },
      spec: {
        volumeName: 'shared',
        type: 'Replicate',
        replica: 2,
        bricks: { nodeNames: [first.name, second.name], path: '/srv/gluster' },
        options: [{ name: 'performance.cache-size', value: '64MB' }],
        mount: { nodeSelector: {}, path: '/mnt/shared' },
        reclaimPolicy: 'Retain',
      },
    },
    MinioPool: {
      apiVersion,
      kind: 'MinioPool',
      metadata: { name: 'hostile-base' },
      spec: {
        nodeSelector: {},
        drivesPerNode: 1,
        drivePaths: ['/srv/minio'],
        credentialsSecretRef: { name: 'minio-root' },
        source: { url: `http://${fleet.artifactHost}/minio/linux-amd64/minio`, sha256: 'a'.repeat(64) },
        ports: { api: 9000, console: 9001 },
        serviceUser: 'minio-user',
        reclaimPolicy: 'Retain',
      },
    },
  };
}

const ports = [
  { label: 'zero', value: 0 },
  { label: 'negative', value: -1 },
  { label: 'past-65535', value: 65536 },
  { label: 'huge', value: 1e12 },
  { label: 'fraction', value: 22.5 },
];

/** Every identifier-like spec field of every kind. metadata.name is fed separately (its own rules). */
export function fieldSpecs(fleet: FleetFacts): FieldSpec[] {
  const [first] = fleet.nodes;
  if (!first) throw new Error('the hostile test needs a Pi');
  const base = baseObjects(fleet);
  const minio = base.MinioPool.spec as { source: { url: string } };
  return [
    { kind: 'PiNode', path: 'spec.address', valid: first.address },
    { kind: 'PiNode', path: 'spec.port', valid: '22', integer: true, extra: ports },
    { kind: 'PiNode', path: 'spec.hostname', valid: first.name },
    { kind: 'PiNode', path: 'spec.timezone', valid: 'Europe/London' },
    { kind: 'PiNode', path: 'spec.ssh.user', valid: 'pi' },
    { kind: 'PiNode', path: 'spec.ssh.privateKeySecretRef.name', valid: 'bramble-ssh-key' },
    { kind: 'PiNode', path: 'spec.ssh.hostKeyPolicy', valid: 'Pinned' },
    { kind: 'PiNode', path: 'spec.ssh.hostKey', valid: first.hostKey },
    { kind: 'PiNode', path: 'spec.users[0].name', valid: 'alice' },
    { kind: 'PiNode', path: 'spec.users[0].groups[0]', valid: 'sudo' },
    { kind: 'PiNode', path: 'spec.users[0].shell', valid: '/bin/bash' },
    { kind: 'PiNode', path: 'spec.users[0].authorizedKeys[0]', valid: aliceKey },
    {
      kind: 'PiNode',
      path: 'spec.packages[0]',
      valid: 'htop',
      // apt-get reads a trailing "-" as "remove this package": "openssh-server-" would uninstall
      // sshd although every character is a legal package-name character.
      extra: [
        { label: 'apt-remove-suffix', value: 'openssh-server-' },
        { label: 'apt-remove-htop', value: 'htop-' },
      ],
    },
    { kind: 'SlurmPartition', path: 'spec.clusterName', valid: 'bramble' },
    { kind: 'SlurmPartition', path: 'spec.controller', valid: first.name },
    { kind: 'SlurmPartition', path: 'spec.maxTime', valid: '1:00:00' },
    { kind: 'SlurmPartition', path: 'spec.state', valid: 'UP' },
    { kind: 'SlurmPartition', path: 'spec.mungeKeySecretRef.name', valid: 'munge-key' },
    { kind: 'SlurmPartition', path: 'spec.nodeSelector.matchExpressions[0].key', valid: 'bramble.dev/role' },
    {
      kind: 'SlurmPartition',
      path: 'spec.nodeSelector.matchExpressions[0].values[0]',
      valid: 'compute',
      legitimate: {
        labels: ['bare:empty'],
        why: 'the empty string is a valid label value; selectors are matched in memory, never sent to a Pi',
      },
    },
    { kind: 'SlurmPartition', path: 'spec.nodeSelector.matchExpressions[0].operator', valid: 'In' },
    {
      kind: 'SlurmPartition',
      path: 'spec.nodeSelector.matchLabels.role',
      reported: 'spec.nodeSelector.matchLabels[role]',
      valid: 'compute',
      legitimate: {
        labels: ['bare:empty'],
        why: 'the empty string is a valid label value; selectors are matched in memory, never sent to a Pi',
      },
    },
    { kind: 'SlurmPartition', path: 'spec.extraConfig[0].name', valid: 'SchedulerType' },
    { kind: 'SlurmPartition', path: 'spec.extraConfig[0].value', valid: 'sched/backfill' },
    { kind: 'GlusterVolume', path: 'spec.volumeName', valid: 'shared' },
    { kind: 'GlusterVolume', path: 'spec.type', valid: 'Replicate' },
    { kind: 'GlusterVolume', path: 'spec.bricks.nodeNames[0]', valid: first.name },
    { kind: 'GlusterVolume', path: 'spec.bricks.path', valid: '/srv/gluster' },
    { kind: 'GlusterVolume', path: 'spec.options[0].name', valid: 'performance.cache-size' },
    {
      kind: 'GlusterVolume',
      path: 'spec.options[0].value',
      valid: '64MB',
      legitimate: {
        labels: ['bare:star', 'suffix:star'],
        why: 'auth.allow and friends take "*" wildcards; bramble passes option values as one quoted word to gluster volume set, never to a shell unquoted',
      },
    },
    { kind: 'GlusterVolume', path: 'spec.mount.path', valid: '/mnt/shared' },
    { kind: 'GlusterVolume', path: 'spec.reclaimPolicy', valid: 'Retain' },
    { kind: 'MinioPool', path: 'spec.drivePaths[0]', valid: '/srv/minio' },
    { kind: 'MinioPool', path: 'spec.credentialsSecretRef.name', valid: 'minio-root' },
    {
      kind: 'MinioPool',
      path: 'spec.source.url',
      valid: minio.source.url,
      legitimate: {
        labels: ['suffix:tilde'],
        why: '"~" is an unreserved URL character (RFC 3986); the URL is one quoted argument to the downloader',
      },
    },
    { kind: 'MinioPool', path: 'spec.source.sha256', valid: 'a'.repeat(64) },
    { kind: 'MinioPool', path: 'spec.ports.api', valid: '9000', integer: true, extra: ports },
    { kind: 'MinioPool', path: 'spec.ports.console', valid: '9001', integer: true, extra: ports },
    { kind: 'MinioPool', path: 'spec.serviceUser', valid: 'minio-user' },
    { kind: 'MinioPool', path: 'spec.reclaimPolicy', valid: 'Retain' },
  ];
}

/**
 * Spec fields of the CRDs that are deliberately not fed, with why. The coverage test fails when a
 * kind gains a string field that is neither fed nor listed here.
 */
const sameSelector =
  'the same LabelSelector schema (crds/common.ts) as SlurmPartition spec.nodeSelector, which is fed; selectors are matched in memory and never reach a Pi';
const numberOrFlag = 'a number or a boolean, typed by the schema and bounded; it reaches a Pi only as the decimal the reconciler formats';
// Fed, these would move the test Pi's address mid-battery; each is an enum or a pattern-checked
// IPv4 address, DNS name or interface name, and they reach a Pi only inside a file sent over stdin.
const networkField =
  'an enum or a pattern-checked IPv4 address, DNS name or interface name (crds/pinode-network.ts); written only into the profile sent over stdin, and feeding it would move the test Pi';
export const notFed: Record<string, string> = {
  'PiNode spec.paused': numberOrFlag,
  'PiNode spec.network.rollbackAfterSeconds': numberOrFlag,
  ...Object.fromEntries(
    ['address', 'dns[0]', 'gateway', 'interface', 'mode', 'reachAt', 'searchDomains[0]'].map((leaf) => [
      `PiNode spec.network.${leaf}`,
      networkField,
    ]),
  ),
  'SlurmPartition spec.default': numberOrFlag,
  'SlurmPartition spec.reservedMemoryMiB': numberOrFlag,
  'SlurmPartition spec.allowRootPrograms': numberOrFlag,
  'GlusterVolume spec.arbiter': numberOrFlag,
  'GlusterVolume spec.disperse': numberOrFlag,
  'GlusterVolume spec.redundancy': numberOrFlag,
  'GlusterVolume spec.replica': numberOrFlag,
  'GlusterVolume spec.bricks.allowRootFilesystem': numberOrFlag,
  'MinioPool spec.allowRootFilesystem': numberOrFlag,
  'MinioPool spec.drivesPerNode': numberOrFlag,
  ...Object.fromEntries(
    ['GlusterVolume spec.bricks.nodeSelector', 'GlusterVolume spec.mount.nodeSelector', 'MinioPool spec.nodeSelector'].flatMap((s) =>
      ['.matchExpressions[0].key', '.matchExpressions[0].operator', '.matchExpressions[0].values[0]', '.matchLabels[*]'].map((leaf) => [
        `${s}${leaf}`,
        sameSelector,
      ]),
    ),
  ),
};

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode;
  items?: SchemaNode;
}

/** Every leaf of a spec schema as "spec.a.b[0].c", maps as "…[*]". */
export function specLeaves(schema: SchemaNode, path = 'spec'): string[] {
  if (schema.type === 'object' && schema.properties) {
    return Object.entries(schema.properties).flatMap(([k, v]) => specLeaves(v, `${path}.${k}`));
  }
  if (schema.type === 'object' && schema.additionalProperties) return [`${path}[*]`];
  if (schema.type === 'array' && schema.items) return specLeaves(schema.items, `${path}[0]`);
  return [path];
}

/** A fed path as a schema leaf: map entries become "[*]". */
export function leafOf(spec: FieldSpec): string {
  return spec.reported ? spec.reported.replace(/\[[^\]]*\]$/, '[*]') : spec.path;
}

function segments(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const m = /^([^[]+)((\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    return [m[1] as string, ...[...(m[2] ?? '').matchAll(/\[(\d+)\]/g)].map((i) => Number(i[1]))];
  });
}

/** A copy of `base` with `value` at `path` (which must already exist in the base). */
export function withValue(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const obj = structuredClone(base);
  const steps = segments(path);
  let node = obj as Record<string | number, unknown>;
  for (const step of steps.slice(0, -1)) {
    const next = node[step];
    if (next === undefined || next === null || typeof next !== 'object') throw new Error(`${path}: the base has no ${String(step)}`);
    node = next as Record<string | number, unknown>;
  }
  const last = steps[steps.length - 1] as string | number;
  if (!(last in node)) throw new Error(`${path}: the base has no ${String(last)}`);
  node[last] = value;
  return obj;
}
