// The scripts of a network change, applied like `netplan try`: `tryScript` writes bramble's
// profile (or dhcpcd block), arms a timer ON THE PI that restores the previous network unless
// confirmed, then switches a moment later (after this exec has answered, since the switch may take
// the address this session uses). `confirmScript`, run at the new address, stops the timer.
// State on the Pi (/var/lib/bramble/network/IFACE.state: "armed|confirmed|rolled-back TOKEN") tells
// any later reconcile, or a new leader, how the change ended. Pure text; every value is quoted.
import { shellQuote } from '../../ssh/quote.ts';
import type { PiNodeNetwork } from '../../crds/pinode-network.ts';
import { failFunction, replaceFileFunction } from '../shared/shell-snippets.ts';
import { dhcpcdBegin, dhcpcdConfPath, dhcpcdEnd, profileName, profilePath } from './network-profile.ts';

export const networkStateDir = '/var/lib/bramble/network';
export const rollbackUnit = (iface: string) => `bramble-network-rollback-${iface}`;
/** Seconds between the try exec answering and the switch, so its answer is not cut off. */
export const switchDelaySeconds = 2;

export type NetworkManagerKind = 'NetworkManager' | 'dhcpcd';

export interface NetworkChange {
  managedBy: NetworkManagerKind;
  network: PiNodeNetwork;
  /** The profile or block to write (network-profile.ts). */
  config: string;
  /** Names this change in the state file, so its end is reported once. */
  token: string;
}

function paths(iface: string): string[] {
  const dir = `${networkStateDir}/${iface}`;
  return [
    `iface=${shellQuote(iface)}`,
    `dir=${shellQuote(dir)}`,
    `state=${shellQuote(`${dir}.state`)}`,
    `marker=${shellQuote(`${dir}.marker`)}`,
    `backup=${shellQuote(`${dir}.backup`)}`,
    `unit=${shellQuote(rollbackUnit(iface))}`,
  ];
}

/** Restores what the backup holds, then records the rollback: runs on the Pi, from the timer. */
function rollbackBody(managedBy: NetworkManagerKind, iface: string): string[] {
  const common = [...paths(iface), 'read -r _ token < "$state" || token=unknown'];
  if (managedBy === 'dhcpcd') {
    return [
      ...common,
      `cp -p "$backup/dhcpcd.conf" ${shellQuote(dhcpcdConfPath)}`,
      'systemctl restart dhcpcd || dhcpcd -n "$iface"',
      'printf "rolled-back %s\\n" "$token" > "$state"',
    ];
  }
  const profile = shellQuote(profileName(iface));
  const file = shellQuote(profilePath(iface));
  return [
    ...common,
    // bramble's profile existed before: put its previous settings back. It did not: delete the
    // profile this change created (the marker proves it is bramble's) and bring back the one before.
    'if [ -f "$backup/profile" ]; then',
    `  cp -p "$backup/profile" ${file}; nmcli connection reload; nmcli connection up ${profile}`,
    'else',
    `  nmcli connection delete ${profile}; rm -f ${file} "$marker"; nmcli connection reload`,
    '  prev=$(cat "$backup/previous-connection" 2>/dev/null)',
    '  [ -n "$prev" ] && nmcli connection up "$prev"',
    'fi',
    'printf "rolled-back %s\\n" "$token" > "$state"',
  ];
}

function writeConfig(change: NetworkChange): string[] {
  const iface = change.network.interface;
  if (change.managedBy === 'dhcpcd') {
    const conf = shellQuote(dhcpcdConfPath);
    return [
      `grep -qxF ${shellQuote(dhcpcdBegin(iface))} ${conf} && [ ! -f "$marker" ] && fail "dhcpcd.conf has a bramble block for $iface that bramble has no record of; leaving it alone"`,
      `cp -p ${conf} "$backup/dhcpcd.conf" || fail "cannot back up dhcpcd.conf"`,
      'printf "dhcpcd block in %s\\n" "$iface" > "$marker"',
      // The file without bramble's old block, then the new block: nothing outside the markers changes.
      `{ awk -v b=${shellQuote(dhcpcdBegin(iface))} -v e=${shellQuote(dhcpcdEnd(iface))} '$0==b{skip=1} !skip{print} $0==e{skip=0}' ${conf}; printf '%s' ${shellQuote(change.config)}; } | replace_file ${conf} 644 || fail "cannot write dhcpcd.conf"`,
    ];
  }
  const profile = shellQuote(profileName(iface));
  const file = shellQuote(profilePath(iface));
  return [
    'command -v nmcli >/dev/null || fail "nmcli not found"',
    `if { [ -e ${file} ] || nmcli -g NAME connection show | grep -qxF ${profile}; } && [ ! -f "$marker" ]; then`,
    `  fail "a NetworkManager connection ${profileName(iface)} exists that bramble did not create; leaving it alone"`,
    'fi',
    'nmcli -g GENERAL.CONNECTION device show "$iface" > "$backup/previous-connection" || fail "no device $iface"',
    `[ -f ${file} ] && { cp -p ${file} "$backup/profile" || fail "cannot back up the profile"; }`,
    'printf "NetworkManager profile %s\\n" ' + profile + ' > "$marker"',
    `printf '%s' ${shellQuote(change.config)} | replace_file ${file} 600 || fail "cannot write the profile"`,
    'nmcli connection reload || fail "NetworkManager did not reload its profiles"',
  ];
}

function switchCommand(change: NetworkChange): string {
  if (change.managedBy === 'dhcpcd') return 'systemctl restart dhcpcd';
  return `nmcli connection up ${profileName(change.network.interface)}`;
}

export function tryScript(change: NetworkChange): string {
  const iface = change.network.interface;
  const rollback = [
    '#!/bin/sh',
    '# Written by bramble: restores the network before its last change unless that change was confirmed.',
    ...rollbackBody(change.managedBy, iface),
  ].join('\n');
  // No `set -u`: replace_file reads an optional third argument.
  return [
    failFunction,
    replaceFileFunction,
    ...paths(iface),
    'mkdir -p "$dir" || fail "cannot create $dir"',
    'command -v systemd-run >/dev/null || fail "systemd-run not found: bramble cannot arm the rollback timer"',
    'systemctl is-active --quiet "$unit.timer" && fail "a network change on $iface is still waiting for confirmation"',
    'rm -rf "$backup" && mkdir -p "$backup" || fail "cannot create $backup"',
    ...writeConfig(change),
    `printf '%s\\n' ${shellQuote(rollback)} | replace_file "$dir.rollback" 700 || fail "cannot write the rollback script"`,
    `printf 'armed %s\\n' ${shellQuote(change.token)} > "$state" || fail "cannot write $state"`,
    // Armed BEFORE the switch: whatever happens to this session or the operator, the Pi restores itself.
    `systemd-run --quiet --collect --unit="$unit" --on-active=${change.network.rollbackAfterSeconds}s --timer-property=AccuracySec=1s /bin/sh "$dir.rollback" || fail "cannot arm the rollback timer"`,
    `systemd-run --quiet --collect --unit="bramble-network-switch-$iface" --on-active=${switchDelaySeconds}s /bin/sh -c ${shellQuote(switchCommand(change))} || fail "cannot schedule the switch"`,
    'echo armed',
  ].join('\n');
}

/**
 * Run at the new address. The state and the address are checked while the timer still runs (a
 * confirm that fails leaves the rollback armed); then the timer is stopped, a rollback already
 * running is waited out, and the state says how the change stands.
 */
export function confirmScript(iface: string, token: string, staticIp: string | undefined): string {
  const check = [
    'read -r phase token < "$state" || { echo "state missing"; exit 3; }',
    `[ "$token" = ${shellQuote(token)} ] || { echo "state is for another change: $phase $token"; exit 3; }`,
    '[ "$phase" = armed ] || { echo "$phase"; exit 3; }',
  ];
  return [
    'set -u',
    ...paths(iface),
    ...check,
    // Static: the Pi must hold the address itself, not merely answer somewhere.
    ...(staticIp
      ? [
          `ip -4 -o addr show dev "$iface" | grep -qF ${shellQuote(`inet ${staticIp}/`)} || { echo "address ${staticIp} is not on $iface"; exit 4; }`,
        ]
      : []),
    'systemctl stop "$unit.timer" 2>/dev/null',
    'while systemctl is-active --quiet "$unit.service"; do sleep 0.2; done',
    ...check,
    'printf "confirmed %s\\n" "$token" > "$state"',
    'rm -rf "$backup"',
    'echo confirmed',
  ].join('\n');
}
