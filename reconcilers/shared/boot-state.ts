// A Pi observed while it is still booting shows services not yet started and mounts not yet made:
// a plan made from that would "correct" what systemd is about to do by itself (start glusterd,
// mount the volume), and every reboot would cost a round of needless changes. So the observe
// scripts of the kinds that run services report systemd's own verdict, and a reconciler applies
// nothing to a cluster while one of its hosts is booting. A unit that never finishes starting
// must not keep bramble away for ever: past the first ten minutes of uptime a host counts as up.
// A host shutting down ("stopping") is held off the same way, whatever its uptime: systemd has
// just unmounted and stopped what it serves, and a change made now would be undone by the
// reboot and "corrected" twice (bramble hears of the shutdown as soon as its SSH connection
// closes, so it looks right then).
export const bootGraceSeconds = 600;

/** How soon to look again at a cluster waiting for a host to finish booting. */
export const bootRecheckMs = 5_000;

/** The observe section: `systemctl is-system-running` and the seconds since boot. */
export const bootStateProbe: [section: string, probe: string] = [
  'boot-state',
  'printf \'%s %s\\n\' "$(systemctl is-system-running 2>/dev/null)" "$(cut -d \' \' -f 1 /proc/uptime)"',
];

/** Whether the boot-state section says the host is still booting (or already shutting down). */
export function isBooting(section: string | undefined): boolean {
  const [state, uptime] = (section ?? '').trim().split(/\s+/);
  if (state === 'stopping') return true;
  const seconds = Number(uptime);
  return (state === 'initializing' || state === 'starting') && Number.isFinite(seconds) && seconds < bootGraceSeconds;
}

/** The hosts (by name) still booting, sorted, from a map of observations. */
export function bootingHosts(observed: ReadonlyMap<string, { booting?: boolean }>): string[] {
  return [...observed]
    .filter(([, o]) => o.booting === true)
    .map(([name]) => name)
    .sort();
}
