// PiNode's wired network: the spec (DHCP or a static address, applied like `netplan try`) and what
// status records of it. Kept apart from pinode.ts so the rules about the network read in one place.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import * as pattern from './patterns.ts';
import { BoundedString, PatternString, SetOf, StringEnum } from './schema-kit.ts';

const Ipv4 = (description: string) => PatternString(description, pattern.ipv4, 15);

export const NetworkModeSchema = StringEnum(
  ['DHCP', 'Static'] as const,
  'DHCP: the address comes from the network. Static: address, gateway and dns as given.',
  { default: 'DHCP' },
);

export const PiNodeNetworkSchema = Type.Object(
  {
    interface: PatternString('The wired interface bramble configures.', pattern.interfaceName, 15, { default: 'eth0' }),
    mode: NetworkModeSchema,
    address: Type.Optional(PatternString('Static IPv4 address with its prefix length, e.g. 192.168.1.20/24.', pattern.ipv4Cidr, 18)),
    gateway: Type.Optional(Ipv4('Default gateway (Static).')),
    dns: Type.Optional(SetOf(Ipv4('A DNS server.'), 3, 'DNS servers (Static).')),
    searchDomains: Type.Optional(SetOf(PatternString('A search domain.', pattern.dnsName, 253), 6, 'DNS search domains.')),
    reachAt: Type.Optional(
      Type.String({
        description:
          'The address bramble connects to once the network change is made (and to confirm it). ' +
          'Leave it out when the address bramble uses does not change. After the change is confirmed bramble connects here.',
        maxLength: 253,
        anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }, { pattern: pattern.dnsName }],
      }),
    ),
    rollbackAfterSeconds: Type.Integer({
      description:
        'The Pi restores its previous network by itself this long after a change unless bramble reached it at reachAt and confirmed.',
      minimum: 10,
      maximum: 3600,
      default: 120,
    }),
  },
  {
    description:
      "The wired network, written the way the Pi manages it (a NetworkManager profile of bramble's own, or a block in dhcpcd.conf), " +
      'applied with a rollback timer on the Pi so a mistake cannot take it off the network.',
    'x-kubernetes-validations': [
      {
        rule: "self.mode == 'Static' ? has(self.address) : !has(self.address)",
        message: 'address is required when mode is Static, and only then',
        fieldPath: '.address',
        reason: 'FieldValueInvalid',
      },
      {
        rule: "self.mode == 'Static' || (!has(self.gateway) && !has(self.dns))",
        message: 'gateway and dns are set only when mode is Static',
        fieldPath: '.gateway',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

export const NetworkManagedBySchema = StringEnum(
  ['NetworkManager', 'dhcpcd', 'other'] as const,
  "Who manages the Pi's network: NetworkManager (Bookworm and later), dhcpcd (up to Bullseye) or other (bramble changes nothing).",
);

export const PiNodeNetworkStatusSchema = Type.Object(
  {
    address: Type.Optional(BoundedString('The address bramble connects to, confirmed after the last network change.', 253)),
    replacedAddress: Type.Optional(BoundedString('spec.address when that change was confirmed: a new spec.address takes over again.', 253)),
    appliedHash: Type.Optional(PatternString('Digest of the network settings last confirmed on the Pi.', '^[0-9a-f]{16}$', 16)),
    lastChange: Type.Optional(
      Type.Object(
        {
          outcome: StringEnum(['Confirmed', 'RolledBack'] as const, 'How the last network change ended.'),
          token: PatternString(
            "The change's name in the Pi's state file (/var/lib/bramble/network/IFACE.state), so its end is reported once.",
            '^[0-9a-f]{16}-[0-9a-z]{1,32}$',
            49,
          ),
          at: Type.String({ description: 'When bramble saw it end.', format: 'date-time' }),
          generation: Type.Optional(
            Type.Integer({
              description: 'The metadata.generation it was seen at: a rolled-back setting is tried again only after the spec changes.',
              minimum: 0,
              format: 'int64',
            }),
          ),
          message: BoundedString('What bramble saw.', 1024),
        },
        { description: 'The last network change that ended.' },
      ),
    ),
  },
  { description: 'The network as bramble last confirmed it.' },
);

export type NetworkMode = Static<typeof NetworkModeSchema>;
export type PiNodeNetwork = Static<typeof PiNodeNetworkSchema>;
export type NetworkManagedBy = Static<typeof NetworkManagedBySchema>;
export type PiNodeNetworkStatus = Static<typeof PiNodeNetworkStatusSchema>;

/**
 * The address bramble connects to: the one the last confirmed network change moved it to, while
 * spec.address is still the one that change replaced; spec.address otherwise (an edit of
 * spec.address is the user saying where the Pi is now).
 */
export function connectAddressOf(spec: { address: string }, status: { network?: PiNodeNetworkStatus } | undefined): string {
  const network = status?.network;
  if (network?.address && network.replacedAddress === spec.address) return network.address;
  return spec.address;
}
