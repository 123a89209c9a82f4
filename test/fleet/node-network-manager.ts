// A node whose eth0 NetworkManager manages, as on a Raspberry Pi OS Bookworm Pi: the image ships
// NetworkManager off and leaving devices alone (image/customize.sh); this gives the node a profile
// of the distribution's own ("preconfigured", as Raspberry Pi Imager names it) holding the address
// the harness gave, and starts NetworkManager, which takes eth0 over without dropping the address.
import { shellQuote } from '../../ssh/quote.ts';
import type { CommandResult } from './run-command.ts';

const profile = (address: string, prefixLength: number) => [
  '[connection]',
  'id=preconfigured',
  'type=ethernet',
  'interface-name=eth0',
  'autoconnect=true',
  '',
  '[ipv4]',
  'method=manual',
  `address1=${address}/${prefixLength}`,
  '',
  '[ipv6]',
  'method=ignore',
  '',
].join('\n');

export async function handToNetworkManager(
  exec: (command: string, timeoutMs?: number) => Promise<CommandResult>,
  node: string,
  address: string,
  prefixLength: number,
): Promise<void> {
  const file = '/etc/NetworkManager/system-connections/preconfigured.nmconnection';
  const script = [
    'set -e',
    'rm -f /etc/NetworkManager/conf.d/90-bramble-sim.conf',
    `printf '%s' ${shellQuote(profile(address, prefixLength))} > ${file}`,
    `chmod 600 ${file}`,
    'systemctl enable --quiet NetworkManager.service',
    'systemctl start NetworkManager.service',
    // Connected (state 100) on the harness's address, or fail with what NetworkManager says.
    'for i in $(seq 60); do',
    '  nmcli -g GENERAL.STATE device show eth0 2>/dev/null | grep -q "^100" && exit 0',
    '  sleep 0.5',
    'done',
    'nmcli device status >&2; nmcli -f GENERAL,IP4 device show eth0 >&2; exit 1',
  ].join('\n');
  const result = await exec(script, 60_000);
  if (result.code !== 0) throw new Error(`${node}: NetworkManager did not take eth0 over: ${result.stderr.trim()}`);
}
