// A node whose eth0 NetworkManager manages, as on a Raspberry Pi OS Bookworm Pi: the image ships
// NetworkManager off and leaving devices alone (image/customize.sh); this gives the node a profile
// of the distribution's own ("preconfigured", as Raspberry Pi Imager names it) holding the address
// the harness gave, and starts NetworkManager, which takes eth0 over without dropping the address.
import { shellQuote } from '../../ssh/quote.ts';
import type { CommandResult } from './run-command.ts';

const profile = (address: string, prefixLength: number) =>
  [
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

const procSysNetUnit = [
  '[Unit]',
  'Description=Writable /proc/sys/net for NetworkManager (simulated Pi)',
  'Before=NetworkManager.service',
  '',
  '[Service]',
  'Type=oneshot',
  'RemainAfterExit=yes',
  'ExecStart=/bin/mount --bind /proc/sys/net /proc/sys/net',
  'ExecStart=/bin/mount -o remount,bind,rw /proc/sys/net',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
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
    // nspawn mounts /proc/sys read-only; the node's own network sysctls are NetworkManager's to set
    // (its network namespace is its own), at every boot, before NetworkManager starts.
    `printf '%s' ${shellQuote(procSysNetUnit)} > /etc/systemd/system/bramble-sim-proc-sys-net.service`,
    'systemctl enable --quiet bramble-sim-proc-sys-net.service',
    'systemctl start bramble-sim-proc-sys-net.service',
    'systemctl enable --quiet NetworkManager.service',
    'systemctl start NetworkManager.service',
    // Connected (state 100) with the profile itself (not an address it merely found), or fail saying why.
    'for i in $(seq 60); do',
    '  [ "$(nmcli -g GENERAL.CONNECTION device show eth0 2>/dev/null)" = preconfigured ] && nmcli -g GENERAL.STATE device show eth0 | grep -q "^100" && exit 0',
    '  sleep 0.5',
    'done',
    'nmcli device status >&2; nmcli -f GENERAL,IP4 device show eth0 >&2; exit 1',
  ].join('\n');
  const result = await exec(script, 60_000);
  if (result.code !== 0) throw new Error(`${node}: NetworkManager did not take eth0 over: ${result.stderr.trim()}`);
}
