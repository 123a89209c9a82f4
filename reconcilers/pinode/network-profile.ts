// What bramble writes for a PiNode's spec.network, in the form the Pi's network manager reads:
// a NetworkManager keyfile of bramble's own (bramble-IFACE), or a marked block of dhcpcd.conf.
// Pure. The digest of what is written is how the observe tells drift from a match.
import { createHash } from 'node:crypto';
import type { NetworkManagedBy, PiNodeNetwork } from '../../crds/pinode-network.ts';

/** NetworkManager's connection name for bramble's profile: never a profile bramble did not create. */
export function profileName(iface: string): string {
  return `bramble-${iface}`;
}

export function profilePath(iface: string): string {
  return `/etc/NetworkManager/system-connections/${profileName(iface)}.nmconnection`;
}

/** A stable UUID for the profile, so rewriting it keeps its identity in NetworkManager. */
function profileUuid(iface: string): string {
  const h = createHash('sha256').update(`bramble network profile ${iface}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const list = (values: readonly string[] | undefined) => (values && values.length > 0 ? `${values.join(';')};` : undefined);

export function networkManagerProfile(network: PiNodeNetwork): string {
  const lines = [
    '# Written by bramble (PiNode spec.network); bramble replaces it as a whole.',
    '[connection]',
    `id=${profileName(network.interface)}`,
    `uuid=${profileUuid(network.interface)}`,
    'type=ethernet',
    `interface-name=${network.interface}`,
    'autoconnect=true',
    // Above the distribution's own profile ("Wired connection 1", "preconfigured"), so a reboot keeps it.
    'autoconnect-priority=100',
    '',
    '[ipv4]',
  ];
  if (network.mode === 'Static' && network.address) {
    lines.push('method=manual', `address1=${network.address}${network.gateway ? `,${network.gateway}` : ''}`);
    const dns = list(network.dns);
    if (dns) lines.push(`dns=${dns}`);
  } else {
    lines.push('method=auto');
  }
  const search = list(network.searchDomains);
  if (search) lines.push(`dns-search=${search}`);
  lines.push('', '[ipv6]', 'method=ignore', '');
  return lines.join('\n');
}

export const dhcpcdConfPath = '/etc/dhcpcd.conf';
export const dhcpcdBegin = (iface: string) => `# bramble begin ${iface}`;
export const dhcpcdEnd = (iface: string) => `# bramble end ${iface}`;

/** bramble's block of dhcpcd.conf, between its markers; DHCP is dhcpcd's default, so the block only names the interface. */
export function dhcpcdBlock(network: PiNodeNetwork): string {
  const lines = [dhcpcdBegin(network.interface), `interface ${network.interface}`];
  if (network.mode === 'Static' && network.address) {
    lines.push(`static ip_address=${network.address}`);
    if (network.gateway) lines.push(`static routers=${network.gateway}`);
    if (network.dns?.length) lines.push(`static domain_name_servers=${network.dns.join(' ')}`);
  }
  if (network.searchDomains?.length) lines.push(`static domain_search=${network.searchDomains.join(' ')}`);
  lines.push(dhcpcdEnd(network.interface));
  return `${lines.join('\n')}\n`;
}

/** What bramble writes for this manager, or undefined where it writes nothing ("other"). */
export function networkConfigFor(managedBy: NetworkManagedBy, network: PiNodeNetwork): string | undefined {
  if (managedBy === 'NetworkManager') return networkManagerProfile(network);
  if (managedBy === 'dhcpcd') return dhcpcdBlock(network);
  return undefined;
}

/** The first 16 hex digits of SHA-256, as the observe script computes them on the Pi (sha256sum | cut -c1-16). */
export function configDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
