// The one read-only script a PiNode observe sends (as root, over `sh -s`): facts about the Pi and
// the current state of everything the spec can ask for, as sections framed by a per-run marker.
// Every probe tolerates its tool or file being absent (simulated Pis have no device tree, no
// vcgencmd, no thermal zone): a missing section body simply means "unknown".
import { shellQuote } from '../../ssh/quote.ts';
import { bounded, observeFrame, probeLines, type Probe } from '../shared/observe-frame.ts';
import { healthProbes } from './health-probes.ts';
import { managedByProbe, networkProbes } from './network-observe.ts';

export interface ObserveScope {
  /** Users whose account, groups and authorized keys the spec declares. */
  users: readonly string[];
  /** Supplementary groups the spec declares for any user (which of them exist). */
  groups: readonly string[];
  /** Packages whose install state the spec declares. */
  packages: readonly string[];
  /** The interface spec.network declares, when it does. */
  networkInterface?: string;
}

const factProbes: Probe[] = [
  // Device-tree strings end in NUL; the parser strips it (tr may be missing on a tiny image).
  ['model', 'cat /proc/device-tree/model'],
  ['serial-number', 'cat /proc/device-tree/serial-number'],
  ['cpuinfo', "grep -E '^(processor|Hardware|Revision|Serial|Model)[[:space:]]*:' /proc/cpuinfo"],
  ['arch', 'uname -m'],
  ['kernel', 'uname -r'],
  ['os-release', 'cat /etc/os-release || cat /usr/lib/os-release'],
  ['nproc', 'nproc'],
  ['meminfo', "grep -E '^(MemTotal|MemAvailable):' /proc/meminfo"],
  ['df-root', 'df -P -k /'],
  ['thermal', 'cat /sys/class/thermal/thermal_zone0/temp'],
  ['throttled', 'command -v vcgencmd >/dev/null && vcgencmd get_throttled'],
  ['uptime', 'cat /proc/uptime'],
  // PID 1's start in clock ticks after the kernel booted: 0-ish on a Pi, the container's start
  // in a simulated one (whose /proc/uptime is the host's); uptime is measured from it.
  ['init-start', "sed 's/.*) //' /proc/1/stat | cut -d' ' -f20 && getconf CLK_TCK"],
  ['boot-id', 'cat /proc/sys/kernel/random/boot_id'],
  ['loadavg', 'cat /proc/loadavg'],
  ['hostname', 'hostname || uname -n'],
  ['etc-hostname', 'cat /etc/hostname'],
  ['etc-hosts-127.0.1.1', "grep -E '^127\\.0\\.1\\.1[[:space:]]' /etc/hosts"],
  ['etc-timezone', 'cat /etc/timezone'],
  ['localtime', 'readlink /etc/localtime'],
];

function userProbes(user: string): string[] {
  const u = shellQuote(user);
  return [
    `sec ${shellQuote(`user-passwd ${user}`)}; ${bounded(`getent passwd ${u}`)}`,
    `sec ${shellQuote(`user-groups ${user}`)}; ${bounded(`id -nG ${u}`)}`,
    // %F tells a symlink from a file: bramble refuses to write through a symlink.
    `h=$(getent passwd ${u} | cut -d: -f6)`,
    `sec ${shellQuote(`user-ssh ${user}`)}; ${bounded(`[ -n "$h" ] && stat -c '%n|%F|%a|%U' "$h/.ssh" "$h/.ssh/authorized_keys"`)}`,
    // A file the user writes: cut at its bound on the Pi (a 16 MiB file stops here, not in the operator).
    `sec ${shellQuote(`user-keys ${user}`)}; ${bounded(`[ -n "$h" ] && [ -f "$h/.ssh/authorized_keys" ] && [ ! -L "$h/.ssh/authorized_keys" ] && cat "$h/.ssh/authorized_keys"`)}`,
  ];
}

export function observeScript(scope: ObserveScope, nonce: string): string {
  const packages = scope.packages.map(shellQuote).join(' ');
  const body = [
    ...probeLines(factProbes),
    ...probeLines(healthProbes),
    ...probeLines([managedByProbe, ...networkProbes(scope.networkInterface)]),
    ...scope.users.flatMap(userProbes),
    `sec groups${scope.groups.length ? `; ${bounded(`getent group ${scope.groups.map(shellQuote).join(' ')}`)}` : ''}`,
    `sec packages${packages ? `; ${bounded(`dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\n' ${packages}`)}` : ''}`,
  ];
  return observeFrame(body, nonce);
}
