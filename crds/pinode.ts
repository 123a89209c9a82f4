// PiNode: one Raspberry Pi, reached over SSH. The schema is the source of truth for the
// TypeScript types below and for crds/bramble.dev_pinodes.yaml.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import * as pattern from './patterns.ts';
import { AbsolutePath, Conditions, ObservedGeneration, PendingSteps, Port, SecretReference } from './common.ts';
import { BoundedString, MapList, PatternString, SetOf, StringEnum } from './schema-kit.ts';
import { customResourceDefinitionOf } from './definition.ts';
import { PiNodeHealthFactsSchema, PiNodeHealthStatusSchema } from './pinode-health.ts';
import type { KindDefinition } from './definition.ts';
import type { Resource } from './resource.ts';
import { NetworkManagedBySchema, PiNodeNetworkSchema, PiNodeNetworkStatusSchema } from './pinode-network.ts';

const PublicKey = (description: string) => PatternString(description, pattern.sshPublicKey, 8192);

export const HostKeyPolicySchema = StringEnum(
  ['Pinned', 'TrustOnFirstUse'] as const,
  'Pinned (the default): only spec.ssh.hostKey is accepted. TrustOnFirstUse: the first key seen is recorded in status.hostKey and pinned from then on.',
  { default: 'Pinned' },
);

export const PiNodeSshSchema = Type.Object(
  {
    user: PatternString('User bramble logs in as; it needs passwordless sudo.', pattern.posixName, 32, { default: 'pi' }),
    privateKeySecretRef: SecretReference('A Secret of type kubernetes.io/ssh-auth whose ssh-privatekey logs in as user.'),
    hostKeyPolicy: HostKeyPolicySchema,
    hostKey: Type.Optional(PublicKey('The Pi\'s SSH host public key, one OpenSSH line ("ssh-ed25519 AAAA…"); see ssh-keyscan.')),
  },
  {
    description: 'How bramble logs in. Nothing is sent to a host whose key does not match.',
    'x-kubernetes-validations': [
      {
        rule: "(has(self.hostKeyPolicy) && self.hostKeyPolicy == 'TrustOnFirstUse') || has(self.hostKey)",
        message: 'hostKey is required when hostKeyPolicy is Pinned (get it with ssh-keyscan -t ed25519 ADDRESS)',
        fieldPath: '.hostKey',
        reason: 'FieldValueRequired',
      },
    ],
  },
);

export const PiNodeUserSchema = Type.Object({
  name: PatternString('Login name.', pattern.posixName, 32),
  groups: Type.Optional(
    SetOf(
      PatternString('A group name.', pattern.posixName, 32),
      32,
      'Supplementary groups (created when missing), e.g. sudo, gpio, video.',
    ),
  ),
  authorizedKeys: Type.Optional(
    SetOf(PublicKey('One OpenSSH public key line.'), 32, 'Keys that may log in as this user (authorized_keys, managed whole).'),
  ),
  shell: Type.Optional(AbsolutePath('Login shell, e.g. /bin/bash.')),
});

export const PiNodeSpecSchema = Type.Object(
  {
    address: Type.String({
      description: 'IPv4 address, IPv6 address or DNS name the Pi is reached at.',
      maxLength: 253,
      anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }, { pattern: pattern.dnsName }],
    }),
    port: Port('SSH port.', 22),
    ssh: PiNodeSshSchema,
    hostname: Type.Optional(PatternString('Hostname to set (an RFC 1123 label).', pattern.dnsLabel, 63)),
    timezone: Type.Optional(PatternString('IANA time zone to set, e.g. Europe/London or UTC.', pattern.ianaTimezone, 64)),
    users: Type.Optional(MapList(PiNodeUserSchema, ['name'], 32, 'Local users to create and keep in shape.')),
    packages: Type.Optional(
      SetOf(PatternString('A Debian package name.', pattern.debianPackage, 128), 256, 'Debian packages to install with apt.'),
    ),
    network: Type.Optional(PiNodeNetworkSchema),
    paused: Type.Optional(
      Type.Boolean({ description: 'When true, bramble observes and plans but changes nothing; the plan is in status.pendingSteps.' }),
    ),
  },
  {
    description:
      'The Pi and what it should look like. The SSH login user (ssh.user) may be listed in users only in ways that keep bramble able to log in: ' +
      'its authorizedKeys, when given, must include the key bramble logs in with (checked by the reconciler: WouldLockOut), and its shell must run commands ' +
      '(not nologin, false or true).',
    // The reconciler checks more (the key itself, an allow-list of shells: reconcilers/pinode/lockout.ts); this refuses the plain cases at kubectl apply.
    'x-kubernetes-validations': [
      {
        rule:
          "!has(self.users) || self.users.all(u, u.name != (has(self.ssh.user) ? self.ssh.user : 'pi') || " +
          "((!has(u.authorizedKeys) || size(u.authorizedKeys) > 0) && (!has(u.shell) || !(u.shell.endsWith('/nologin') || u.shell.endsWith('/false') || u.shell.endsWith('/true')))))",
        message:
          "this would lock bramble out: the SSH login user (ssh.user) must keep bramble's key in authorizedKeys and a shell that runs commands",
        fieldPath: '.users',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

const Bytes = (description: string) => Type.Optional(Type.Integer({ description, minimum: 0, format: 'int64' }));

export const PiNodeFactsSchema = Type.Object(
  {
    model: Type.Optional(BoundedString('Board model, e.g. "Raspberry Pi 3 Model B Plus Rev 1.3".', 256)),
    serial: Type.Optional(BoundedString('Board serial number.', 64)),
    arch: Type.Optional(BoundedString('Machine architecture (uname -m), e.g. aarch64 or armv7l.', 32)),
    os: Type.Optional(BoundedString('Operating system (PRETTY_NAME of os-release).', 256)),
    kernel: Type.Optional(BoundedString('Kernel release (uname -r).', 128)),
    cpus: Type.Optional(Type.Integer({ description: 'Online CPUs.', minimum: 0 })),
    memoryBytes: Bytes('Total memory.'),
    diskBytes: Bytes('Size of the root filesystem.'),
    diskFreeBytes: Bytes('Free space on the root filesystem.'),
    temperatureCelsius: Type.Optional(Type.Number({ description: 'SoC temperature.' })),
    throttled: Type.Optional(PatternString('Raw vcgencmd get_throttled bits, e.g. 0x50005.', pattern.throttledHex, 10)),
    throttledFlags: Type.Optional(
      SetOf(
        BoundedString(
          'One flag: under-voltage-now, frequency-capped-now, throttled-now, soft-temp-limit-now, or the same ending in -occurred.',
          64,
        ),
        16,
        'The throttled bits in words.',
      ),
    ),
    uptimeSeconds: Type.Optional(
      Type.Integer({
        description: 'Seconds since boot (since PID 1 started, so a container reports its own boot).',
        minimum: 0,
        format: 'int64',
      }),
    ),
    bootTime: Type.Optional(Type.String({ description: 'When the Pi booted: the observe time minus uptimeSeconds.', format: 'date-time' })),
    bootId: Type.Optional(
      PatternString('The kernel boot id (/proc/sys/kernel/random/boot_id); a new one means the Pi rebooted.', pattern.bootId, 36),
    ),
    load1: Type.Optional(Type.Number({ description: 'One-minute load average.', minimum: 0 })),
    health: Type.Optional(PiNodeHealthFactsSchema),
    networkManagedBy: Type.Optional(NetworkManagedBySchema),
  },
  { description: 'What the Pi reported the last time it was observed.' },
);

export const PiNodeStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
    facts: Type.Optional(PiNodeFactsSchema),
    hostKey: Type.Optional(PublicKey('The host key the Pi presented (OpenSSH line).')),
    lastSeen: Type.Optional(Type.String({ description: 'When the Pi last answered.', format: 'date-time' })),
    pendingSteps: Type.Optional(PendingSteps),
    health: Type.Optional(PiNodeHealthStatusSchema),
    network: Type.Optional(PiNodeNetworkStatusSchema),
  },
  {
    description:
      'What bramble found. Conditions: Ready, Reachable, Configured, PowerHealthy, StorageHealthy (these two never make Ready False), NetworkRolledBack (while the last network change was rolled back); Reconciling and Stalled while true.',
  },
);

export type HostKeyPolicy = Static<typeof HostKeyPolicySchema>;
export type PiNodeSsh = Static<typeof PiNodeSshSchema>;
export type PiNodeUser = Static<typeof PiNodeUserSchema>;
export type PiNodeSpec = Static<typeof PiNodeSpecSchema>;
export type PiNodeFacts = Static<typeof PiNodeFactsSchema>;
export type PiNodeStatus = Static<typeof PiNodeStatusSchema>;
export type PiNode = Resource<PiNodeSpec, PiNodeStatus>;

export const piNodeDefinition: KindDefinition = {
  kind: 'PiNode',
  plural: 'pinodes',
  singular: 'pinode',
  shortNames: ['pi'],
  description: 'PiNode is one Raspberry Pi that bramble manages over SSH.',
  spec: PiNodeSpecSchema,
  status: PiNodeStatusSchema,
  printerColumns: [
    { name: 'Address', type: 'string', jsonPath: '.spec.address', description: 'Where the Pi is reached.' },
    { name: 'Model', type: 'string', jsonPath: '.status.facts.model', description: 'Board model.' },
    { name: 'Temp', type: 'number', jsonPath: '.status.facts.temperatureCelsius', description: 'SoC temperature in °C.' },
  ],
  wideColumns: [
    { name: 'Hostname', type: 'string', jsonPath: '.spec.hostname', description: 'Hostname bramble sets.' },
    { name: 'Arch', type: 'string', jsonPath: '.status.facts.arch', description: 'Machine architecture.' },
  ],
};

export const piNodeCrd = customResourceDefinitionOf(piNodeDefinition);
