// The network part of a PiNode observe: who manages the network (always, a fact), and for a
// declared spec.network the digest of bramble's profile or dhcpcd block and the state of the last
// change (network-scripts.ts). Probes here, parsing beside them; observe-script.ts includes them.
import { shellQuote } from '../../ssh/quote.ts';
import type { NetworkManagedBy } from '../../crds/pinode-network.ts';
import type { Probe } from '../shared/observe-frame.ts';
import { sectionText, type Sections } from '../shared/parse-sections.ts';
import { dhcpcdBegin, dhcpcdConfPath, dhcpcdEnd, profilePath } from './network-profile.ts';
import { networkStateDir } from './network-scripts.ts';

export const managedByProbe: Probe = [
  'network-managed-by',
  'if command -v nmcli >/dev/null && nmcli -t -f RUNNING general | grep -qx running; then echo NetworkManager; ' +
    'elif pidof dhcpcd >/dev/null || systemctl is-active --quiet dhcpcd; then echo dhcpcd; else echo other; fi',
];

/** sed's address form of a line, with the regex characters a marker holds escaped. */
const sedLine = (line: string) => `/^${line.replace(/[.]/g, '\\.')}$/`;

export function networkProbes(iface: string | undefined): Probe[] {
  if (iface === undefined) return [];
  const file = shellQuote(profilePath(iface));
  const conf = shellQuote(dhcpcdConfPath);
  return [
    ['network-state', `cat ${shellQuote(`${networkStateDir}/${iface}.state`)}`],
    ['network-marker', `[ -f ${shellQuote(`${networkStateDir}/${iface}.marker`)} ] && echo present`],
    ['network-nm-digest', `[ -f ${file} ] && sha256sum ${file} | cut -c1-16`],
    [
      'network-dhcpcd-digest',
      `grep -qxF ${shellQuote(dhcpcdBegin(iface))} ${conf} && sed -n ${shellQuote(`${sedLine(dhcpcdBegin(iface))},${sedLine(dhcpcdEnd(iface))}p`)} ${conf} | sha256sum | cut -c1-16`,
    ],
  ];
}

export type ChangePhase = 'armed' | 'confirmed' | 'rolled-back';

export interface ObservedNetwork {
  /** The last change bramble made, as the Pi's state file tells it. */
  lastChange?: { phase: ChangePhase; token: string };
  /** bramble's marker file is there: the profile or block is bramble's own. */
  marker: boolean;
  /** Digest of bramble's NetworkManager profile, when it exists. */
  networkManagerDigest?: string;
  /** Digest of bramble's dhcpcd.conf block, when it exists. */
  dhcpcdDigest?: string;
}

export function parseManagedBy(sections: Sections): NetworkManagedBy | undefined {
  const text = sectionText(sections, 'network-managed-by');
  return text === 'NetworkManager' || text === 'dhcpcd' || text === 'other' ? text : undefined;
}

const digestOf = (text: string | undefined) => (text && /^[0-9a-f]{16}$/.test(text) ? text : undefined);

export function parseNetwork(sections: Sections): ObservedNetwork {
  const observed: ObservedNetwork = { marker: sectionText(sections, 'network-marker') === 'present' };
  const [phase, token] = (sectionText(sections, 'network-state') ?? '').split(/\s+/);
  if ((phase === 'armed' || phase === 'confirmed' || phase === 'rolled-back') && token) observed.lastChange = { phase, token };
  const nm = digestOf(sectionText(sections, 'network-nm-digest'));
  if (nm) observed.networkManagerDigest = nm;
  const dhcpcd = digestOf(sectionText(sections, 'network-dhcpcd-digest'));
  if (dhcpcd) observed.dhcpcdDigest = dhcpcd;
  return observed;
}
